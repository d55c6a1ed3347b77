// kafkit's consumer against librdkafka's mock cluster (a broker nobody here wrote): data
// written by librdkafka's producer is read back by the kafkit consumer, and committed
// offsets cross between the two clients both ways — kafkit commits, librdkafka's
// rd_kafka_committed() sees them; librdkafka commits, kafkit's committed() and
// offsets::stored see them. The mock keeps partitions in memory, so it also carries the
// 1,000-partition prefetch budget test.
#include <doctest/doctest.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client/consumer/consumer_impl.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"
#include "rdkafka_mock_cluster.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;

constexpr int kPartitions = 3;
constexpr int kPerPartition = 200;

/// A librdkafka handle (producer or consumer) with the given settings.
struct RdKafka {
  rd_kafka_t* rk = nullptr;
  RdKafka(rd_kafka_type_t type, const std::map<std::string, std::string>& props) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (const auto& prop : props) {
      // clang 14: no structured bindings inside doctest macros.
      const std::string& name = prop.first;
      bool set = rd_kafka_conf_set(conf, name.c_str(), prop.second.c_str(), err, sizeof err) ==
                 RD_KAFKA_CONF_OK;
      REQUIRE_MESSAGE(set, name);
    }
    rk = rd_kafka_new(type, conf, err, sizeof err);
    REQUIRE_MESSAGE(rk != nullptr, err);
  }
  ~RdKafka() {
    if (rd_kafka_type(rk) == RD_KAFKA_CONSUMER) rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};

