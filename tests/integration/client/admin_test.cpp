// kafkit's admin client against the reference broker, in-process: every call, the
// per-resource errors Kafka returns (topic exists, unknown topic, invalid partitions,
// non-empty group), routing on three nodes (controller, partition leaders, coordinators)
// and retries of injected retriable errors within a call's timeout.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../broker/broker_fixture.hpp"
#include "kafkit/admin.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"
#include "protocol/messages/error_codes.hpp"
#include "protocol/messages/find_coordinator.hpp"
#include "protocol/messages/list_groups.hpp"
#include "protocol/messages/list_offsets.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::test {
namespace {

/// The error's message, for REQUIRE_MESSAGE (which may evaluate it on success, with -s).
template <class R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().message;
}

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using protocol::ErrorCode;
using Clock = std::chrono::steady_clock;

constexpr int code(ErrorCode c) {
  return static_cast<int>(c);
}

Config admin_config(const RunningBroker& b) {
  return {{"bootstrap.servers", b.cluster->bootstrap_servers()}, {"retry.backoff.ms", "20"}};
}

/// Writes `n` records to `topic` [partition], timestamps ts0, ts0+1000, ...
void produce(const RunningBroker& b, const std::string& topic, std::int32_t partition, int n,
             std::int64_t ts0) {
  Producer p({{"bootstrap.servers", b.cluster->bootstrap_servers()}, {"linger.ms", "1"}});
  for (int i = 0; i < n; ++i) {
    std::string v = "v" + std::to_string(i);
    auto r =
        p.send({.topic = topic, .partition = partition, .value = v, .timestamp = ts0 + i * 1000});
    REQUIRE_MESSAGE(r.ok(), why(r));
  }
  auto f = p.flush(30s);
  REQUIRE_MESSAGE(f.ok(), why(f));
}

/// Creates topics that must not exist yet.
void create(Admin& admin, const std::vector<NewTopic>& topics) {
  auto r = admin.create_topics(topics);
  REQUIRE_MESSAGE(r.ok(), why(r));
  for (const auto& t : *r) CHECK_MESSAGE(t.error.ok(), t.topic, ": ", t.error.message);
}

const TopicResult& by_topic(const std::vector<TopicResult>& v, const std::string& name) {
  auto it = std::find_if(v.begin(), v.end(), [&](const TopicResult& t) { return t.topic == name; });
  REQUIRE(it != v.end());
  return *it;
}

const PartitionOffset& by_partition(const std::vector<PartitionOffset>& v, const std::string& topic,
                                    std::int32_t partition) {
  auto it = std::find_if(v.begin(), v.end(), [&](const PartitionOffset& o) {
    return o.topic == topic && o.partition == partition;
  });
  REQUIRE(it != v.end());
  return *it;
}

}  // namespace

