// The idempotent producer under faults: leaders move, brokers stop and start, requests
// fail with injected retriable errors or are answered late — and every record still lands
// exactly once, in send order per partition (checked by reading the logs back).
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <thread>

#include "kafkit/producer.hpp"
#include "log_reader.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using protocol::ErrorCode;

constexpr int16_t kProduce = 0;

int record_count() {
  // KAFKIT_FAULT_RECORDS lets sanitizer builds run fewer.
  if (const char* env = std::getenv("KAFKIT_FAULT_RECORDS")) return std::atoi(env);
  return 1000000;
}

std::chrono::milliseconds chaos_interval() {
  // KAFKIT_CHAOS_MS: a shorter interval stresses reconnects harder (by hand).
  if (const char* env = std::getenv("KAFKIT_CHAOS_MS"))
    return std::chrono::milliseconds(std::atoi(env));
  return 40ms;
}

int16_t code(ErrorCode c) {
  return static_cast<int16_t>(c);
}

// Pokes the cluster from a side thread until told to stop: one fault every few ms.
class Chaos {
 public:
  explicit Chaos(broker::Cluster& cluster) : cluster_(cluster) {
    thread_ = std::thread([this] { run(); });
  }
  ~Chaos() { stop(); }
  void stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int faults() const { return faults_; }
  /// Lets at least one more fault happen (the producer is faster than the chaos).
  void wait_for_next() {
    int seen = faults_;
    for (int i = 0; i < 500 && faults_ == seen && !done_; ++i) std::this_thread::sleep_for(1ms);
  }

 private:
  void run() {
    const auto& nodes = cluster_.node_ids();
    for (int round = 0; !done_; ++round) {
      std::this_thread::sleep_for(chaos_interval());
      // Injected errors and delays queue up until Produce requests use them. A producer
      // backing off between retries (a loaded machine, the last records) sends fewer than
      // the chaos queues, so every retry would fail until delivery.timeout.ms: what the
      // last round left unused is forgotten.
      cluster_.clear_faults();
      switch (round % 6) {
        case 0:
          cluster_.rotate_leaders();
          break;
        case 1:
          (void)cluster_.inject_errors(kProduce, code(ErrorCode::NotLeaderOrFollower), 3);
          break;
        case 2:
          (void)cluster_.inject_errors(kProduce, code(ErrorCode::NotEnoughReplicas), 2);
          break;
        case 3: {
          int32_t node = nodes[static_cast<size_t>(round / 6) % nodes.size()];
          (void)cluster_.stop_node(node, true);
          std::this_thread::sleep_for(50ms);
          (void)cluster_.start_node(node);
          break;
        }
        case 4:
          (void)cluster_.drop_connections(nodes[static_cast<size_t>(round) % nodes.size()]);
          break;
        case 5:
          cluster_.delay_responses(kProduce, 100ms, 2);
          break;
      }
      ++faults_;
    }
  }

  broker::Cluster& cluster_;
  std::atomic<bool> done_{false};
  std::atomic<int> faults_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("idempotent producer: no loss, no duplicates, per-partition order under faults") {
  RunningBroker broker(Properties{{"num.partitions", "8"}}, 3);
  const int count = record_count();
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::string first_error;
  Config config{{"bootstrap.servers", broker.cluster->bootstrap_servers()},
                {"linger.ms", "2"},
                {"batch.num.messages", "2000"},
                {"retry.backoff.ms", "20"},
                {"reconnect.backoff.ms", "20"},
                {"reconnect.backoff.max.ms", "200"}};
  Producer producer(config, {.on_delivery = [&](const DeliveryReport& r) {
                      if (r.ok()) {
                        ++ok;
                      } else if (failed++ == 0) {
                        first_error = r.error->message;
                      }
                    }});
  // Metadata and a producer id before the chaos starts, so faults hit steady traffic.
  REQUIRE(producer.send({.topic = "chaos", .key = "warm-up", .value = "-1"}).ok());
  REQUIRE(producer.flush(10s).ok());

  Chaos chaos(*broker.cluster);
  std::vector<std::string> keys;
  for (int k = 0; k < 1000; ++k) keys.push_back("key-" + std::to_string(k));
  for (int i = 0; i < count; ++i) {
    std::string value = std::to_string(i);
    auto r = producer.send(
        {.topic = "chaos", .key = keys[static_cast<size_t>(i % 1000)], .value = value});
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    if (i % 1000 == 0) producer.poll();
    if (i % 20000 == 0) chaos.wait_for_next();
  }
  auto flushed = producer.flush(120s);
  chaos.stop();
  REQUIRE_MESSAGE(flushed.ok(), flushed.error().message);
  CHECK_MESSAGE(failed == 0, first_error);
  CHECK(ok == count + 1);
  MESSAGE("faults injected: " << chaos.faults());
  CHECK(chaos.faults() > 0);

  std::vector<int> seen(static_cast<size_t>(count), 0);
  size_t total = 0;
  for (int32_t p = 0; p < 8; ++p) {
    auto leader = broker.cluster->leader_of("chaos", p);
    REQUIRE(leader.has_value());
    size_t node_index = static_cast<size_t>(leader->leader - broker.cluster->node_ids().front());
    auto log = read_partition(broker.port(node_index), "chaos", p);
    total += log.size();
    std::map<std::string, int> last_of_key;
    for (const auto& rec : log) {
      int i = std::stoi(*rec.value);
      if (i < 0) continue;
      ++seen[static_cast<size_t>(i)];
      // Send order per key (hence per partition) survives retries.
      auto [it, inserted] = last_of_key.emplace(*rec.key, i);
      if (!inserted) {
        CHECK(i > it->second);
        it->second = i;
      }
    }
  }
  int lost = 0, duplicated = 0;
  for (int n : seen) {
    if (n == 0) ++lost;
    if (n > 1) ++duplicated;
  }
  CHECK(lost == 0);
  CHECK(duplicated == 0);
  CHECK(total == static_cast<size_t>(count) + 1);
  CHECK(producer.close(10s).ok());
}

}  // namespace kafkit::test
