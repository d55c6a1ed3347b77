// The producer against the reference broker in-process: what it reports must be what the
// log holds.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "kafkit/producer.hpp"
#include "log_reader.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;

Config base_config(const RunningBroker& b) {
  return Config{{"bootstrap.servers", "127.0.0.1:" + std::to_string(b.port())}};
}

struct Reports {
  std::vector<DeliveryReport> all;
  std::vector<std::string> topics;  // reports hold views into batches that are freed
  DeliveryCallback callback() {
    return [this](const DeliveryReport& r) {
      all.push_back(r);
      topics.emplace_back(r.topic);
    };
  }
};

}  // namespace

TEST_CASE("producer: keyed records arrive in order per partition with the reported offsets") {
  RunningBroker broker(Properties{{"num.partitions", "4"}});
  Reports reports;
  Producer producer(base_config(broker), {.on_delivery = reports.callback()});
  constexpr int kCount = 2000;
  std::vector<std::string> keys, values;
  for (int i = 0; i < kCount; ++i) {
    keys.push_back("key-" + std::to_string(i % 37));
    values.push_back("value-" + std::to_string(i));
  }
  for (int i = 0; i < kCount; ++i) {
    auto r = producer.send({.topic = "orders",
                            .key = keys[i],
                            .value = values[i],
                            .opaque = reinterpret_cast<void*>(static_cast<intptr_t>(i + 1))});
    REQUIRE_MESSAGE(r.ok(), r.error().message);
  }
  auto flushed = producer.flush(10s);
  REQUIRE_MESSAGE(flushed.ok(), flushed.error().message);
  CHECK(producer.pending() == 0);
  REQUIRE(reports.all.size() == kCount);

  std::map<int32_t, std::vector<LoggedRecord>> logs;
  for (int32_t p = 0; p < 4; ++p) logs[p] = read_partition(broker.port(), "orders", p);
  size_t total = 0;
  for (auto& [p, recs] : logs) total += recs.size();
  CHECK(total == kCount);
  std::map<int32_t, int> last_index;
  for (const DeliveryReport& r : reports.all) {
    REQUIRE_MESSAGE(r.ok(), r.error->message);
    CHECK(r.persistence == Persistence::persisted);
    int i = static_cast<int>(reinterpret_cast<intptr_t>(r.opaque)) - 1;
    REQUIRE(i >= 0);
    // Reports come in send order within a partition.
    if (last_index.count(r.partition)) CHECK(i > last_index[r.partition]);
    last_index[r.partition] = i;
    const auto& log = logs[r.partition];
    REQUIRE(r.offset >= 0);
    REQUIRE(static_cast<size_t>(r.offset) < log.size());
    CHECK(log[static_cast<size_t>(r.offset)].value == values[static_cast<size_t>(i)]);
    CHECK(log[static_cast<size_t>(r.offset)].key == keys[static_cast<size_t>(i)]);
  }
  // The same key always went to the same partition.
  std::map<std::string, int32_t> partition_of_key;
  for (auto& [p, recs] : logs)
    for (auto& rec : recs) {
      auto [it, inserted] = partition_of_key.emplace(*rec.key, p);
      CHECK(it->second == p);
    }
  CHECK(producer.close(5s).ok());
}

