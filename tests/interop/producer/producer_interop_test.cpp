// kafkit's producer against librdkafka 2.0.2's mock cluster (an independent broker
// implementation), read back with librdkafka's consumer: a peer nobody here wrote on both
// sides of the data.
//
// What the 2.0.2 mock does and does not do, and how these tests adapt (rdkafka_mock.c,
// rdkafka_mock_handlers.c at v2.0.2):
// - InitProducerId is served (a fresh producer id per request), but Produce checks producer
//   id, epoch and sequence numbers only for *transactional* producers (a non-empty
//   TransactionalId, rd_kafka_mock_validate_records). An idempotent producer's batches are
//   appended unchecked: the mock does not deduplicate a retried batch. So the chaos test may
//   only inject failures after which the batch is known NOT to be in the log, or a
//   duplicate found by the consumer would be the mock's, not kafkit's:
//     * injected request errors (push_request_errors / push_broker_request_errors) are
//       answered before the append, including ERR__TRANSPORT (connection dropped instead);
//     * a leader move answers NOT_LEADER_OR_FOLLOWER without appending;
//     * a broker is taken down only after every leader has moved off it and its in-flight
//       requests have been answered, since a request the mock appended just before the
//       connection closed would otherwise be retried and appended twice.
// - The mock answers a Produce request with acks=0 too (a real broker sends nothing);
//   see the acks=0 note in the basic test.
// - It keeps the newest 5 MiB / 100,000 batches per partition: the tests check that the
//   low watermark is still 0, so nothing was evicted before it was read.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kafkit/producer.hpp"
#include "rdkafka_mock_cluster.hpp"
#include "rdkafka_reader.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

Config producer_config(const RdKafkaMockCluster& mock) {
  return Config{{"bootstrap.servers", mock.bootstrap_servers()},
                {"retry.backoff.ms", "10"},
                {"retry.backoff.max.ms", "200"},
                {"reconnect.backoff.ms", "10"},
                {"reconnect.backoff.max.ms", "200"},
                {"delivery.timeout.ms", "60000"},
                {"allow.auto.create.topics", "false"}};
}

// Tallies delivery reports (run on the test's thread inside poll/flush/send).
struct Tally {
  std::int64_t ok = 0;
  std::int64_t failed = 0;
  std::map<int, std::int64_t> failures_by_code;
  std::string first_failure;
  DeliveryCallback callback() {
    return [this](const DeliveryReport& r) {
      if (r.ok()) {
        ++ok;
        return;
      }
      ++failed;
      ++failures_by_code[r.error->code];
      if (first_failure.empty()) first_failure = r.error->message;
    };
  }
};

