#pragma once
// producer-bench: one measured run of one client, as a child process. The parent passes a
// RunSpec on the command line (key=value words), the child runs the client and prints one
// RESULT line that the parent parses back into a RunOutcome. The two clients' runners
// (producer_bench_rdkafka.cpp, producer_bench_kafkit.cpp) share everything here, so that
// they time, stamp and count in exactly the same way.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_child.hpp"
#include "bench_report.hpp"

namespace kafkit::bench {

struct RunSpec {
  std::string bootstrap;
  std::string topic;
  int partitions = 8;
  long size = 100;          // value bytes
  long messages = 0;        // timed messages (one untimed warm-up message comes first)
  std::string acks;         // "1" or "all"
  std::string compression;  // "none" or "lz4"
  bool idempotence = false;
  int linger_ms = 5;
  long batch_bytes = 1'000'000;
  long timeout_ms = 60'000;  // flush bound; the parent kills the child a little later
  long rate = 0;             // messages per second; 0: as fast as the client takes them
  /// Security settings both clients take by the same names (security.protocol, ssl.*,
  /// sasl.*): passed as "prop:KEY=VALUE" words.
  std::vector<std::pair<std::string, std::string>> properties;

  std::vector<std::string> to_args() const {
    std::vector<std::string> words = {"bootstrap=" + bootstrap,
                                      "topic=" + topic,
                                      "partitions=" + std::to_string(partitions),
                                      "size=" + std::to_string(size),
                                      "messages=" + std::to_string(messages),
                                      "acks=" + acks,
                                      "compression=" + compression,
                                      "idempotence=" + std::string(idempotence ? "true" : "false"),
                                      "linger_ms=" + std::to_string(linger_ms),
                                      "batch_bytes=" + std::to_string(batch_bytes),
                                      "timeout_ms=" + std::to_string(timeout_ms),
                                      "rate=" + std::to_string(rate)};
    for (const auto& [key, value] : properties) words.push_back("prop:" + key + "=" + value);
    return words;
  }
  // Returns false on a word it does not know (a parent/child version skew is a bug).
  bool from_args(const std::vector<std::string>& args) {
    auto text = [](std::string& field) { return [&field](const std::string& v) { field = v; }; };
    auto number = [](auto& field) {
      return [&field](const std::string& v) { field = decltype(+field)(std::stol(v)); };
    };
    const std::map<std::string, std::function<void(const std::string&)>> setters = {
        {"bootstrap", text(bootstrap)},
        {"topic", text(topic)},
        {"partitions", number(partitions)},
        {"size", number(size)},
        {"messages", number(messages)},
        {"acks", text(acks)},
        {"compression", text(compression)},
        {"idempotence", [this](const std::string& v) { idempotence = v == "true"; }},
        {"linger_ms", number(linger_ms)},
        {"batch_bytes", number(batch_bytes)},
        {"timeout_ms", number(timeout_ms)},
        {"rate", number(rate)},
    };
    for (const std::string& a : args) {
      size_t eq = a.find('=');
      if (a.starts_with("prop:") && eq != std::string::npos) {
        properties.emplace_back(a.substr(5, eq - 5), a.substr(eq + 1));
        continue;
      }
      auto it = eq == std::string::npos ? setters.end() : setters.find(a.substr(0, eq));
      if (it == setters.end()) return false;
      try {
        it->second(a.substr(eq + 1));
      } catch (const std::exception&) {
        return false;
      }
    }
    return messages > 0 && size > 0 && partitions > 0;
  }
};

struct RunOutcome {
  bool ok = false;
  double seconds = 0;  // first send until flush returned
  long delivered = 0;  // successful delivery reports of timed messages
  long failed = 0;     // failed delivery reports (and refused sends)
  double p50_us = 0, p99_us = 0, max_us = 0;
  long rss_base_kb = 0;    // before the client was created (latency arrays already touched)
  double cpu_seconds = 0;  // this process, timed phase only (client threads included)
  std::string error;       // first error; set whenever !ok

  // Filled in by the parent from wait4().
  long rss_peak_kb = 0;