TEST_CASE("producer: headers, explicit timestamps, null keys and values, per-record callback") {
  RunningBroker broker;
  Producer producer(base_config(broker));
  std::vector<Header> headers{{"h1", "v1"}, {"h2", std::nullopt}, {"h1", "again"}};
  std::optional<DeliveryReport> got;
  std::string topic_seen;
  auto r = producer.send({.topic = "t",
                          .partition = 0,
                          .key = std::nullopt,
                          .value = std::nullopt,
                          .headers = headers,
                          .timestamp = 1234567890123},
                         [&](const DeliveryReport& d) {
                           got = d;
                           topic_seen = std::string(d.topic);
                         });
  REQUIRE(r.ok());
  REQUIRE(producer.flush(10s).ok());
  REQUIRE(got.has_value());
  CHECK(got->ok());
  CHECK(topic_seen == "t");
  CHECK(got->partition == 0);
  CHECK(got->offset == 0);
  CHECK(got->timestamp == 1234567890123);
  auto log = read_partition(broker.port(), "t", 0);
  REQUIRE(log.size() == 1);
  CHECK_FALSE(log[0].key.has_value());
  CHECK_FALSE(log[0].value.has_value());
  CHECK(log[0].timestamp == 1234567890123);
  REQUIRE(log[0].headers.size() == 3);
  CHECK(log[0].headers[0].first == "h1");
  CHECK(log[0].headers[0].second == "v1");
  CHECK_FALSE(log[0].headers[1].second.has_value());
  CHECK(log[0].headers[2].second == "again");
}

TEST_CASE("producer: every compression codec and acks setting delivers") {
  RunningBroker broker;
  for (std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    for (std::string acks : {"0", "1", "all"}) {
      CAPTURE(codec);
      CAPTURE(acks);
      Config c = base_config(broker);
      c.set("compression.type", codec).set("acks", acks);
      Reports reports;
      Producer producer(c, {.on_delivery = reports.callback()});
      std::string topic = "c-" + codec + "-" + acks;
      std::string value(300, 'x');
      for (int i = 0; i < 500; ++i) REQUIRE(producer.send({.topic = topic, .value = value}).ok());
      REQUIRE(producer.flush(10s).ok());
      REQUIRE(reports.all.size() == 500);
      for (auto& rep : reports.all) CHECK(rep.ok());
      CHECK(read_partition(broker.port(), topic, 0).size() == 500);
    }
  }
}

TEST_CASE("producer: idempotent batches carry a producer id and consecutive sequences") {
  RunningBroker broker;
  Config c = base_config(broker);
  c.set("batch.num.messages", "10").set("linger.ms", "0");
  Producer producer(c);
  for (int i = 0; i < 100; ++i)
    REQUIRE(producer.send({.topic = "idem", .partition = 0, .value = "v"}).ok());
  REQUIRE(producer.flush(10s).ok());
  auto log = read_partition(broker.port(), "idem", 0);
  REQUIRE(log.size() == 100);
  for (auto& rec : log) {
    CHECK(rec.producer_id >= 0);
    // Record i sits in a batch whose base sequence is its first record's offset here.
    CHECK(rec.base_sequence >= 0);
    CHECK(rec.base_sequence <= rec.offset);
  }
}