std::int64_t env_records(std::int64_t fallback) {
  const char* v = std::getenv("KAFKIT_MOCK_RECORDS");
  if (v == nullptr || *v == '\0') return fallback;
  return std::max<std::int64_t>(1, std::strtoll(v, nullptr, 10));
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_SUITE_BEGIN("interop-producer");

TEST_CASE(
    "mock: every codec and acks setting, read back by librdkafka with keys, headers, "
    "timestamps, order and librdkafka's own partition choice") {
  RdKafkaMockCluster mock(3);
  constexpr std::int32_t kPartitions = 8;
  constexpr int kRecords = 400;
  int combo = 0;
  for (std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    for (std::string acks : {"0", "1", "all"}) {
      // Alternate the two hashing partitioners librdkafka also has, to compare choices.
      const std::string partitioner = (combo++ % 2 == 0) ? "consistent_random" : "murmur2";
      CAPTURE(codec);
      CAPTURE(acks);
      CAPTURE(partitioner);
      const std::string topic = "basic-" + codec + "-" + acks;
      mock.create_topic(topic, kPartitions);
      Config config = producer_config(mock);
      config.set("compression.type", codec).set("acks", acks).set("partitioner", partitioner);
      Tally tally;
      std::vector<std::string> keys, values, header_values;
      for (int i = 0; i < kRecords; ++i) {
        keys.push_back("key-" + std::to_string(i % 53));
        values.push_back("value-" + std::to_string(i) + "-" +
                         std::string(static_cast<std::size_t>(i % 97), 'v'));
        header_values.push_back("h-" + std::to_string(i));
      }
      const std::int64_t explicit_ts = 1700000000000;
      const std::int64_t before = now_ms();
      {
        Producer producer(config, {.on_delivery = tally.callback()});
        for (int i = 0; i < kRecords; ++i) {
          const auto idx = static_cast<std::size_t>(i);
          std::vector<Header> headers{
              {"index", header_values[idx]}, {"nullable", std::nullopt}, {"index", "again"}};
          if (i % 7 == 0) headers.pop_back();
          ProducerRecord rec{
              .topic = topic, .key = keys[idx], .value = values[idx], .headers = headers};
          if (i % 2 == 1) rec.timestamp = explicit_ts + i;
          auto r = producer.send(rec);
          REQUIRE_MESSAGE(r.ok(), r.error().message);
        }
        auto flushed = producer.flush(30s);
        REQUIRE_MESSAGE(flushed.ok(), flushed.error().message);
        REQUIRE(producer.close(10s).ok());
      }
      const std::int64_t after = now_ms();
      CHECK_MESSAGE(tally.failed == 0, tally.first_failure);
      CHECK(tally.ok == kRecords);

      RdKafkaReader reader(mock.bootstrap_servers(), topic);
      Watermarks w = reader.watermarks(kPartitions);
      for (std::int64_t lo : w.low) CHECK(lo == 0);
      CHECK(w.total() == kRecords);
      std::vector<ConsumedRecord> got;
      reader.read(w, 30s, [&](const rd_kafka_message_t& m) {
        ConsumedRecord r = RdKafkaReader::decode(m);
        // librdkafka's partitioners on the same key: the partition kafkit chose must be
        // the one librdkafka would have chosen.
        if (m.key != nullptr && m.key_len > 0) {
          int32_t expected = partitioner == "murmur2"
                                 ? rd_kafka_msg_partitioner_murmur2(m.rkt, m.key, m.key_len,
                                                                    kPartitions, nullptr, nullptr)
                                 : rd_kafka_msg_partitioner_consistent_random(
                                       m.rkt, m.key, m.key_len, kPartitions, nullptr, nullptr);
          CHECK(expected == m.partition);
        }
        got.push_back(std::move(r));
      });
      REQUIRE(got.size() == static_cast<std::size_t>(kRecords));
      std::vector<bool> seen(kRecords, false);
      std::map<std::int32_t, std::pair<int, std::int64_t>> last;  // partition -> (index, offset)
      for (const ConsumedRecord& r : got) {
        REQUIRE(r.value.has_value());
        // "value-<i>-vvv": the index is the number after the first dash.
        const int i = std::stoi(r.value->substr(6));
        REQUIRE(i >= 0);
        REQUIRE(i < kRecords);
        const auto idx = static_cast<std::size_t>(i);
        CHECK_FALSE(seen[idx]);
        seen[idx] = true;
        CHECK(*r.value == values[idx]);
        CHECK(r.key == keys[idx]);
        if (i % 2 == 1) {
          CHECK(r.timestamp == explicit_ts + i);
        } else {
          CHECK(r.timestamp >= before);
          CHECK(r.timestamp <= after);
        }
        REQUIRE(r.headers.size() == (i % 7 == 0 ? 2u : 3u));
        CHECK(r.headers[0].first == "index");
        CHECK(r.headers[0].second == header_values[idx]);
        CHECK(r.headers[1].first == "nullable");
        CHECK_FALSE(r.headers[1].second.has_value());
        if (r.headers.size() == 3) CHECK(r.headers[2].second == "again");
        // Per-partition order: send order is index order.
        auto it = last.find(r.partition);
        if (it != last.end()) {
          CHECK(i > it->second.first);
          CHECK(r.offset == it->second.second + 1);
        } else {
          CHECK(r.offset == 0);
        }
        last[r.partition] = {i, r.offset};
      }
    }
  }
}

// How soon a partition's leader may move again. With three brokers a leader is back on a
// broker after two moves, so this must exceed the time requests can sit queued behind a
// refused one at that broker — generous, because sanitizer builds are several times slower.
constexpr auto kMoveSpacing = std::chrono::milliseconds(500);

// What the chaos thread may do.
struct ChaosPlan {
  int max_in_flight = 5;
  // Per-request faults: error codes (cluster-wide and per broker, some delayed) and dropped
  // connections. Safe against this mock only with one request in flight per connection:
  // with more, the requests behind a failed one are appended (the mock checks no
  // sequences) and overtake it, and a dropped connection loses the answers of requests
  // the mock had already appended, whose retries it appends again.
  bool request_faults = true;
};

// Produces `total` records over 8 partitions of a 3-broker mock while a side thread moves
// leaders, drops connections, takes a broker down and up and (per plan) injects retriable
// error codes; then reads them back with librdkafka and checks every index arrived exactly
// once, in order within each partition, with its key on one partition.
void run_chaos(const ChaosPlan& plan, std::int64_t total) {
  CAPTURE(plan.max_in_flight);
  CAPTURE(plan.request_faults);
  constexpr std::int32_t kPartitions = 8;
  constexpr std::int32_t kBrokers = 3;
  constexpr int kKeys = 1000;
  const std::string topic = "chaos";
  RdKafkaMockCluster mock(kBrokers);
  mock.create_topic(topic, kPartitions);

  Config config = producer_config(mock);
  // lz4 keeps 125,000 records per partition well inside the mock's 5 MiB per partition.
  config.set("compression.type", "lz4");
  config.set("max.in.flight.requests.per.connection", std::to_string(plan.max_in_flight));
  Tally tally;

  std::atomic<bool> stop{false};
  std::atomic<int> faults{0};
  std::mutex errors_mu;
  std::vector<std::string> chaos_errors;
  // The side thread: leader moves, retriable errors (cluster-wide and per broker, some
  // delayed, some dropping the connection), and a broker down and up again.
  std::thread chaos([&] {
    std::mt19937 rng(42);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    const rd_kafka_resp_err_t retriable[] = {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                             RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                             RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                             RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
                                             RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                                             RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR,
                                             RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART};
    std::vector<std::int32_t> leader(kPartitions);
    // With 3 brokers, leader + previous + the third one make 6.
    static_assert(kBrokers == 3);
    std::vector<std::int32_t> previous(kPartitions);
    std::vector<Clock::time_point> moved_at(kPartitions);
    for (std::int32_t p = 0; p < kPartitions; ++p) {
      leader[static_cast<std::size_t>(p)] = 1 + p % kBrokers;
      previous[static_cast<std::size_t>(p)] = 1 + (p + 1) % kBrokers;
    }
    auto sleep_unless_stopped = [&](std::chrono::milliseconds d) {
      const auto until = Clock::now() + d;
      while (!stop.load() && Clock::now() < until) std::this_thread::sleep_for(5ms);
    };
    try {
      for (std::int32_t p = 0; p < kPartitions; ++p)
        mock.set_partition_leader(topic, p, leader[static_cast<std::size_t>(p)]);
      int round = 0;
      while (!stop.load()) {
        sleep_unless_stopped(10ms);
        if (stop.load()) break;
        ++round;
        if (round % 40 == 0) {
          // A broker down and up. Leaders move off it first and its in-flight requests
          // are answered: the mock does not deduplicate, so a request it appended just
          // before the connection closed would come back as a duplicate (see the top).
          std::int32_t b = 1 + pick(kBrokers);
          std::int32_t other = b % kBrokers + 1;
          for (std::int32_t p = 0; p < kPartitions; ++p) {
            const auto i = static_cast<std::size_t>(p);
            if (leader[i] == b) {
              previous[i] = b;
              leader[i] = other;
              moved_at[i] = Clock::now();
              mock.set_partition_leader(topic, p, other);
            } else if (previous[i] != b) {
              // The next move of this partition must not go to the broker that is down.
              previous[i] = b;
            }
          }
          std::this_thread::sleep_for(100ms);
          mock.broker_down(b);
          sleep_unless_stopped(200ms);
          mock.broker_up(b);
        } else if (round % 4 != 0 || !plan.request_faults) {
          if (round % 2 == 0 && plan.request_faults) {
            // The connection to one broker dropped when its next Produce arrives.
            mock.push_broker_request_errors(1 + pick(kBrokers), api_key::produce,
                                            {InjectedResponse{RD_KAFKA_RESP_ERR__TRANSPORT}});
          } else {
            // Move one or two leaders to the broker that led them longest ago (never
            // straight back), each at most every kMoveSpacing: a leader that came back while
            // requests were still queued behind a refused one would take those (the mock
            // checks no sequences) and let them overtake it.
            for (int n = 0; n < 1 + pick(2); ++n) {
              const auto p = static_cast<std::size_t>(pick(kPartitions));
              if (Clock::now() - moved_at[p] < kMoveSpacing) continue;
              std::int32_t b = 6 - leader[p] - previous[p];
              previous[p] = leader[p];
              leader[p] = b;
              moved_at[p] = Clock::now();
              mock.set_partition_leader(topic, static_cast<std::int32_t>(p), b);
            }
          }
        } else if (round % 8 == 0) {
          // Retriable errors for the next few requests, whoever gets them.
          std::vector<rd_kafka_resp_err_t> errs;
          for (int n = 0; n < 1 + pick(4); ++n) errs.push_back(retriable[pick(7)]);
          mock.push_request_errors(api_key::produce, errs);
        } else {
          // One broker: an error answered after a delay.
          mock.push_broker_request_errors(
              1 + pick(kBrokers), api_key::produce,
              {InjectedResponse{retriable[pick(7)], std::chrono::milliseconds(pick(100))}});
        }
        faults.fetch_add(1);
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(errors_mu);
      chaos_errors.emplace_back(e.what());
    }
  });

  const auto start = Clock::now();
  std::vector<std::string> keys;
  for (int k = 0; k < kKeys; ++k) keys.push_back("k" + std::to_string(k));
  std::string value;
  {
    Producer producer(config, {.on_delivery = tally.callback()});
    for (std::int64_t i = 0; i < total; ++i) {
      value = std::to_string(i);
      auto r = producer.send(
          {.topic = topic, .key = keys[static_cast<std::size_t>(i % kKeys)], .value = value});
      if (!r.ok()) {
        stop = true;
        chaos.join();
        FAIL("send ", i, ": ", r.error().message);
      }
      if (i % 1024 == 0) producer.poll();
    }
    // Let the chaos go on a little past the last send, then stop it before flushing.
    std::this_thread::sleep_for(200ms);
    stop = true;
    chaos.join();
    auto flushed = producer.flush(60s);
    CHECK_MESSAGE(flushed.ok(), (flushed.ok() ? std::string() : flushed.error().message));
    CHECK(producer.close(10s).ok());
  }
  const auto produced = Clock::now();
  for (const std::string& e : chaos_errors) FAIL_CHECK("chaos thread: ", e);
  MESSAGE("produced ", total, " records in ",
          std::chrono::duration_cast<std::chrono::milliseconds>(produced - start).count(),
          " ms with ", faults.load(), " faults injected");
  CHECK(faults.load() > 0);
  CHECK_MESSAGE(tally.failed == 0, tally.failed, " failed, first: ", tally.first_failure);
  CHECK(tally.ok == total);

  // Read back: every index exactly once, and increasing within each partition.
  RdKafkaReader reader(mock.bootstrap_servers(), topic);
  Watermarks w = reader.watermarks(kPartitions);
  for (std::int64_t lo : w.low) CHECK(lo == 0);  // nothing evicted by the mock
  CHECK(w.total() == total);
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(total), 0);
  std::vector<std::int64_t> last(kPartitions, -1);
  std::vector<std::int32_t> key_partition(kKeys, -1);
  std::int64_t duplicates = 0, out_of_order = 0, bad = 0, wrong_key = 0, key_moved = 0;
  const std::int64_t read = reader.read(w, 60s, [&](const rd_kafka_message_t& m) {
    std::string v(static_cast<const char*>(m.payload), m.len);
    char* end = nullptr;
    const std::int64_t i = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || i < 0 || i >= total) {
      ++bad;
      return;
    }
    const auto p = static_cast<std::size_t>(m.partition);
    if (seen[static_cast<std::size_t>(i)]++ != 0) ++duplicates;
    if (i <= last[p] && ++out_of_order <= 5)
      MESSAGE("partition ", m.partition, " offset ", m.offset, ": index ", i, " after ", last[p]);
    last[p] = i;
    const auto k = static_cast<std::size_t>(i % kKeys);
    if (m.key == nullptr || std::string(static_cast<const char*>(m.key), m.key_len) != keys[k])
      ++wrong_key;
    if (key_partition[k] == -1) key_partition[k] = m.partition;
    if (key_partition[k] != m.partition) ++key_moved;
  });
  std::int64_t missing = 0;
  for (std::uint8_t s : seen) missing += s == 0 ? 1 : 0;
  MESSAGE("read back ", read, " records in ",
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - produced).count(),
          " ms");
  CHECK(read == total);
  CHECK(missing == 0);
  CHECK(duplicates == 0);
  CHECK(out_of_order == 0);
  CHECK(bad == 0);
  CHECK(wrong_key == 0);
  CHECK(key_moved == 0);
}

