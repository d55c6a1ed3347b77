// kafkit's group consumer against librdkafka: its mock cluster as the group coordinator
// (a broker nobody here wrote), and librdkafka's own consumers as fellow members of the
// same group. Proves kafkit speaks the classic group protocol and the consumer protocol's
// subscription/assignment bytes as librdkafka does, for eager and cooperative assignors.
#include <doctest/doctest.h>
#include <librdkafka/rdkafka.h>

#include <kafkit/consumer.hpp>
#include <kafkit/producer.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "../../integration/broker/broker_fixture.hpp"
#include "../producer/rdkafka_mock_cluster.hpp"
#include "rdkafka_group_member.hpp"

namespace kafkit::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

void produce(const std::string& bootstrap, const std::string& topic, int partitions, int n) {
  kafkit::Producer p({{"bootstrap.servers", bootstrap}, {"linger.ms", "1"}});
  for (int i = 0; i < n; ++i) {
    std::string v = "v" + std::to_string(i);
    REQUIRE(p.send({.topic = topic, .partition = i % partitions, .value = v}).ok());
  }
  REQUIRE(p.flush(30s).ok());
}

Config member_config(const std::string& bootstrap, const std::string& group,
                     const std::string& strategy) {
  return {{"bootstrap.servers", bootstrap},
          {"group.id", group},
          {"partition.assignment.strategy", strategy},
          {"session.timeout.ms", "6000"},
          {"heartbeat.interval.ms", "200"},
          {"max.poll.interval.ms", "10000"},
          {"auto.offset.reset", "earliest"},
          {"fetch.max.wait.ms", "50"}};
}

/// Each partition owned by exactly one member, and every member owning at least one.
bool split_ok(const std::vector<std::set<std::int32_t>>& owned, int partitions, std::string& why) {
  std::map<std::int32_t, int> owners;
  bool all_have = true;
  for (const auto& s : owned) {
    all_have = all_have && !s.empty();
    for (auto p : s) ++owners[p];
  }
  bool exact = static_cast<int>(owners.size()) == partitions;
  for (const auto& [p, n] : owners) exact = exact && n == 1;
  why = std::to_string(owners.size()) + " of " + std::to_string(partitions) +
        " partitions owned among " + std::to_string(owned.size()) + " members";
  return exact && all_have;
}

std::set<std::int32_t> partitions_of(const std::vector<TopicPartition>& tps) {
  std::set<std::int32_t> out;
  for (const auto& tp : tps) out.insert(tp.partition);
  return out;
}

/// Two kafkit members and one librdkafka member in one group: every partition owned by
/// exactly one of them; then a kafkit member leaves and the other two take over; every
/// message is read by somebody.
void mixed_group(const std::string& bootstrap, const std::string& topic, int partitions,
                 const std::string& strategy) {
  produce(bootstrap, topic, partitions, 60);
  const std::string group = "mixed-" + strategy;
  auto k1 = std::make_unique<kafkit::Consumer>(member_config(bootstrap, group, strategy));
  auto k2 = std::make_unique<kafkit::Consumer>(member_config(bootstrap, group, strategy));
  REQUIRE(k1->subscribe({topic}).ok());
  REQUIRE(k2->subscribe({topic}).ok());
  RdKafkaGroupMember rd(bootstrap, group, topic, strategy);
  std::set<std::pair<std::int32_t, std::int64_t>> read;
  auto poll = [&](kafkit::Consumer& k) {
    for (const ConsumerRecord& r : k.poll(20ms).records) read.insert({r.partition, r.offset});
  };
  auto settle = [&](bool with_k2, std::string& why) {
    auto deadline = Clock::now() + 30s;
    while (Clock::now() < deadline) {
      poll(*k1);
      if (with_k2) poll(*k2);
      rd.poll(20);
      std::vector<std::set<std::int32_t>> owned{partitions_of(k1->assignment()), rd.assignment()};
      if (with_k2) owned.push_back(partitions_of(k2->assignment()));
      if (split_ok(owned, partitions, why)) return true;
    }
    return false;
  };
  std::string why;
  CHECK_MESSAGE(settle(true, why), why);
  CHECK(rd.protocol() == (strategy == "range" ? "EAGER" : "COOPERATIVE"));
  // One kafkit member leaves in order: the other two take its partitions over.
  REQUIRE(k2->close(10s).ok());
  CHECK_MESSAGE(settle(false, why), why);
  auto deadline = Clock::now() + 20s;
  auto all_read = [&] {
    for (const auto& r : rd.records()) read.insert({r.partition, r.offset});
    return read.size() == 60;
  };
  while (!all_read() && Clock::now() < deadline) {
    poll(*k1);
    rd.poll(20);
  }
  CHECK(read.size() == 60);
  REQUIRE(k1->close(10s).ok());
  rd.close();
}

}  // namespace

