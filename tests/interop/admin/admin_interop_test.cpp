// kafkit's admin client against librdkafka's mock cluster (a second implementation of the
// broker side): describe cluster and topics, list offsets at the partitions' leaders, and
// group offsets at the coordinator, with errors the mock injects retried within a call.
#include <doctest/doctest.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "kafkit/admin.hpp"
#include "kafkit/producer.hpp"
#include "rdkafka_mock_cluster.hpp"

namespace kafkit::test {
namespace {

/// The error's message, for REQUIRE_MESSAGE (which may evaluate it on success, with -s).
template <class R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().message;
}

using namespace std::chrono_literals;

constexpr std::int16_t kOffsetFetch = 9;

Config admin_config(const RdKafkaMockCluster& cluster) {
  return {{"bootstrap.servers", cluster.bootstrap_servers()}, {"retry.backoff.ms", "20"}};
}

/// Writes `n` records to topic [partition] with kafkit's producer.
void produce(const RdKafkaMockCluster& cluster, const std::string& topic, std::int32_t partition,
             int n) {
  Producer p({{"bootstrap.servers", cluster.bootstrap_servers()}, {"linger.ms", "1"}});
  for (int i = 0; i < n; ++i) {
    std::string v = "v" + std::to_string(i);
    auto r = p.send({.topic = topic, .partition = partition, .value = v});
    REQUIRE_MESSAGE(r.ok(), why(r));
  }
  auto f = p.flush(30s);
  REQUIRE_MESSAGE(f.ok(), why(f));
}

}  // namespace

TEST_SUITE("interop-admin") {
  TEST_CASE("interop-admin: describe the mock's cluster and topics") {
    RdKafkaMockCluster cluster(3);
    cluster.create_topic("t", 4);
    Admin admin(admin_config(cluster));

    auto d = admin.describe_cluster(10s);
    REQUIRE_MESSAGE(d.ok(), why(d));
    std::vector<std::int32_t> ids;
    for (const auto& b : d->brokers) ids.push_back(b.id);
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<std::int32_t>{1, 2, 3});
    // librdkafka 2.0.2's mock names no real controller (0, with brokers 1..3), and it does
    // not serve CreateTopics: the call goes to any broker and fails at once, not at its
    // timeout.
    auto start = std::chrono::steady_clock::now();
    auto created = admin.create_topics({{"new", 1, 1}}, false, 10s);
    CHECK_FALSE(created.ok());
    if (!created.ok()) CHECK(created.error().code == 35);  // UNSUPPORTED_VERSION
    CHECK(std::chrono::steady_clock::now() - start < 5s);

    auto topics = admin.describe_topics({"t"}, false, 10s);
    REQUIRE_MESSAGE(topics.ok(), why(topics));
    REQUIRE(topics->size() == 1);
    CHECK(topics->at(0).error.ok());
    REQUIRE(topics->at(0).partitions.size() == 4);
    for (std::int32_t p = 0; p < 4; ++p) {
      const auto& desc = topics->at(0).partitions[static_cast<size_t>(p)];
      CHECK(desc.partition == p);
      CHECK(desc.leader >= 1);
      CHECK(desc.leader <= 3);
      CHECK_FALSE(desc.replicas.empty());
    }

    cluster.set_topic_error("t", RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
    auto refused = admin.describe_topics({"t"}, false, 10s);
    REQUIRE(refused.ok());
    CHECK(refused->at(0).error.code == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  }

  TEST_CASE("interop-admin: list offsets at each partition's leader, through a leader move") {
    RdKafkaMockCluster cluster(3);
    cluster.create_topic("log", 2);
    produce(cluster, "log", 0, 5);
    produce(cluster, "log", 1, 3);
    Admin admin(admin_config(cluster));

    auto found = admin.list_offsets(
        {{"log", 0, offsets::beginning}, {"log", 0, offsets::end}, {"log", 1, offsets::end}}, 10s);
    REQUIRE_MESSAGE(found.ok(), why(found));
    REQUIRE(found->size() == 3);
    CHECK(found->at(0).error.ok());
    CHECK(found->at(0).offset == 0);
    CHECK(found->at(1).offset == 5);
    CHECK(found->at(2).offset == 3);

    // The old leader answers NOT_LEADER_OR_FOLLOWER; metadata names the new one.
    cluster.set_partition_leader("log", 0, 3);
    cluster.push_request_errors(api_key::list_offsets, {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                                        RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE});
    auto moved = admin.list_offsets({{"log", 0, offsets::end}}, 10s);
    REQUIRE_MESSAGE(moved.ok(), why(moved));
    CHECK(moved->at(0).error.ok());
    CHECK(moved->at(0).offset == 5);
  }

  TEST_CASE("interop-admin: group offsets at the coordinator, through coordinator errors") {
    RdKafkaMockCluster cluster(3);
    cluster.create_topic("g", 2);
    produce(cluster, "g", 0, 4);
    Admin admin(admin_config(cluster));

    cluster.push_request_errors(api_key::find_coordinator,
                                {RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE});
    auto set = admin.alter_group_offsets("grp", {{"g", 0, 2}, {"g", 1, 0}}, 10s);
    REQUIRE_MESSAGE(set.ok(), why(set));
    CHECK(set->at(0).error.ok());
    CHECK(set->at(1).error.ok());

    cluster.push_request_errors(kOffsetFetch, {RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                               RD_KAFKA_RESP_ERR_NOT_COORDINATOR});
    auto read = admin.list_group_offsets("grp", {{"g", 0}, {"g", 1}}, 10s);
    REQUIRE_MESSAGE(read.ok(), why(read));
    REQUIRE(read->size() == 2);
    CHECK(read->at(0).offset == 2);
    CHECK(read->at(1).offset == 0);

    auto reset = admin.reset_group_offsets("grp", {{"g", 0}}, OffsetResetSpec::latest(), 10s);
    REQUIRE_MESSAGE(reset.ok(), why(reset));
    CHECK(reset->at(0).error.ok());
    CHECK(reset->at(0).offset == 4);
    read = admin.list_group_offsets("grp", {{"g", 0}}, 10s);
    REQUIRE(read.ok());
    CHECK(read->at(0).offset == 4);
  }
}

}  // namespace kafkit::test