TEST_CASE(
    "mock: idempotent producer, 5 requests in flight, rides out leader moves and a "
    "broker down: no loss, no duplicates, order kept") {
  // 1,000,000 by default; KAFKIT_MOCK_RECORDS lowers (or raises) it.
  run_chaos({.max_in_flight = 5, .request_faults = false}, env_records(1000000));
}

TEST_CASE(
    "mock: idempotent producer, 1 request in flight, rides out retriable error codes and "
    "dropped connections too: no loss, no duplicates, order kept") {
  run_chaos({.max_in_flight = 1, .request_faults = true}, env_records(1000000));
}

TEST_CASE("mock: a batch still in flight to the old leader is not overtaken at the new one") {
  // Batch A goes to broker 1, whose answer (a retriable error) is held back; meanwhile the
  // partition moves to broker 2 and the producer learns it. Batch B must wait for A's answer:
  // sent to broker 2 at once it would be appended there before A's retry, reordering the
  // partition. (A real broker's sequence check would refuse B with idempotence on; without
  // idempotence, or against this mock, only the producer keeps the order.)
  for (std::string idempotence : {"false", "true"}) {
    CAPTURE(idempotence);
    RdKafkaMockCluster mock(2);
    const std::string topic = "moved";
    // Partition 1 on broker 2 gives the producer a connection there, which its metadata
    // requests then prefer: it learns of the move while broker 1 still holds A's answer.
    mock.create_topic(topic, 2);
    mock.set_partition_leader(topic, 0, 1);
    mock.set_partition_leader(topic, 1, 2);
    Config config = producer_config(mock);
    config.set("enable.idempotence", idempotence)
        .set("max.in.flight.requests.per.connection", "1")
        .set("linger.ms", "0")
        .set("metadata.max.age.ms", "20");
    std::vector<DeliveryReport> reports;  // outlives the producer and its callbacks
    Producer producer(config);
    auto send = [&](const std::string& v, std::int32_t partition = 0) {
      auto r = producer.send({.topic = topic, .partition = partition, .value = v},
                             [&reports](const DeliveryReport& d) { reports.push_back(d); });
      REQUIRE_MESSAGE(r.ok(), r.error().message);
    };
    send("warm-up");  // connects to both brokers
    send("other", 1);
    REQUIRE(producer.flush(10s).ok());
    mock.push_broker_request_errors(
        1, api_key::produce,
        {InjectedResponse{RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, std::chrono::milliseconds(600)}});
    send("A");
    std::this_thread::sleep_for(50ms);  // A is in flight to broker 1
    mock.set_partition_leader(topic, 0, 2);
    std::this_thread::sleep_for(150ms);  // a metadata refresh shows broker 2 as the leader
    send("B");
    auto flushed = producer.flush(10s);
    REQUIRE_MESSAGE(flushed.ok(), flushed.error().message);
    REQUIRE(reports.size() == 4);
    for (const DeliveryReport& d : reports) CHECK(d.ok());
    CHECK(mock.pending_broker_errors(1, api_key::produce) == 0);  // A really met the error
    RdKafkaReader reader(mock.bootstrap_servers(), topic);
    std::vector<ConsumedRecord> got;
    for (ConsumedRecord& r : reader.read_all(2))
      if (r.partition == 0) got.push_back(std::move(r));
    REQUIRE(got.size() == 3);
    CHECK(got[0].value == "warm-up");
    CHECK(got[1].value == "A");
    CHECK(got[2].value == "B");
  }
}

