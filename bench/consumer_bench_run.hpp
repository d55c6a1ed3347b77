#pragma once
// consumer-bench: one measured run of one consumer, as a child process. The parent passes
// a ConsumeSpec as key=value words; the child reads the whole topic and prints one RESULT
// line. The two runners (consumer_bench_rdkafka.cpp, consumer_bench_kafkit.cpp) share the
// spec, the outcome and the checks here, so they count and verify in exactly the same way.
#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_child.hpp"
#include "bench_report.hpp"

namespace kafkit::bench {

struct ConsumeSpec {
  std::string bootstrap;
  std::string topic;
  int partitions = 8;
  long messages = 0;  // the topic holds exactly this many, offsets 0.. in each partition
  long size = 100;    // value bytes of each message
  long timeout_ms = 60'000;

  std::vector<std::string> to_args() const {
    return {"bootstrap=" + bootstrap,
            "topic=" + topic,
            "partitions=" + std::to_string(partitions),
            "messages=" + std::to_string(messages),
            "size=" + std::to_string(size),
            "timeout_ms=" + std::to_string(timeout_ms)};
  }
  bool from_args(const std::vector<std::string>& args) {
    for (const std::string& a : args) {
      size_t eq = a.find('=');
      if (eq == std::string::npos) return false;
      std::string key = a.substr(0, eq), v = a.substr(eq + 1);
      try {
        if (key == "bootstrap") {
          bootstrap = v;
        } else if (key == "topic") {
          topic = v;
        } else if (key == "partitions") {
          partitions = std::stoi(v);
        } else if (key == "messages") {
          messages = std::stol(v);
        } else if (key == "size") {
          size = std::stol(v);
        } else if (key == "timeout_ms") {
          timeout_ms = std::stol(v);
        } else {
          return false;
        }
      } catch (const std::exception&) {
        return false;
      }
    }
    return messages > 0 && partitions > 0 && size > 0;
  }
};

struct ConsumeOutcome {
  bool ok = false;
  double seconds = 0;        // first message until the last one was in hand
  double first_seconds = 0;  // assign until the first message (connect, metadata, offsets)
  long messages = 0;
  long bytes = 0;  // value bytes
  long rss_base_kb = 0;
  double cpu_seconds = 0;
  std::string error;
  long rss_peak_kb = 0;  // filled in by the parent from wait4()

  std::string to_line() const {
    char buf[256];
    std::snprintf(
        buf, sizeof buf,
        "RESULT ok=%d seconds=%.6f first_seconds=%.6f messages=%ld bytes=%ld rss_base_kb=%ld "
        "cpu_seconds=%.6f error=",
        ok ? 1 : 0, seconds, first_seconds, messages, bytes, rss_base_kb, cpu_seconds);
    std::string line = buf;
    for (char c : error) line.push_back(c == '\n' ? ' ' : c);
    return line + "\n";
  }
  bool from_output(const std::string& out) {
    auto parsed = parse_result_line(out);
    if (!parsed) return false;
    const std::map<std::string, std::string>& kv = *parsed;
    error = kv.at("error");
    try {
      ok = kv.at("ok") == "1";
      seconds = std::stod(kv.at("seconds"));
      first_seconds = std::stod(kv.at("first_seconds"));
      messages = std::stol(kv.at("messages"));
      bytes = std::stol(kv.at("bytes"));
      rss_base_kb = std::stol(kv.at("rss_base_kb"));
      cpu_seconds = std::stod(kv.at("cpu_seconds"));
    } catch (const std::exception&) {
      return false;
    }
    return true;
  }
};

// Every message must arrive once, in offset order per partition, with its full value: a
// fast consumer that skips or repeats is not a result.
class ConsumeCheck {
 public:
  explicit ConsumeCheck(const ConsumeSpec& spec) : spec_(spec), next_(size_t(spec.partitions), 0) {}
  // False (and error()) at the first message that is out of place.
  bool take(int32_t partition, int64_t offset, size_t value_size) {
    if (partition < 0 || partition >= spec_.partitions) {
      return fail("message from partition " + std::to_string(partition));
    }
    int64_t& next = next_[size_t(partition)];
    if (offset != next) {
      return fail("partition " + std::to_string(partition) + ": offset " + std::to_string(offset) +
                  " where " + std::to_string(next) + " was due");
    }
    if (long(value_size) != spec_.size) {
      return fail("value of " + std::to_string(value_size) + " bytes at offset " +
                  std::to_string(offset));
    }
    ++next;
    if (messages_++ == 0) first_ = Clock::now();
    bytes_ += long(value_size);
    return true;
  }
  Clock::time_point first() const { return first_; }
  bool done() const { return messages_ >= spec_.messages; }
  long messages() const { return messages_; }
  long bytes() const { return bytes_; }
  const std::string& error() const { return error_; }

 private:
  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  const ConsumeSpec& spec_;
  std::vector<int64_t> next_;
  long messages_ = 0;
  long bytes_ = 0;
  Clock::time_point first_;
  std::string error_;
};

// Fills the outcome's counts and verdict from the check once the run is over.
/// `start` is when assign() was called, `end` when the last message was taken.
inline void finish(ConsumeOutcome& out, const ConsumeCheck& check, const ConsumeSpec& spec,
                   Clock::time_point start, Clock::time_point end) {
  if (check.messages() > 0) {
    out.first_seconds = std::chrono::duration<double>(check.first() - start).count();
    out.seconds = std::chrono::duration<double>(end - check.first()).count();
  }
  out.messages = check.messages();
  out.bytes = check.bytes();
  if (out.error.empty()) out.error = check.error();
  if (out.error.empty() && !check.done()) {
    out.error = "only " + std::to_string(check.messages()) + " messages within " +
                std::to_string(spec.timeout_ms) + " ms";
  }
  out.ok = out.error.empty();
}

ConsumeOutcome consume_rdkafka(const ConsumeSpec& spec);
ConsumeOutcome consume_kafkit(const ConsumeSpec& spec);

}  // namespace kafkit::bench