TEST_CASE("producer: configuration errors name the property") {
  auto message = [](Config c) {
    try {
      Producer p(c);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message({{"bootstrap.servers", "x:1"}, {"no.such.thing", "1"}}).find("no.such.thing") !=
        std::string::npos);
  CHECK(message({{"bootstrap.servers", "x:1"}, {"linger.ms", "soon"}}).find("linger.ms") !=
        std::string::npos);
  CHECK(message({{"bootstrap.servers", "x:1"}, {"acks", "2"}}).find("acks") != std::string::npos);
  CHECK(message({{"linger.ms", "1"}}).find("bootstrap.servers") != std::string::npos);
  CHECK(message({{"bootstrap.servers", "x:1"}, {"group.id", "g"}}).find("consumer") !=
        std::string::npos);
  CHECK(message({{"bootstrap.servers", "x:1"}, {"enable.idempotence", "true"}, {"acks", "1"}})
            .find("acks=all") != std::string::npos);
  // Idempotence by default yields to an explicit acks=1, as in the Java client.
  CHECK(message({{"bootstrap.servers", "x:1"}, {"acks", "1"}}) == "no error");
  CHECK(message({{"bootstrap.servers", "x:1"}, {"compression.type", "brotli"}})
            .find("compression.type") != std::string::npos);
}

TEST_CASE("producer: an unreachable cluster fails sends and close within their bounds") {
  Config c{{"bootstrap.servers", "127.0.0.1:1"}, {"max.block.ms", "300"}};
  auto start = std::chrono::steady_clock::now();
  Producer producer(c);
  auto r = producer.send({.topic = "nowhere", .value = "v"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == 3);  // UNKNOWN_TOPIC_OR_PARTITION: no metadata within max.block.ms
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  auto closing = std::chrono::steady_clock::now();
  CHECK(producer.close(500ms).ok());
  CHECK(std::chrono::steady_clock::now() - closing < 3s);
  CHECK(producer.send({.topic = "nowhere", .value = "v"}).error().code == errc::closed);
}

TEST_CASE("producer: records in the buffer when close's deadline passes are reported as failed") {
  RunningBroker broker;
  Reports reports;
  Config c = base_config(broker);
  c.set("linger.ms", "60000").set("batch.num.messages", "1000000");
  Producer producer(c, {.on_delivery = reports.callback()});
  // Metadata first, so the record is appended and then held by linger.
  REQUIRE(producer.send({.topic = "held", .value = "first"}).ok());
  auto start = std::chrono::steady_clock::now();
  // flush ignores linger, so use close with a deadline of 0: nothing may be sent.
  auto closed = producer.close(0ms);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  REQUIRE(reports.all.size() == 1);
  if (!closed.ok()) {
    REQUIRE(reports.all[0].error.has_value());
    CHECK(reports.all[0].error->code == errc::closed);
  }
}

TEST_CASE("producer: a record larger than message.max.bytes fails in send, nothing is sent") {
  RunningBroker broker;
  Config c = base_config(broker);
  c.set("message.max.bytes", "10000");
  Producer producer(c);
  std::string big(20000, 'b');
  auto r = producer.send({.topic = "big", .value = big});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == 10);  // MESSAGE_TOO_LARGE
  CHECK(r.error().message.find("message.max.bytes") != std::string::npos);
  CHECK(producer.pending() == 0);
}

TEST_CASE("producer: send_batch keeps each record's key, headers and timestamp") {
  RunningBroker broker;
  Producer producer(base_config(broker));
  std::vector<Header> h{{"trace", "abc"}};
  std::vector<ProducerRecord> batch;
  std::vector<std::string> keys{"a", "b", "c"};
  for (int i = 0; i < 3; ++i)
    batch.push_back({.topic = "sb",
                     .partition = 0,
                     .key = keys[static_cast<size_t>(i)],
                     .value = "v",
                     .headers = i == 1 ? std::span<const Header>(h) : std::span<const Header>{},
                     .timestamp = 1000 + i});
  auto r = producer.send_batch(batch);
  CHECK(r.accepted == 3);
  CHECK_FALSE(r.error.has_value());
  REQUIRE(producer.flush(10s).ok());
  auto log = read_partition(broker.port(), "sb", 0);
  REQUIRE(log.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(log[static_cast<size_t>(i)].key == keys[static_cast<size_t>(i)]);
    CHECK(log[static_cast<size_t>(i)].timestamp == 1000 + i);
    CHECK(log[static_cast<size_t>(i)].headers.size() == (i == 1 ? 1u : 0u));
  }
}

}  // namespace kafkit::test