TEST_CASE("mock: a non-retriable produce error fails only the records of that request") {
  RdKafkaMockCluster mock(3);
  const std::string topic = "refused";
  mock.create_topic(topic, 1);
  struct Case {
    rd_kafka_resp_err_t error;
    int code;
  };
  const Case cases[] = {{RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, 10},
                        {RD_KAFKA_RESP_ERR_INVALID_RECORD, 87},
                        {RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, 29},
                        {RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE, 18}};
  std::vector<std::string> delivered;   // values in expected log order
  std::vector<DeliveryReport> reports;  // outlives the producer and its callbacks
  Producer producer(producer_config(mock));
  int next = 0;
  // Sends `n` records as one batch (flushed together) and returns their reports.
  auto send_group = [&](int n) {
    reports.clear();
    std::vector<std::string> values;
    for (int i = 0; i < n; ++i) values.push_back("v" + std::to_string(next++));
    for (const std::string& v : values) {
      auto r = producer.send({.topic = topic, .partition = 0, .key = "k", .value = v},
                             [&reports](const DeliveryReport& d) { reports.push_back(d); });
      REQUIRE_MESSAGE(r.ok(), r.error().message);
    }
    auto flushed = producer.flush(20s);
    REQUIRE_MESSAGE(flushed.ok(), flushed.error().message);
    REQUIRE(reports.size() == static_cast<std::size_t>(n));
    return std::make_pair(reports, values);
  };
  {
    auto sent = send_group(5);
    for (const DeliveryReport& d : sent.first) CHECK(d.ok());
    delivered.insert(delivered.end(), sent.second.begin(), sent.second.end());
  }
  for (const Case& c : cases) {
    CAPTURE(c.code);
    mock.push_request_errors(api_key::produce, {c.error});
    auto refused = send_group(5);
    for (const DeliveryReport& d : refused.first) {
      REQUIRE_FALSE(d.ok());
      CHECK(d.error->code == c.code);
      CHECK(d.persistence == Persistence::not_persisted);
      CHECK(d.offset == -1);
    }
    auto after = send_group(5);
    for (const DeliveryReport& d : after.first) {
      CHECK_MESSAGE(d.ok(), (d.ok() ? std::string() : d.error->message));
      CHECK(d.persistence == Persistence::persisted);
    }
    delivered.insert(delivered.end(), after.second.begin(), after.second.end());
  }
  REQUIRE(producer.close(10s).ok());

  RdKafkaReader reader(mock.bootstrap_servers(), topic);
  std::vector<ConsumedRecord> got = reader.read_all(1);
  REQUIRE(got.size() == delivered.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].value == delivered[i]);
    CHECK(got[i].offset == static_cast<std::int64_t>(i));
  }
}

TEST_SUITE_END();

}  // namespace kafkit::test