  std::string to_line() const {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "RESULT ok=%d seconds=%.6f delivered=%ld failed=%ld p50_us=%.1f p99_us=%.1f "
                  "max_us=%.1f rss_base_kb=%ld cpu_seconds=%.6f error=",
                  ok ? 1 : 0, seconds, delivered, failed, p50_us, p99_us, max_us, rss_base_kb,
                  cpu_seconds);
    std::string line = buf;
    for (char c : error) line.push_back(c == '\n' ? ' ' : c);
    return line + "\n";
  }
  // Parses the RESULT line out of a child's stdout; false if there is none.
  bool from_output(const std::string& out) {
    auto parsed = parse_result_line(out);
    if (!parsed) return false;
    const std::map<std::string, std::string>& kv = *parsed;
    error = kv.at("error");
    try {
      ok = kv.at("ok") == "1";
      seconds = std::stod(kv.at("seconds"));
      delivered = std::stol(kv.at("delivered"));
      failed = std::stol(kv.at("failed"));
      p50_us = std::stod(kv.at("p50_us"));
      p99_us = std::stod(kv.at("p99_us"));
      max_us = std::stod(kv.at("max_us"));
      rss_base_kb = std::stol(kv.at("rss_base_kb"));
      cpu_seconds = std::stod(kv.at("cpu_seconds"));
    } catch (const std::exception&) {
      return false;
    }
    return true;
  }
};

// Send timestamps and latencies per message, preallocated and touched before the client
// exists, so neither allocation nor first-touch page faults land in the timed phase or in
// the client's RSS growth. Index `messages` is the warm-up message.
class LatencyRecorder {
 public:
  explicit LatencyRecorder(long messages)
      : sent_ns_(size_t(messages) + 1, 0), latency_ns_(size_t(messages) + 1, -1) {}

  static std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
  }
  void sent(size_t i) { sent_ns_[i] = now_ns(); }
  void delivered(size_t i) {
    if (i < latency_ns_.size()) latency_ns_[i] = now_ns() - sent_ns_[i];
  }

  // Percentiles over the timed messages that were delivered.
  void summarize(RunOutcome& out) {
    std::vector<std::int64_t> v;
    v.reserve(latency_ns_.size());
    for (size_t i = 0; i + 1 < latency_ns_.size(); ++i) {
      if (latency_ns_[i] >= 0) v.push_back(latency_ns_[i]);
    }
    if (v.empty()) return;
    auto at = [&](double q) {
      size_t k = std::min(v.size() - 1, size_t(q * double(v.size())));
      std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
      return double(v[k]) / 1e3;
    };
    out.p50_us = at(0.50);
    out.p99_us = at(0.99);
    out.max_us = double(*std::max_element(v.begin(), v.end())) / 1e3;
  }

 private:
  std::vector<std::int64_t> sent_ns_;
  std::vector<std::int64_t> latency_ns_;
};

// Message values: slices of a 4 MiB buffer of pseudo-random words, message i starting where
// message i-1 ended. Text of this kind compresses about 2-3x with lz4, as logs and JSON do;
// a single repeated value would compress to nothing and flatter the compressed runs.
inline const std::string& payload_text() {
  static const std::string text = [] {
    static const char* const words[] = {
        "kafka",   "record", "batch",  "offset",  "leader", "replica",  "topic",  "producer",
        "latency", "acks",   "linger", "retry",   "error",  "delivery", "commit", "partition",
        "broker",  "fetch",  "epoch",  "segment", "index",  "header",   "value",  "key"};
    std::string t;
    t.reserve(4u << 20);
    std::uint32_t x = 2463534242u;
    while (t.size() < (4u << 20)) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      t += words[x % (sizeof words / sizeof *words)];
      t += (x >> 8) % 7 == 0 ? std::to_string(x % 100000) + "," : " ";
    }
    return t;
  }();
  return text;
}

inline std::string_view payload(size_t i, size_t size) {
  const std::string& t = payload_text();
  size_t span = t.size() - size;
  return std::string_view(t).substr((i * size) % span, size);
}

// Paces sends at a fixed rate (--rate). Flat out, a message's latency is mostly its wait in
// the client's buffer, so it measures the buffer's depth; at a rate both clients sustain it
// measures the client and the broker. While ahead of schedule it serves delivery reports
// through `poll(timeout_ms)`, the client's own poll, so reports are not delayed by pacing.
// CPU per message then includes the wake-ups of pacing (the same for both clients).
class Pacer {
 public:
  Pacer(long rate, Clock::time_point start) : rate_(rate), start_(start) {}
  template <class Poll>
  void wait_turn(long i, Poll&& poll) const {
    if (rate_ <= 0) return;
    auto due = start_ + std::chrono::nanoseconds(std::int64_t(double(i) * 1e9 / double(rate_)));
    for (auto now = Clock::now(); now < due; now = Clock::now()) {
      if (due - now > std::chrono::milliseconds(1)) {
        poll(1);
      } else {
        // Sleep, not spin: the CPU column would count a spinning pacer as the client's.
        poll(0);
        std::this_thread::sleep_until(due);
      }
    }
  }

 private:
  long rate_;
  Clock::time_point start_;
};

// The runners. Each prints nothing itself; the child's main prints the outcome.
RunOutcome run_rdkafka(const RunSpec& spec);
RunOutcome run_kafkit(const RunSpec& spec);

}  // namespace kafkit::bench