void produce_with_librdkafka(const RdKafkaMockCluster& cluster, const std::string& topic) {
  RdKafka p(RD_KAFKA_PRODUCER, {{"bootstrap.servers", cluster.bootstrap_servers()},
                                {"linger.ms", "5"},
                                {"compression.codec", "lz4"},
                                {"log_level", "3"}});
  for (int part = 0; part < kPartitions; ++part)
    for (int i = 0; i < kPerPartition; ++i) {
      std::string key = "k" + std::to_string(part) + "-" + std::to_string(i);
      std::string value = "v" + std::to_string(part) + "-" + std::to_string(i);
      rd_kafka_resp_err_t e = rd_kafka_producev(
          p.rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(part),
          RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(value.data(), value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      REQUIRE(e == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
  REQUIRE(rd_kafka_flush(p.rk, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
}

/// rd_kafka_committed() for every partition of `topic` in `group`.
std::map<int32_t, int64_t> committed_by_librdkafka(const RdKafkaMockCluster& cluster,
                                                   const std::string& group,
                                                   const std::string& topic) {
  RdKafka c(RD_KAFKA_CONSUMER, {{"bootstrap.servers", cluster.bootstrap_servers()},
                                {"group.id", group},
                                {"log_level", "3"}});
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(kPartitions);
  for (int p = 0; p < kPartitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
  rd_kafka_resp_err_t e = rd_kafka_committed(c.rk, list, 10000);
  std::map<int32_t, int64_t> out;
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
    for (int i = 0; i < list->cnt; ++i) out[list->elems[i].partition] = list->elems[i].offset;
  rd_kafka_topic_partition_list_destroy(list);
  REQUIRE_MESSAGE(e == RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_err2str(e));
  return out;
}

void commit_with_librdkafka(const RdKafkaMockCluster& cluster, const std::string& group,
                            const std::string& topic, const std::map<int32_t, int64_t>& offsets) {
  RdKafka c(RD_KAFKA_CONSUMER, {{"bootstrap.servers", cluster.bootstrap_servers()},
                                {"group.id", group},
                                {"log_level", "3"}});
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(kPartitions);
  for (const auto& [p, o] : offsets)
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = o;
  rd_kafka_resp_err_t e = rd_kafka_commit(c.rk, list, 0);
  rd_kafka_topic_partition_list_destroy(list);
  REQUIRE_MESSAGE(e == RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_err2str(e));
}

std::map<int32_t, std::vector<ConsumerRecord>> consume(Consumer& c, size_t want) {
  std::map<int32_t, std::vector<ConsumerRecord>> out;
  size_t n = 0;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (n < want && std::chrono::steady_clock::now() < deadline) {
    PollResult r = c.poll(100ms);
    for (auto& e : r.events)
      if (e.type == ConsumerEvent::Type::error) MESSAGE("consumer event: ", e.error->message);
    for (auto& rec : r.records) {
      out[rec.partition].push_back(rec);
      ++n;
    }
  }
  return out;
}

}  // namespace

TEST_SUITE("interop-consumer") {
  TEST_CASE("kafkit reads librdkafka's records in order and commits where librdkafka sees it") {
    RdKafkaMockCluster cluster(3);
    cluster.create_topic("pay", kPartitions);
    produce_with_librdkafka(cluster, "pay");

    Consumer c(Config{{"bootstrap.servers", cluster.bootstrap_servers()},
                      {"group.id", "kafkit-g"},
                      {"enable.auto.commit", "false"}});
    std::vector<TopicPartitionOffset> all;
    for (int p = 0; p < kPartitions; ++p) all.push_back({"pay", p, offsets::beginning});
    REQUIRE(c.assign(all).ok());
    auto got = consume(c, kPartitions * kPerPartition);
    for (int p = 0; p < kPartitions; ++p) {
      CAPTURE(p);
      REQUIRE(got[p].size() == kPerPartition);
      for (int i = 0; i < kPerPartition; ++i) {
        const ConsumerRecord& r = got[p][static_cast<size_t>(i)];
        CHECK(r.offset == i);
        CHECK(r.key ==
              std::optional<std::string_view>("k" + std::to_string(p) + "-" + std::to_string(i)));
      }
    }
    // Nothing committed yet.
    auto none = c.committed({{"pay", 0}}, 10s);
    REQUIRE_MESSAGE(none.ok(), none.error().message);
    CHECK(none->at(0).offset == offsets::stored);

    // commit(): the positions (all consumed) — librdkafka reads them back.
    auto committed = c.commit();
    REQUIRE_MESSAGE(committed.ok(), committed.error().message);
    auto seen = committed_by_librdkafka(cluster, "kafkit-g", "pay");
    for (int p = 0; p < kPartitions; ++p) CHECK(seen[p] == kPerPartition);

    // Explicit offsets, with metadata, read back by both clients.
    TopicPartitionOffset explicit_offset{"pay", 1, 42};
    explicit_offset.metadata = "note";
    REQUIRE(c.commit({explicit_offset}).ok());
    CHECK(committed_by_librdkafka(cluster, "kafkit-g", "pay")[1] == 42);
    auto back = c.committed({{"pay", 1}, {"pay", 2}}, 10s);
    REQUIRE(back.ok());
    REQUIRE(back->size() == 2);
    CHECK(back->at(0).offset == 42);
    CHECK(back->at(0).metadata == "note");
    CHECK(back->at(1).offset == kPerPartition);

    // commit_async: the callback runs inside a later poll().
    bool called = false;
    Result<void> outcome;
    c.commit_async({{"pay", 2, 7}},
                   [&](const Result<void>& r, const std::vector<TopicPartitionOffset>& o) {
                     called = true;
                     outcome = r;
                     CHECK(o.size() == 1);
                   });
    for (int i = 0; i < 100 && !called; ++i) (void)c.poll(50ms);
    REQUIRE(called);
    CHECK(outcome.ok());
    CHECK(committed_by_librdkafka(cluster, "kafkit-g", "pay")[2] == 7);
    CHECK(c.close(5s).ok());
  }

  TEST_CASE("librdkafka's commits are kafkit's stored start offsets; auto-commit on close") {
    RdKafkaMockCluster cluster(1);
    cluster.create_topic("orders", kPartitions);
    produce_with_librdkafka(cluster, "orders");
    commit_with_librdkafka(cluster, "shared", "orders", {{0, 150}, {1, 20}});

    Consumer c(Config{{"bootstrap.servers", cluster.bootstrap_servers()},
                      {"group.id", "shared"},
                      {"auto.offset.reset", "earliest"},
                      {"enable.auto.commit", "true"},
                      {"auto.commit.interval.ms", "100000"}});
    auto committed = c.committed({{"orders", 0}, {"orders", 1}, {"orders", 2}}, 10s);
    REQUIRE_MESSAGE(committed.ok(), committed.error().message);
    CHECK(committed->at(0).offset == 150);
    CHECK(committed->at(1).offset == 20);
    CHECK(committed->at(2).offset == offsets::stored);

    std::vector<TopicPartitionOffset> all;
    for (int p = 0; p < kPartitions; ++p) all.push_back({"orders", p, offsets::stored});
    REQUIRE(c.assign(all).ok());
    // Start: the committed offset, or auto.offset.reset (earliest) where there is none.
    auto got = consume(c, (kPerPartition - 150) + (kPerPartition - 20) + kPerPartition);
    REQUIRE(got[0].size() == kPerPartition - 150);
    CHECK(got[0].front().offset == 150);
    REQUIRE(got[1].size() == kPerPartition - 20);
    CHECK(got[1].front().offset == 20);
    REQUIRE(got[2].size() == kPerPartition);
    CHECK(got[2].front().offset == 0);

    // Rewind partition 2 to 50 and read 10 of it: close() commits exactly what poll() gave.
    REQUIRE(c.seek({"orders", 2}, 50).ok());
    REQUIRE(c.pause({{"orders", 0}, {"orders", 1}}).ok());
    auto more = consume(c, 1);
    REQUIRE(!more[2].empty());
    int64_t position = more[2].back().offset + 1;
    CHECK(*c.position({"orders", 2}) == position);
    REQUIRE(c.close(5s).ok());
    auto seen = committed_by_librdkafka(cluster, "shared", "orders");
    CHECK(seen[0] == kPerPartition);
    CHECK(seen[1] == kPerPartition);
    CHECK(seen[2] == position);
  }

  TEST_CASE("commit errors surface per partition; commit without group.id is refused") {
    RdKafkaMockCluster cluster(1);
    cluster.create_topic("x", 1);
    Consumer nogroup(Config{{"bootstrap.servers", cluster.bootstrap_servers()}});
    auto r = nogroup.commit({{"x", 0, 1}});
    REQUIRE(!r.ok());
    CHECK(r.error().message.find("group.id") != std::string::npos);

    Consumer c(Config{{"bootstrap.servers", cluster.bootstrap_servers()}, {"group.id", "g2"}});
    // A partition that does not exist: the mock refuses that one partition.
    auto bad = c.commit({{"x", 0, 3}, {"x", 9, 3}});
    REQUIRE(!bad.ok());
    std::string why = bad.error().message;
    CHECK_MESSAGE(why.find("x [9]") != std::string::npos, why);
  }

  TEST_CASE("1,000 lagging partitions stay within one prefetch byte budget") {
    // 1,000 partitions x 10 records x ~1 KiB (~10 MB lagging), budget 256 KiB: the budget
    // is global, not per partition, so prefetching stops near 256 KiB (plus at most one
    // batch per leader, KIP-74's oversized first batch) however many partitions lag.
    constexpr int kWide = 1000;
    RdKafkaMockCluster cluster(1);
    cluster.create_topic("wide", kWide);
    {
      Producer producer(Config{{"bootstrap.servers", cluster.bootstrap_servers()},
                               {"linger.ms", "20"},
                               {"batch.size", "8000"}});
      std::string value(1000, 'x');
      for (int p = 0; p < kWide; ++p)
        for (int i = 0; i < 10; ++i)
          REQUIRE(producer.send({.topic = "wide", .partition = p, .value = value}).ok());
      REQUIRE(producer.flush(60s).ok());
    }
    auto parsed =
        client::ConsumerConfig::parse(Config{{"bootstrap.servers", cluster.bootstrap_servers()},
                                             {"queued.max.messages.kbytes", "256"},
                                             {"max.partition.fetch.bytes", "8192"}});
    REQUIRE(parsed.ok());
    client::ConsumerImpl impl(*parsed, {});
    std::vector<TopicPartitionOffset> all;
    for (int p = 0; p < kWide; ++p) all.push_back({"wide", p, offsets::beginning});
    REQUIRE(impl.assign(all).ok());
    const std::size_t bound = 256 * 1024 + 9000;
    std::size_t peak = 0;
    for (int i = 0; i < 50; ++i) {
      std::this_thread::sleep_for(20ms);
      peak = std::max(peak, impl.prefetched_bytes());
    }
    CHECK(peak > 100 * 1024);  // it did prefetch...
    CHECK(peak <= bound);      // ...and stopped at the budget
    std::size_t total = 0;
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (total < kWide * 10 && std::chrono::steady_clock::now() < deadline) {
      total += impl.poll(50ms).records.size();
      peak = std::max(peak, impl.prefetched_bytes());
    }
    CHECK(total == kWide * 10);
    CHECK(peak <= bound);
    CHECK(impl.close(5s).ok());
  }
}

}  // namespace kafkit::test