TEST_SUITE("admin") {
  TEST_CASE("admin: an unknown property or a missing bootstrap.servers throws") {
    CHECK_THROWS_AS(Admin({{"bootstrap.servers", "127.0.0.1:1"}, {"linger.ms", "5"}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(Admin(Config{}), std::invalid_argument);
    bool has_timeout = false;
    for (const auto& p : Admin::properties()) has_timeout |= p.name == "request.timeout.ms";
    CHECK(has_timeout);
  }

  TEST_CASE("admin: an unreachable cluster fails the call at its timeout") {
    Admin admin({{"bootstrap.servers", "127.0.0.1:1"}, {"retry.backoff.ms", "20"}});
    auto start = Clock::now();
    auto r = admin.describe_cluster(500ms);
    CHECK_FALSE(r.ok());
    CHECK(Clock::now() - start < 5s);
  }

  TEST_CASE("admin: create, describe, grow and delete topics, with per-topic errors") {
    RunningBroker b;
    Admin admin(admin_config(b));

    auto created = admin.create_topics(
        {{"orders", 2, 1, {{"retention.ms", "3600000"}}}, {"defaults"}, {"bad", 0, 1}});
    REQUIRE_MESSAGE(created.ok(), why(created));
    REQUIRE(created->size() == 3);
    CHECK(by_topic(*created, "orders").error.ok());
    CHECK(by_topic(*created, "defaults").error.ok());
    CHECK(by_topic(*created, "bad").error.code == code(ErrorCode::InvalidPartitions));
    CHECK_FALSE(by_topic(*created, "bad").error.message.empty());

    auto again = admin.create_topics({{"orders", 2, 1}});
    REQUIRE(again.ok());
    CHECK(again->at(0).error.code == code(ErrorCode::TopicAlreadyExists));

    auto validated = admin.create_topics({{"dry", 3, 1}}, /*validate_only=*/true);
    REQUIRE(validated.ok());
    CHECK(validated->at(0).error.ok());

    auto described = admin.describe_topics({"orders", "dry", "defaults"}, /*configs=*/true);
    REQUIRE_MESSAGE(described.ok(), why(described));
    REQUIRE(described->size() == 3);
    const TopicDescription& orders = described->at(0);
    CHECK(orders.name == "orders");
    CHECK(orders.error.ok());
    CHECK_FALSE(orders.internal);
    REQUIRE(orders.partitions.size() == 2);
    for (const auto& p : orders.partitions) {
      CHECK(p.leader == b.cluster->node_ids().at(0));
      CHECK(p.replicas == std::vector<std::int32_t>{p.leader});
      CHECK(p.isr == std::vector<std::int32_t>{p.leader});
    }
    auto retention = std::find_if(orders.configs.begin(), orders.configs.end(),
                                  [](const ConfigEntry& c) { return c.name == "retention.ms"; });
    REQUIRE(retention != orders.configs.end());
    CHECK(retention->value == "3600000");
    CHECK_FALSE(retention->is_default);
    CHECK(described->at(1).error.code == code(ErrorCode::UnknownTopicOrPartition));
    CHECK(described->at(2).error.ok());
    CHECK_FALSE(described->at(2).partitions.empty());

    auto all = admin.describe_topics({});
    REQUIRE(all.ok());
    CHECK(std::any_of(all->begin(), all->end(),
                      [](const TopicDescription& d) { return d.name == "defaults"; }));

    auto grown = admin.create_partitions({{"orders", 4}, {"defaults", 1}, {"missing", 3}});
    REQUIRE_MESSAGE(grown.ok(), why(grown));
    CHECK(by_topic(*grown, "orders").error.ok());
    CHECK(by_topic(*grown, "defaults").error.code == code(ErrorCode::InvalidPartitions));
    CHECK(by_topic(*grown, "missing").error.code == code(ErrorCode::UnknownTopicOrPartition));
    auto after = admin.describe_topics({"orders"});
    REQUIRE(after.ok());
    CHECK(after->at(0).partitions.size() == 4);

    auto deleted = admin.delete_topics({"orders", "missing"});
    REQUIRE_MESSAGE(deleted.ok(), why(deleted));
    CHECK(by_topic(*deleted, "orders").error.ok());
    CHECK(by_topic(*deleted, "missing").error.code == code(ErrorCode::UnknownTopicOrPartition));
    auto gone = admin.describe_topics({"orders"});
    REQUIRE(gone.ok());
    CHECK(gone->at(0).error.code == code(ErrorCode::UnknownTopicOrPartition));
  }

  TEST_CASE("admin: describe configs of topics and brokers; alter configs") {
    RunningBroker b;
    Admin admin(admin_config(b));
    create(admin, {{"cfg", 1, 1, {{"cleanup.policy", "compact"}}}});

    std::string node = std::to_string(b.cluster->node_ids().at(0));
    auto r = admin.describe_configs({{ConfigResourceType::topic, "cfg"},
                                     {ConfigResourceType::broker, node},
                                     {ConfigResourceType::topic, "nope"},
                                     {ConfigResourceType::broker, "99"}});
    REQUIRE_MESSAGE(r.ok(), why(r));
    REQUIRE(r->size() == 4);
    CHECK(r->at(3).error.code == errc::invalid_argument);  // no broker 99: at once
    CHECK(r->at(0).error.ok());
    auto policy = std::find_if(r->at(0).entries.begin(), r->at(0).entries.end(),
                               [](const ConfigEntry& c) { return c.name == "cleanup.policy"; });
    REQUIRE(policy != r->at(0).entries.end());
    CHECK(policy->value == "compact");
    CHECK(r->at(1).error.ok());
    CHECK_FALSE(r->at(1).entries.empty());
    CHECK(r->at(2).error.code == code(ErrorCode::UnknownTopicOrPartition));

    // IncrementalAlterConfigs, then DescribeConfigs shows the change; per-resource errors.
    auto altered = admin.incremental_alter_configs(
        {{{ConfigResourceType::topic, "cfg"},
          {{"retention.ms", AlterConfigOp::set, "1000"},
           {"cleanup.policy", AlterConfigOp::remove}}},
         {{ConfigResourceType::topic, "nope"}, {{"retention.ms", AlterConfigOp::set, "1"}}},
         {{ConfigResourceType::broker, node}, {{"log.retention.ms", AlterConfigOp::set, "1"}}}});
    REQUIRE_MESSAGE(altered.ok(), why(altered));
    REQUIRE(altered->size() == 3);
    CHECK(altered->at(0).error.ok());
    CHECK(altered->at(1).error.code == code(ErrorCode::UnknownTopicOrPartition));
    CHECK(altered->at(2).error.code == code(ErrorCode::InvalidRequest));
    auto value_of = [&](const std::string& name) -> std::optional<ConfigEntry> {
      auto d = admin.describe_configs({{ConfigResourceType::topic, "cfg"}});
      REQUIRE_MESSAGE(d.ok(), why(d));
      for (const ConfigEntry& e : d->at(0).entries)
        if (e.name == name) return e;
      return std::nullopt;
    };
    auto retention = value_of("retention.ms");
    REQUIRE(retention.has_value());
    CHECK(retention->value == "1000");
    CHECK(retention->source == 1);
    auto cleanup = value_of("cleanup.policy");
    REQUIRE(cleanup.has_value());
    CHECK(cleanup->value == "delete");
    CHECK(cleanup->is_default);

    // validate_only checks (a bad value is INVALID_CONFIG) and changes nothing.
    auto checked = admin.incremental_alter_configs(
        {{{ConfigResourceType::topic, "cfg"}, {{"retention.ms", AlterConfigOp::set, "2000"}}},
         {{ConfigResourceType::topic, "cfg2"}, {{"retention.ms", AlterConfigOp::set, "x"}}}},
        true);
    REQUIRE_MESSAGE(checked.ok(), why(checked));
    CHECK(checked->at(0).error.ok());
    CHECK(checked->at(1).error.code != 0);
    CHECK(value_of("retention.ms")->value == "1000");
  }

  TEST_CASE("admin: list offsets, delete records and describe the cluster on three nodes") {
    RunningBroker b({}, 3);
    Admin admin(admin_config(b));
    create(admin, {{"log", 3, 1}});
    const std::int64_t ts0 = 1700000000000;
    for (std::int32_t p = 0; p < 3; ++p) produce(b, "log", p, 10, ts0);
    // Partitions are led by different nodes: each ListOffsets must reach its leader.
    REQUIRE(b.cluster->move_leader("log", 1, b.cluster->node_ids().at(2)).ok());

    auto cluster = admin.describe_cluster();
    REQUIRE_MESSAGE(cluster.ok(), why(cluster));
    CHECK(cluster->brokers.size() == 3);
    CHECK_FALSE(cluster->cluster_id.empty());
    CHECK(std::any_of(cluster->brokers.begin(), cluster->brokers.end(),
                      [&](const BrokerDescription& d) { return d.id == cluster->controller; }));

    std::vector<TopicPartitionOffset> query;
    for (std::int32_t p = 0; p < 3; ++p) {
      query.push_back({"log", p, offsets::beginning});
      query.push_back({"log", p, offsets::end});
    }
    auto found = admin.list_offsets(query);
    REQUIRE_MESSAGE(found.ok(), why(found));
    REQUIRE(found->size() == 6);
    for (size_t i = 0; i < 6; ++i) {
      CHECK(found->at(i).error.ok());
      CHECK(found->at(i).offset == (i % 2 == 0 ? 0 : 10));
    }
    auto by_time = admin.list_offsets({{"log", 1, ts0 + 4500},
                                       {"log", 2, ts0 + 99000},
                                       {"log", 7, offsets::end},
                                       {"nope", 0, offsets::end}});
    REQUIRE(by_time.ok());
    CHECK(by_time->at(0).offset == 5);
    CHECK(by_time->at(0).timestamp == ts0 + 5000);
    CHECK(by_time->at(1).offset == -1);
    CHECK(by_time->at(2).error.code == code(ErrorCode::UnknownTopicOrPartition));
    CHECK(by_time->at(3).error.code == code(ErrorCode::UnknownTopicOrPartition));

    auto trimmed = admin.delete_records({{"log", 0, 4}, {"log", 1, offsets::end}, {"log", 9, 1}});
    REQUIRE_MESSAGE(trimmed.ok(), why(trimmed));
    CHECK(by_partition(*trimmed, "log", 0).offset == 4);
    CHECK(by_partition(*trimmed, "log", 1).offset == 10);
    CHECK(by_partition(*trimmed, "log", 9).error.code == code(ErrorCode::UnknownTopicOrPartition));
    auto earliest = admin.list_offsets({{"log", 0, offsets::beginning}});
    REQUIRE(earliest.ok());
    CHECK(earliest->at(0).offset == 4);
  }

  TEST_CASE("admin: groups — list, describe, offsets, reset and delete") {
    RunningBroker b(Properties{{"group.initial.rebalance.delay.ms", "0"}});
    Admin admin(admin_config(b));
    create(admin, {{"events", 2, 1}});
    const std::int64_t ts0 = 1700000000000;
    produce(b, "events", 0, 10, ts0);
    produce(b, "events", 1, 10, ts0);

    auto member =
        std::make_unique<Consumer>(Config{{"bootstrap.servers", b.cluster->bootstrap_servers()},
                                          {"group.id", "g1"},
                                          {"session.timeout.ms", "6000"},
                                          {"heartbeat.interval.ms", "100"},
                                          {"auto.offset.reset", "earliest"},
                                          {"enable.auto.commit", "false"}});
    REQUIRE(member->subscribe({"events"}).ok());
    auto until = Clock::now() + 20s;
    while (member->assignment().size() < 2 && Clock::now() < until) (void)member->poll(20ms);
    REQUIRE(member->assignment().size() == 2);

    auto listed = admin.list_groups();
    REQUIRE_MESSAGE(listed.ok(), why(listed));
    auto g = std::find_if(listed->begin(), listed->end(),
                          [](const GroupListing& l) { return l.group_id == "g1"; });
    REQUIRE(g != listed->end());
    CHECK(g->protocol_type == "consumer");

    auto described = admin.describe_groups({"g1", "nobody"});
    REQUIRE_MESSAGE(described.ok(), why(described));
    REQUIRE(described->size() == 2);
    CHECK(described->at(0).error.ok());
    CHECK(described->at(0).state == "Stable");
    CHECK(described->at(0).protocol_type == "consumer");
    REQUIRE(described->at(0).members.size() == 1);
    CHECK(described->at(0).members[0].member_id == member->member_id());
    std::vector<TopicPartition> assigned = described->at(0).members[0].assignment;
    std::sort(assigned.begin(), assigned.end());
    CHECK(assigned == std::vector<TopicPartition>{{"events", 0}, {"events", 1}});
    CHECK(described->at(1).state == "Dead");

    auto refused = admin.delete_groups({"g1"});
    REQUIRE(refused.ok());
    CHECK(refused->at(0).error.code == code(ErrorCode::NonEmptyGroup));
    // A commit from outside an active group is refused per partition.
    auto outside = admin.alter_group_offsets("g1", {{"events", 0, 3}});
    REQUIRE(outside.ok());
    CHECK_FALSE(outside->at(0).error.ok());

    REQUIRE(member->close(10s).ok());
    member.reset();

    auto set = admin.alter_group_offsets("g1", {{"events", 0, 3}, {"events", 1, 7}});
    REQUIRE_MESSAGE(set.ok(), why(set));
    CHECK(set->at(0).error.ok());
    CHECK(set->at(1).error.ok());
    auto offsets = admin.list_group_offsets("g1");
    REQUIRE_MESSAGE(offsets.ok(), why(offsets));
    CHECK(by_partition(*offsets, "events", 0).offset == 3);
    CHECK(by_partition(*offsets, "events", 1).offset == 7);
    auto one = admin.list_group_offsets("g1", {{"events", 1}});
    REQUIRE(one.ok());
    REQUIRE(one->size() == 1);
    CHECK(one->at(0).offset == 7);

    auto earliest = admin.reset_group_offsets("g1", {}, OffsetResetSpec::earliest());
    REQUIRE_MESSAGE(earliest.ok(), why(earliest));
    CHECK(by_partition(*earliest, "events", 0).offset == 0);
    CHECK(by_partition(*earliest, "events", 1).offset == 0);
    auto latest = admin.reset_group_offsets("g1", {{"events", 0}}, OffsetResetSpec::latest());
    REQUIRE(latest.ok());
    CHECK(latest->at(0).offset == 10);
    auto by_time = admin.reset_group_offsets("g1", {{"events", 0}, {"events", 1}},
                                             OffsetResetSpec::at_time(ts0 + 2000));
    REQUIRE(by_time.ok());
    CHECK(by_partition(*by_time, "events", 0).offset == 2);
    auto exact = admin.reset_group_offsets("g1", {{"events", 1}}, OffsetResetSpec::to_offset(5));
    REQUIRE(exact.ok());
    offsets = admin.list_group_offsets("g1");
    REQUIRE(offsets.ok());
    CHECK(by_partition(*offsets, "events", 0).offset == 2);
    CHECK(by_partition(*offsets, "events", 1).offset == 5);

    auto deleted = admin.delete_groups({"g1", "nobody"});
    REQUIRE(deleted.ok());
    CHECK(deleted->at(0).error.ok());
    CHECK(deleted->at(1).error.code == code(ErrorCode::GroupIdNotFound));
  }

  TEST_CASE("admin: retriable errors are retried within the call's timeout") {
    RunningBroker b({}, 3);
    Admin admin(admin_config(b));
    create(admin, {{"r", 2, 1}});
    produce(b, "r", 0, 5, 1700000000000);

    REQUIRE(b.cluster
                ->inject_errors(protocol::ListOffsetsRequest::api_key,
                                code(ErrorCode::NotLeaderOrFollower), 2, "r", 0)
                .ok());
    auto found = admin.list_offsets({{"r", 0, offsets::end}});
    REQUIRE(found.ok());
    CHECK(found->at(0).error.ok());
    CHECK(found->at(0).offset == 5);

    REQUIRE(b.cluster
                ->inject_errors(protocol::FindCoordinatorRequest::api_key,
                                code(ErrorCode::CoordinatorNotAvailable), 2)
                .ok());
    auto set = admin.alter_group_offsets("rg", {{"r", 0, 2}});
    REQUIRE_MESSAGE(set.ok(), why(set));
    CHECK(set->at(0).error.ok());

    REQUIRE(b.cluster
                ->inject_errors(protocol::ListGroupsRequest::api_key,
                                code(ErrorCode::CoordinatorLoadInProgress), 2)
                .ok());
    auto listed = admin.list_groups();
    REQUIRE_MESSAGE(listed.ok(), why(listed));
    CHECK(std::any_of(listed->begin(), listed->end(),
                      [](const GroupListing& l) { return l.group_id == "rg"; }));

    // A topic whose leader is not known yet is described again until it is.
    REQUIRE(b.cluster
                ->inject_errors(protocol::MetadataRequest::api_key,
                                code(ErrorCode::LeaderNotAvailable), 2, "r")
                .ok());
    auto described = admin.describe_topics({"r"});
    REQUIRE(described.ok());
    CHECK(described->at(0).error.ok());
    CHECK(described->at(0).partitions.size() == 2);

    // A retriable error that does not go away is reported when the call's timeout passes.
    REQUIRE(b.cluster
                ->inject_errors(protocol::ListOffsetsRequest::api_key,
                                code(ErrorCode::NotLeaderOrFollower), 1000, "r", 1)
                .ok());
    auto start = Clock::now();
    auto stuck = admin.list_offsets({{"r", 1, offsets::end}}, 1500ms);
    REQUIRE_MESSAGE(stuck.ok(), why(stuck));
    CHECK(stuck->at(0).error.code == code(ErrorCode::NotLeaderOrFollower));
    CHECK(Clock::now() - start < 6s);
    b.cluster->clear_faults();
  }

  TEST_CASE("admin: topic changes still go through when the controller node is down") {
    RunningBroker b({}, 3);
    Admin admin(admin_config(b));
    auto before = admin.describe_cluster();
    REQUIRE_MESSAGE(before.ok(), why(before));
    REQUIRE(b.cluster->stop_node(before->controller, /*elect_new_leaders=*/true).ok());
    auto start = Clock::now();
    create(admin, {{"after", 2, 1}});
    CHECK(Clock::now() - start < 10s);
    auto deleted = admin.delete_topics({"after"});
    REQUIRE_MESSAGE(deleted.ok(), why(deleted));
    CHECK(deleted->at(0).error.ok());
  }

  TEST_CASE("admin: calls from several threads at once") {
    RunningBroker b({}, 3);
    Admin admin(admin_config(b));
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&admin, &ok, t] {
        std::string name = "c" + std::to_string(t);
        auto created = admin.create_topics({{name, 2, 1}});
        if (!created.ok() || !created->at(0).error.ok()) return;
        auto found = admin.list_offsets({{name, 1, offsets::end}});
        auto groups = admin.list_group_offsets("g" + name, {{name, 0}});
        if (found.ok() && found->at(0).error.ok() && groups.ok()) ++ok;
      });
    for (auto& th : threads) th.join();
    CHECK(ok == 4);
  }
}

}  // namespace kafkit::test
