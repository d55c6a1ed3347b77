// consumer-bench: the kafkit side. See consumer_bench.cpp for the method.
#include <kafkit/consumer.hpp>

#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include "consumer_bench_run.hpp"

namespace kafkit::bench {

ConsumeOutcome consume_kafkit(const ConsumeSpec& spec) {
  ConsumeOutcome out;
  ConsumeCheck check(spec);
  out.rss_base_kb = rss_kb();
  Clock::time_point start, end;
  try {
    // The same settings as the librdkafka side; everything else at kafkit's defaults.
    kafkit::Consumer consumer({{"bootstrap.servers", spec.bootstrap},
                               {"group.id", "consumer-bench"},
                               {"enable.auto.commit", "false"},
                               {"auto.offset.reset", "earliest"},
                               {"check.crcs", "true"},
                               {"enable.partition.eof", "false"}});
    std::vector<kafkit::TopicPartitionOffset> all;
    for (int p = 0; p < spec.partitions; ++p) {
      all.push_back({.topic = spec.topic, .partition = p, .offset = kafkit::offsets::beginning});
    }
    double cpu0 = process_cpu_seconds();
    start = Clock::now();
    auto deadline = start + std::chrono::milliseconds(spec.timeout_ms);
    if (auto assigned = consumer.assign(all); !assigned) {
      out.error = "assign: " + assigned.error().message;
      return out;
    }
    while (!check.done() && check.error().empty() && Clock::now() < deadline) {
      kafkit::PollResult got = consumer.poll(std::chrono::milliseconds(100));
      for (const kafkit::ConsumerEvent& e : got.events) {
        if (e.type != kafkit::ConsumerEvent::Type::partition_eof && e.error && out.error.empty()) {
          out.error = "consume: " + e.error->message;
        }
      }
      for (const kafkit::ConsumerRecord& r : got.records) {
        check.take(r.partition, r.offset, r.value ? r.value->size() : 0);
      }
      if (!out.error.empty()) break;
    }
    end = Clock::now();
    out.cpu_seconds = process_cpu_seconds() - cpu0;
    (void)consumer.close(std::chrono::seconds(10));
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  finish(out, check, spec, start, end);
  return out;
}

}  // namespace kafkit::bench