TEST_SUITE("interop-consumer-group") {
  TEST_CASE("a kafkit group member reads every message and its commits are librdkafka's to read") {
    RdKafkaMockCluster cluster(3);
    const std::string topic = "solo";
    cluster.create_topic(topic, 4);
    produce(cluster.bootstrap_servers(), topic, 4, 400);

    std::vector<TopicPartition> assigned;
    ConsumerCallbacks cb;
    cb.on_assigned = [&](const std::vector<TopicPartition>& p) {
      assigned.insert(assigned.end(), p.begin(), p.end());
    };
    kafkit::Consumer consumer(member_config(cluster.bootstrap_servers(), "solo-group", "range"),
                              cb);
    REQUIRE(consumer.subscribe({topic}).ok());
    std::map<std::int32_t, std::int64_t> next;
    int received = 0;
    auto deadline = Clock::now() + 30s;
    while (received < 400 && Clock::now() < deadline) {
      PollResult got = consumer.poll(100ms);
      for (const auto& e : got.events)
        MESSAGE("event " << int(e.type) << " " << (e.error ? e.error->message : ""));
      for (const ConsumerRecord& r : got.records) {
        CHECK(r.offset == next[r.partition]);
        next[r.partition] = r.offset + 1;
        ++received;
      }
    }
    CHECK(received == 400);
    CHECK(partitions_of(assigned) == std::set<std::int32_t>{0, 1, 2, 3});
    CHECK(!consumer.member_id().empty());
    REQUIRE(consumer.commit().ok());
    REQUIRE(consumer.close(10s).ok());

    // librdkafka, as a member of no group, reads the group's committed offsets.
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", cluster.bootstrap_servers().c_str(), err,
                      sizeof err);
    rd_kafka_conf_set(conf, "group.id", "solo-group", err, sizeof err);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    REQUIRE(rk != nullptr);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(4);
    for (int p = 0; p < 4; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
    REQUIRE(rd_kafka_committed(rk, list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    for (int i = 0; i < list->cnt; ++i) {
      CHECK(list->elems[i].err == RD_KAFKA_RESP_ERR_NO_ERROR);
      CHECK(list->elems[i].offset == 100);
    }
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }

  TEST_CASE("kafkit and librdkafka consumers share one group's partitions (mock coordinator)") {
    for (const std::string strategy : {"range", "cooperative-sticky"}) {
      CAPTURE(strategy);
      RdKafkaMockCluster cluster(3);
      cluster.create_topic("shared", 6);
      mixed_group(cluster.bootstrap_servers(), "shared", 6, strategy);
    }
  }

  TEST_CASE("kafkit and librdkafka consumers share one group's partitions (kafkit-broker)") {
    for (const std::string strategy : {"range", "cooperative-sticky"}) {
      CAPTURE(strategy);
      broker::test::RunningBroker b(
          Properties{{"num.partitions", "6"}, {"group.initial.rebalance.delay.ms", "0"}});
      mixed_group("127.0.0.1:" + std::to_string(b.port()), "shared", 6, strategy);
    }
  }
}

}  // namespace kafkit::test
