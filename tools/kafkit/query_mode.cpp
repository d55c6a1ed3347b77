// -Q: offsets by time for each -t topic:partition:timestamp, in kcat 1.7.1's layout
// ("topic [p] offset o", or the -J object keyed by topic then partition). -2 asks for the
// earliest offset, -1 for the latest (the high watermark), any other value for the first
// offset whose timestamp is at or after it (-1 when there is none).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "client_config.hpp"
#include "kafkit/admin.hpp"
#include "kcat_text.hpp"
#include "modes.hpp"

namespace kafkit::cli {
namespace {

struct Query {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t asked = 0;   // the timestamp (or -1 / -2) given
  std::int64_t offset = 0;  // the answer; kcat leaves the value asked for on an error
  int error = 0;            // 0, a Kafka code, or kLocalUnknownPartition
};

/// "topic:partition:offset_or_timestamp", numbers in C notation (kcat reads them with
/// strtol base 0, so 0x10 works too); the whole field must be a number.
Query parse_query(const std::string& arg) {
  const std::string expected =
      "-t: expected \"topic:partition:offset_or_timestamp\", got '" + arg + "'";
  auto first = arg.find(':');
  auto second = first == std::string::npos ? first : arg.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos || first == 0)
    throw UsageError(expected);
  Query q;
  q.topic = arg.substr(0, first);
  std::string part = arg.substr(first + 1, second - first - 1);
  std::string ts = arg.substr(second + 1);
  char* end = nullptr;
  errno = 0;
  long p = std::strtol(part.c_str(), &end, 0);
  if (part.empty() || *end != '\0' || errno != 0 || p < 0 || p > INT32_MAX)
    throw UsageError(expected);
  errno = 0;
  long long t = std::strtoll(ts.c_str(), &end, 0);
  if (ts.empty() || *end != '\0' || errno != 0) throw UsageError(expected);
  q.partition = static_cast<std::int32_t>(p);
  q.asked = q.offset = t;
  return q;
}

std::string as_text(const std::vector<Query>& queries) {
  std::string out;
  for (const auto& q : queries) {
    out += q.topic + " [" + std::to_string(q.partition) + "] offset " + std::to_string(q.offset);
    if (q.error != 0) out += ": " + kcat_error_text(q.error);
    out += '\n';
  }
  return out;
}

std::string as_json(const std::vector<Query>& queries) {
  std::string out = "{";
  const std::string* last_topic = nullptr;
  for (const auto& q : queries) {
    if (!last_topic || *last_topic != q.topic) {
      if (last_topic) out += "},";
      append_json_string(out, q.topic);
      out += ":{\"topic\":";
      append_json_string(out, q.topic);
      last_topic = &q.topic;
    }
    out += ",\"" + std::to_string(q.partition) +
           "\":{\"partition\":" + std::to_string(q.partition) +
           ",\"offset\":" + std::to_string(q.offset);
    if (q.error != 0) {
      out += ",\"error\":";
      append_json_string(out, kcat_error_text(q.error));
    }
    out += '}';
  }
  if (last_topic) out += '}';
  out += '}';  // kcat ends the object without a newline
  return out;
}

}  // namespace

int run_query(const CliOptions& options) {
  if (options.topics.empty())
    throw UsageError("-Q needs -t topic:partition:offset_or_timestamp (repeatable)");
  std::vector<Query> queries;
  for (const auto& t : options.topics) queries.push_back(parse_query(t));
  // kcat prints the partitions sorted by topic, then partition.
  std::stable_sort(queries.begin(), queries.end(), [](const Query& a, const Query& b) {
    return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
  });

  Admin admin(client_config(options, Role::admin, std::cerr));
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options.metadata_timeout_ms);
  auto left = [&] {
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now()),
                    std::chrono::milliseconds(1));
  };
  // Metadata first, as librdkafka looks the leaders up: a topic the cluster does not have
  // keeps the broker's topic error, a partition it does not have is "Local: Unknown
  // partition", and neither is asked about.
  std::set<std::string> names;
  for (const auto& q : queries) names.insert(q.topic);
  auto md = admin.metadata(std::vector<std::string>(names.begin(), names.end()), left());
  if (!md.ok()) {
    std::cerr << "kafkit: cannot get metadata within " << options.metadata_timeout_ms / 1000
              << " s (-m): " << md.error().message << "\n";
    return kFailExit;
  }
  std::vector<TopicPartitionOffset> ask;
  std::vector<size_t> asked_index;
  for (size_t i = 0; i < queries.size(); ++i) {
    auto& q = queries[i];
    auto t = std::find_if(md->topics.begin(), md->topics.end(),
                          [&](const TopicDescription& d) { return d.name == q.topic; });
    if (t == md->topics.end()) {
      q.error = 3;  // UNKNOWN_TOPIC_OR_PARTITION
    } else if (!t->error.ok() && t->partitions.empty()) {
      q.error = t->error.code;
    } else if (std::none_of(
                   t->partitions.begin(), t->partitions.end(),
                   [&](const PartitionDescription& p) { return p.partition == q.partition; })) {
      q.error = kLocalUnknownPartition;
    } else {
      ask.push_back({q.topic, q.partition, q.asked});
      asked_index.push_back(i);
    }
  }
  if (ask.empty()) {
    // kcat fails as a whole, printing nothing, when no partition asked for exists.
    for (const auto& q : queries)
      std::cerr << "kafkit: " << q.topic << " [" << q.partition << "]: " << kcat_error_text(q.error)
                << "\n";
    return kFailExit;
  }
  auto answers = admin.list_offsets(ask, left());
  if (!answers.ok()) {
    std::cerr << "kafkit: cannot query offsets within " << options.metadata_timeout_ms / 1000
              << " s (-m): " << answers.error().message << "\n";
    return kFailExit;
  }
  for (size_t k = 0; k < asked_index.size() && k < answers->size(); ++k) {
    const auto& a = (*answers)[k];
    auto& q = queries[asked_index[k]];
    if (a.error.code < 0) {
      // A transport failure or the timeout, not an answer about the partition.
      std::cerr << "kafkit: " << q.topic << " [" << q.partition << "]: " << a.error.message << "\n";
      return kFailExit;
    }
    if (a.error.ok())
      q.offset = a.offset;
    else
      q.error = a.error.code;
  }
  std::string out = options.json ? as_json(queries) : as_text(queries);
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::cerr << "kafkit: cannot write the offsets to stdout\n";
    return kFailExit;
  }
  // kcat prints partition errors in its output and exits 0; kafkit prints the same and
  // fails, with one line per partition on stderr, so scripts notice.
  int status = kOkExit;
  for (const auto& q : queries)
    if (q.error != 0) {
      std::cerr << "kafkit: " << q.topic << " [" << q.partition << "]: " << kcat_error_text(q.error)
                << "\n";
      status = kFailExit;
    }
  return status;
}

}  // namespace kafkit::cli
