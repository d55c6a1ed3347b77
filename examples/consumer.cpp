// Consume test-topic in a consumer group: print each record's partition, offset, key and
// value, commit what was processed, and leave cleanly on Ctrl-C.
//
//   kafkit-example-consumer [--assign] [--partitions N] [--max N]
//                           [BOOTSTRAP_SERVERS] [TOPIC] [GROUP]
//   (defaults: localhost:9092 test-topic kafkit-example)
//
// By default the group assigns the partitions (subscribe). With --assign the consumer takes
// partitions 0..N-1 itself (--partitions, default 1), starting from the group's committed
// offsets, or from the beginning where there are none; commits still go to GROUP.
// --max stops after that many records.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <kafkit/consumer.hpp>

namespace {
std::atomic<bool> stop{false};
void on_signal(int) {
  stop = true;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  bool assign = false;
  int partitions = 1;
  long max_records = -1;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--assign") {
      assign = true;
    } else if (arg == "--partitions" && i + 1 < argc) {
      partitions = std::atoi(argv[++i]);
    } else if (arg == "--max" && i + 1 < argc) {
      max_records = std::atol(argv[++i]);
    } else {
      positional.push_back(arg);
    }
  }
  const std::string brokers = positional.size() > 0 ? positional[0] : "localhost:9092";
  const std::string topic = positional.size() > 1 ? positional[1] : "test-topic";
  const std::string group = positional.size() > 2 ? positional[2] : "kafkit-example";

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    kafkit::Consumer consumer(
        {{"bootstrap.servers", brokers},
         {"group.id", group},
         {"auto.offset.reset", "earliest"},
         {"enable.auto.commit", "false"}},
        // Callbacks run on this thread, inside poll() and commit().
        {.on_error = [](const kafkit::Error& e) { std::cerr << "Error: " << e.message << '\n'; }});
    kafkit::Result<void> started;
    if (assign) {
      std::vector<kafkit::TopicPartitionOffset> wanted;
      for (int p = 0; p < partitions; ++p)
        wanted.push_back({.topic = topic, .partition = p, .offset = kafkit::offsets::stored});
      started = consumer.assign(wanted);
    } else {
      started = consumer.subscribe({topic});
    }
    if (!started) {
      std::cerr << (assign ? "Assign" : "Subscribe") << " failed: " << started.error().message
                << '\n';
      return 1;
    }

    long seen = 0;
    while (!stop && (max_records < 0 || seen < max_records)) {
      kafkit::PollResult got = consumer.poll(500ms);
      for (const kafkit::ConsumerEvent& e : got.events)
        if (e.type == kafkit::ConsumerEvent::Type::fatal) stop = true;
      // What was processed, as Kafka stores it: the next offset to read, per partition.
      std::vector<kafkit::TopicPartitionOffset> processed;
      for (const kafkit::ConsumerRecord& r : got.records) {
        if (max_records >= 0 && seen == max_records) break;
        std::cout << "partition " << r.partition << " offset " << r.offset << " key "
                  << (r.key ? *r.key : "(null)") << " value " << (r.value ? *r.value : "(null)")
                  << '\n';
        ++seen;
        if (processed.empty() || processed.back().partition != r.partition)
          processed.push_back({.topic = topic, .partition = r.partition});
        processed.back().offset = r.offset + 1;
      }
      if (!processed.empty()) {
        if (auto committed = consumer.commit(processed); !committed)
          std::cerr << "Commit failed: " << committed.error().message << '\n';
      }
    }
    if (auto closed = consumer.close(10s); !closed)
      std::cerr << "Close: " << closed.error().message << '\n';
  } catch (const std::invalid_argument& e) {
    std::cerr << "Configuration error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
