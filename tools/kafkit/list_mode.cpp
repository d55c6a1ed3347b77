// -L: the cluster's metadata in kcat 1.7.1's layout (text, or one JSON object with -J and
// no trailing newline, as kcat writes it), from one Metadata answer.
#include <cstdio>
#include <iostream>
#include <string>

#include "client_config.hpp"
#include "kafkit/admin.hpp"
#include "kcat_text.hpp"
#include "modes.hpp"

namespace kafkit::cli {
namespace {

/// librdkafka names the broker a metadata answer came from "host:port/id" once that
/// connection's address is one the cluster advertises, else "host:port/bootstrap" with id
/// -1 (as when -b says localhost and the brokers advertise 127.0.0.1).
struct Origin {
  std::int32_t id = -1;
  std::string name;
};

Origin origin_of(const ClusterMetadata& md) {
  for (const auto& b : md.brokers)
    if (b.host + ":" + std::to_string(b.port) == md.answered_by)
      return {b.id, md.answered_by + "/" + std::to_string(b.id)};
  return {-1, md.answered_by + "/bootstrap"};
}

void append_ids(std::string& out, const std::vector<std::int32_t>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
}

std::string as_text(const ClusterMetadata& md, const std::string* topic) {
  Origin from = origin_of(md);
  std::string out = "Metadata for " + (topic ? *topic : std::string("all topics")) +
                    " (from broker " + std::to_string(from.id) + ": " + from.name + "):\n";
  out += " " + std::to_string(md.brokers.size()) + " brokers:\n";
  for (const auto& b : md.brokers) {
    out += "  broker " + std::to_string(b.id) + " at " + b.host + ":" + std::to_string(b.port);
    if (b.id == md.controller) out += " (controller)";
    out += '\n';
  }
  out += " " + std::to_string(md.topics.size()) + " topics:\n";
  for (const auto& t : md.topics) {
    out +=
        "  topic \"" + t.name + "\" with " + std::to_string(t.partitions.size()) + " partitions:";
    if (!t.error.ok()) {
      out += " " + kcat_error_text(t.error.code);
      if (t.error.code == 5) out += " (try again)";  // LEADER_NOT_AVAILABLE
    }
    out += '\n';
    for (const auto& p : t.partitions) {
      out += "    partition " + std::to_string(p.partition) + ", leader " +
             std::to_string(p.leader) + ", replicas: ";
      append_ids(out, p.replicas);
      out += ", isrs: ";
      append_ids(out, p.isr);
      if (!p.error.ok()) out += ", " + kcat_error_text(p.error.code);
      out += '\n';
    }
  }
  return out;
}

void append_id_objects(std::string& out, const std::vector<std::int32_t>& ids) {
  out += '[';
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"id\":" + std::to_string(ids[i]) + "}";
  }
  out += ']';
}

std::string as_json(const ClusterMetadata& md, const std::string* topic) {
  Origin from = origin_of(md);
  std::string out = "{\"originating_broker\":{\"id\":" + std::to_string(from.id) + ",\"name\":";
  append_json_string(out, from.name);
  out += "},\"query\":{\"topic\":";
  append_json_string(out, topic ? *topic : std::string("*"));
  out += "},\"controllerid\":" + std::to_string(md.controller) + ",\"brokers\":[";
  for (size_t i = 0; i < md.brokers.size(); ++i) {
    const auto& b = md.brokers[i];
    if (i > 0) out += ',';
    out += "{\"id\":" + std::to_string(b.id) + ",\"name\":";
    append_json_string(out, b.host + ":" + std::to_string(b.port));
    out += '}';
  }
  out += "],\"topics\":[";
  for (size_t i = 0; i < md.topics.size(); ++i) {
    const auto& t = md.topics[i];
    if (i > 0) out += ',';
    out += "{\"topic\":";
    append_json_string(out, t.name);
    if (!t.error.ok()) {
      out += ",\"error\":";
      append_json_string(out, kcat_error_text(t.error.code));
    }
    out += ",\"partitions\":[";
    for (size_t j = 0; j < t.partitions.size(); ++j) {
      const auto& p = t.partitions[j];
      if (j > 0) out += ',';
      out += "{\"partition\":" + std::to_string(p.partition);
      if (!p.error.ok()) {
        out += ",\"error\":";
        append_json_string(out, kcat_error_text(p.error.code));
      }
      out += ",\"leader\":" + std::to_string(p.leader) + ",\"replicas\":";
      append_id_objects(out, p.replicas);
      out += ",\"isrs\":";
      append_id_objects(out, p.isr);
      out += '}';
    }
    out += "]}";
  }
  out += "]}";  // kcat ends the object without a newline
  return out;
}

}  // namespace

int run_list(const CliOptions& options) {
  // kcat keeps the last -t for -L.
  const std::string* topic = options.topics.empty() ? nullptr : &options.topics.back();
  Admin admin(client_config(options, Role::admin, std::cerr));
  std::optional<std::vector<std::string>> ask;
  if (topic) ask = std::vector<std::string>{*topic};
  auto md = admin.metadata(ask, std::chrono::milliseconds(options.metadata_timeout_ms));
  if (!md.ok()) {
    std::cerr << "kafkit: cannot get metadata within " << options.metadata_timeout_ms / 1000
              << " s (-m): " << md.error().message << "\n";
    return kFailExit;
  }
  std::string out = options.json ? as_json(*md, topic) : as_text(*md, topic);
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::cerr << "kafkit: cannot write the metadata to stdout\n";
    return kFailExit;
  }
  // kcat lists a missing topic with its error and exits 0; kafkit prints the same and says
  // so on stderr with a failing exit code, so scripts notice.
  int status = kOkExit;
  for (const auto& t : md->topics)
    if (t.error.code == 3) {
      std::cerr << "kafkit: topic \"" << t.name << "\" does not exist\n";
      status = kFailExit;
    }
  return status;
}

}  // namespace kafkit::cli