namespace kafkit::test {

TEST_CASE(
    "producer: a moved leader named in the Produce answer is used without Metadata (KIP-951)") {
  RunningBroker broker(Properties{}, 2);
  Config c{{"bootstrap.servers", broker.cluster->bootstrap_servers()}};
  Reports reports;
  Producer producer(c, {.on_delivery = reports.callback()});
  REQUIRE(producer.send({.topic = "moving", .partition = 0, .value = "before"}).ok());
  REQUIRE(producer.flush(10s).ok());
  auto before = broker.cluster->leader_of("moving", 0);
  REQUIRE(before.has_value());
  int32_t other = before->leader == broker.cluster->node_ids()[0] ? broker.cluster->node_ids()[1]
                                                                  : broker.cluster->node_ids()[0];
  REQUIRE(broker.cluster->move_leader("moving", 0, other).ok());
  // Metadata now only says "leader not available" for the topic: the hint is the only way.
  REQUIRE(broker.cluster
              ->inject_errors(3, static_cast<int16_t>(protocol::ErrorCode::LeaderNotAvailable),
                              1000, "moving")
              .ok());
  REQUIRE(producer.send({.topic = "moving", .partition = 0, .value = "after"}).ok());
  auto flushed = producer.flush(5s);
  REQUIRE_MESSAGE(flushed.ok(), flushed.error().message);
  REQUIRE(reports.all.size() == 2);
  CHECK(reports.all[1].ok());
  CHECK(reports.all[1].offset == 1);
  broker.cluster->clear_faults();
}

}  // namespace kafkit::test

namespace kafkit::test {

TEST_CASE("producer: null-key records avoid partitions without a leader (uniform_sticky)") {
  RunningBroker broker(Properties{{"num.partitions", "4"}}, 2);
  Config c{{"bootstrap.servers", broker.cluster->bootstrap_servers()},
           {"partitioner", "uniform_sticky"},
           {"batch.size", "2000"},
           {"metadata.max.age.ms", "200"}};
  Reports reports;
  Producer producer(c, {.on_delivery = reports.callback()});
  REQUIRE(producer.send({.topic = "half", .partition = 0, .value = "warm-up"}).ok());
  REQUIRE(producer.flush(10s).ok());
  int32_t down = broker.cluster->node_ids()[1];
  std::set<int32_t> down_partitions;
  for (int32_t p = 0; p < 4; ++p)
    if (broker.cluster->leader_of("half", p)->leader == down) down_partitions.insert(p);
  REQUIRE_FALSE(down_partitions.empty());
  REQUIRE(down_partitions.size() < 4);
  REQUIRE(broker.cluster->stop_node(down, false).ok());
  // The producer learns of the leaderless partitions from its next metadata refresh.
  std::this_thread::sleep_for(600ms);
  std::string value(100, 'v');
  for (int i = 0; i < 500; ++i) REQUIRE(producer.send({.topic = "half", .value = value}).ok());
  REQUIRE(producer.flush(10s).ok());
  REQUIRE(reports.all.size() == 501);
  for (size_t i = 0; i < reports.all.size(); ++i) {
    const auto& r = reports.all[i];
    CHECK(r.ok());
    if (i > 0) {
      CAPTURE(i);
      CAPTURE(r.partition);
      CAPTURE(r.offset);
      CHECK(down_partitions.count(r.partition) == 0);
    }
  }
  CHECK(producer.close(5s).ok());
}

}  // namespace kafkit::test

namespace kafkit::test {

TEST_CASE("producer: a cluster that refuses idempotence fails records at once, not at timeout") {
  RunningBroker broker;
  REQUIRE(broker.cluster
              ->inject_errors(
                  22, static_cast<int16_t>(protocol::ErrorCode::ClusterAuthorizationFailed), 1)
              .ok());
  Reports reports;
  std::vector<Error> errors;
  Producer producer(base_config(broker),
                    {.on_delivery = reports.callback(),
                     .on_error = [&](const Error& e) { errors.push_back(e); }});
  auto start = std::chrono::steady_clock::now();
  REQUIRE(producer.send({.topic = "refused", .value = "v"}).ok());
  CHECK(producer.flush(10s).ok());
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  REQUIRE(reports.all.size() == 1);
  REQUIRE(reports.all[0].error.has_value());
  CHECK(reports.all[0].error->code == errc::fatal);
  CHECK(reports.all[0].persistence == Persistence::not_persisted);
  REQUIRE_FALSE(errors.empty());
  CHECK(errors[0].message.find("CLUSTER_AUTHORIZATION_FAILED") != std::string::npos);
}

}  // namespace kafkit::test
