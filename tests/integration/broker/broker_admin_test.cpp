// The reference broker's admin APIs over real loopback sockets, each at the oldest and the
// newest version it advertises: CreateTopics, DescribeConfigs, CreatePartitions,
// DeleteRecords, ListOffsets, DeleteTopics, FindCoordinator and DescribeCluster, with the
// error codes and messages a Kafka (KRaft) broker gives.
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>

#include "broker_fixture.hpp"
#include "protocol/messages/create_partitions.hpp"
#include "protocol/messages/create_topics.hpp"
#include "protocol/messages/delete_records.hpp"
#include "protocol/messages/delete_topics.hpp"
#include "protocol/messages/describe_cluster.hpp"
#include "protocol/messages/describe_configs.hpp"
#include "protocol/messages/find_coordinator.hpp"
#include "protocol/messages/list_offsets.hpp"

namespace kafkit::broker::test {
namespace {

using namespace protocol;

constexpr int16_t kNone = 0, kOffsetOutOfRange = 1, kUnknownTopic = 3, kNotLeader = 6,
                  kInvalidTopic = 17, kTopicExists = 36, kInvalidPartitions = 37,
                  kInvalidReplicationFactor = 38, kInvalidReplicaAssignment = 39,
                  kInvalidConfig = 40, kInvalidRequest = 42, kPolicyViolation = 44,
                  kTopicDeletionDisabled = 73, kUnknownLeaderEpoch = 75, kUnknownTopicId = 100,
                  kMismatchedEndpoint = 114, kUnsupportedEndpoint = 115;

// ---- request builders ----

CreateTopicsRequest::CreatableTopic new_topic(
    const std::string& name, int32_t partitions, int16_t rf,
    std::vector<std::pair<std::string, std::string>> configs = {}) {
  CreateTopicsRequest::CreatableTopic t;
  t.name = name;
  t.num_partitions = partitions;
  t.replication_factor = rf;
  for (auto& [k, v] : configs) t.configs.push_back({k, v, {}});
  return t;
}

CreateTopicsResponse create_topics(TestClient& c,
                                   std::vector<CreateTopicsRequest::CreatableTopic> ts,
                                   int16_t version = 7, bool validate_only = false) {
  CreateTopicsRequest req;
  req.topics = std::move(ts);
  req.timeout_ms = 10000;
  req.validate_only = validate_only;
  return c.call<CreateTopicsResponse>(req, version);
}

const CreateTopicsResponse::CreatableTopicResult& result_for(const CreateTopicsResponse& r,
                                                             const std::string& name) {
  auto it =
      std::find_if(r.topics.begin(), r.topics.end(), [&](const auto& t) { return t.name == name; });
  REQUIRE_MESSAGE(it != r.topics.end(), "no result for " << name);
  return *it;
}

int16_t create_one(TestClient& c, const std::string& name, int32_t partitions = 1, int16_t rf = 1,
                   std::vector<std::pair<std::string, std::string>> configs = {}) {
  auto r = create_topics(c, {new_topic(name, partitions, rf, std::move(configs))});
  REQUIRE(r.topics.size() == 1);
  return r.topics[0].error_code;
}

ListOffsetsResponse list_offsets(TestClient& c, const std::string& topic,
                                 std::vector<std::pair<int32_t, int64_t>> parts,
                                 int16_t version = 10, int32_t current_leader_epoch = -1) {
  ListOffsetsRequest req;
  req.replica_id = -1;
  ListOffsetsRequest::ListOffsetsTopic t;
  t.name = topic;
  for (auto [p, ts] : parts) {
    ListOffsetsRequest::ListOffsetsPartition lp;
    lp.partition_index = p;
    lp.timestamp = ts;
    lp.current_leader_epoch = current_leader_epoch;
    t.partitions.push_back(lp);
  }
  req.topics.push_back(std::move(t));
  req.timeout_ms = 5000;
  return c.call<ListOffsetsResponse>(req, version);
}

ListOffsetsResponse::ListOffsetsPartitionResponse offset_of(TestClient& c, const std::string& topic,
                                                            int32_t partition, int64_t ts,
                                                            int16_t version = 10) {
  auto r = list_offsets(c, topic, {{partition, ts}}, version);
  REQUIRE(r.topics.size() == 1);
  REQUIRE(r.topics[0].partitions.size() == 1);
  return r.topics[0].partitions[0];
}

DescribeConfigsResponse describe_configs(TestClient& c, int8_t type, const std::string& name,
                                         std::optional<std::vector<std::string>> keys,
                                         int16_t version = 4, bool synonyms = false,
                                         bool docs = false) {
  DescribeConfigsRequest req;
  req.resources.push_back({type, name, std::move(keys), {}});
  req.include_synonyms = synonyms;
  req.include_documentation = docs;
  return c.call<DescribeConfigsResponse>(req, version);
}

const DescribeConfigsResponse::DescribeConfigsResourceResult* config_named(
    const DescribeConfigsResponse::DescribeConfigsResult& r, const std::string& name) {
  for (const auto& e : r.configs)
    if (e.name == name) return &e;
  return nullptr;
}

CreatePartitionsResponse create_partitions(
    TestClient& c, const std::string& topic, int32_t count, int16_t version = 3,
    bool validate_only = false,
    std::optional<std::vector<std::vector<int32_t>>> assignments = std::nullopt) {
  CreatePartitionsRequest req;
  CreatePartitionsRequest::CreatePartitionsTopic t;
  t.name = topic;
  t.count = count;
  if (assignments) {
    t.assignments.emplace();
    for (auto& ids : *assignments) t.assignments->push_back({ids, {}});
  } else {
    t.assignments = std::nullopt;
  }
  req.topics.push_back(std::move(t));
  req.timeout_ms = 10000;
  req.validate_only = validate_only;
  return c.call<CreatePartitionsResponse>(req, version);
}

DeleteRecordsResponse::DeleteRecordsPartitionResult delete_records(TestClient& c,
                                                                   const std::string& topic,
                                                                   int32_t partition,
                                                                   int64_t offset,
                                                                   int16_t version = 2) {
  DeleteRecordsRequest req;
  DeleteRecordsRequest::DeleteRecordsTopic t;
  t.name = topic;
  t.partitions.push_back({partition, offset, {}});
  req.topics.push_back(std::move(t));
  req.timeout_ms = 5000;
  auto r = c.call<DeleteRecordsResponse>(req, version);
  REQUIRE(r.topics.size() == 1);
  REQUIRE(r.topics[0].partitions.size() == 1);
  return r.topics[0].partitions[0];
}

DeleteTopicsResponse delete_by_name(TestClient& c, std::vector<std::string> names,
                                    int16_t version = 6) {
  DeleteTopicsRequest req;
  req.timeout_ms = 10000;
  if (version < 6)
    req.topic_names = std::move(names);
  else
    for (auto& n : names) req.topics.push_back({n, Uuid{}, {}});
  return c.call<DeleteTopicsResponse>(req, version);
}

int16_t produce_values(TestClient& c, const std::string& topic, int32_t partition,
                       const std::vector<std::string>& values, int64_t ts) {
  auto resp = c.call<ProduceResponse>(produce_request(topic, partition, make_batch(values, ts)), 9);
  REQUIRE(resp.responses.size() == 1);
  return resp.responses[0].partition_responses.at(0).error_code;
}

// Java's String.hashCode for ASCII keys, and Kafka's Utils.abs.
int32_t java_hash(const std::string& s) {
  uint32_t h = 0;
  for (unsigned char ch : s) h = 31 * h + ch;
  return static_cast<int32_t>(h);
}
uint32_t kafka_abs(int32_t v) {
  return v == INT32_MIN ? 0u : static_cast<uint32_t>(v < 0 ? -v : v);
}

constexpr int64_t kTs = 1700000000000;

// ---- the life of a topic ----

TEST_CASE("admin lifecycle at the newest versions: create, describe, grow, trim, list, delete") {
  RunningBroker b;
  TestClient c(b.port());

  auto created = create_topics(c, {new_topic("orders", 2, 1, {{"retention.ms", "3600000"}})}, 7);
  REQUIRE(created.topics.size() == 1);
  const auto& t = created.topics[0];
  CHECK(t.error_code == kNone);
  CHECK_FALSE(t.error_message.has_value());
  CHECK_FALSE(t.topic_id.is_zero());
  CHECK(t.num_partitions == 2);
  CHECK(t.replication_factor == 1);
  REQUIRE(t.configs.has_value());
  bool saw_retention = false, saw_segment = false;
  for (const auto& cfg : *t.configs) {
    CHECK_FALSE(cfg.read_only);
    CHECK_FALSE(cfg.is_sensitive);
    if (cfg.name == "retention.ms") {
      saw_retention = true;
      CHECK(cfg.value == "3600000");
      CHECK(cfg.config_source == 1);
    }
    if (cfg.name == "segment.bytes") {
      saw_segment = true;
      CHECK(cfg.value == "1073741824");
      CHECK(cfg.config_source == 5);
    }
  }
  CHECK(saw_retention);
  CHECK(saw_segment);

  // DescribeConfigs v4: values, sources, synonyms, types and documentation.
  auto d = describe_configs(c, 2, "orders", std::nullopt, 4, true, true);
  REQUIRE(d.results.size() == 1);
  CHECK(d.results[0].error_code == kNone);
  CHECK(d.results[0].resource_name == "orders");
  const auto* retention = config_named(d.results[0], "retention.ms");
  REQUIRE(retention != nullptr);
  CHECK(retention->value == "3600000");
  CHECK(retention->config_source == 1);
  CHECK(retention->config_type == 5);  // LONG
  CHECK_FALSE(retention->read_only);
  REQUIRE(retention->documentation.has_value());
  CHECK_FALSE(retention->documentation->empty());
  REQUIRE(retention->synonyms.size() == 2);
  CHECK(retention->synonyms[0].name == "retention.ms");
  CHECK(retention->synonyms[0].source == 1);
  CHECK(retention->synonyms[1].name == "log.retention.hours");
  CHECK(retention->synonyms[1].value == "168");
  CHECK(retention->synonyms[1].source == 5);
  const auto* cleanup = config_named(d.results[0], "cleanup.policy");
  REQUIRE(cleanup != nullptr);
  CHECK(cleanup->value == "delete");
  CHECK(cleanup->config_source == 5);
  CHECK(cleanup->config_type == 7);  // LIST

  // Only the named keys; an unknown key is simply absent. Without the flags no synonyms and
  // no documentation.
  auto some = describe_configs(c, 2, "orders", std::vector<std::string>{"retention.ms", "nope"});
  REQUIRE(some.results.size() == 1);
  REQUIRE(some.results[0].configs.size() == 1);
  CHECK(some.results[0].configs[0].name == "retention.ms");
  CHECK(some.results[0].configs[0].synonyms.empty());
  CHECK_FALSE(some.results[0].configs[0].documentation.has_value());
  // An empty key list means all of them, as in Kafka.
  auto all = describe_configs(c, 2, "orders", std::vector<std::string>{});
  CHECK(all.results[0].configs.size() == d.results[0].configs.size());

  // Grow to 4 partitions; the new ones answer ListOffsets.
  auto grown = create_partitions(c, "orders", 4, 3);
  REQUIRE(grown.results.size() == 1);
  CHECK(grown.results[0].name == "orders");
  CHECK(grown.results[0].error_code == kNone);
  CHECK_FALSE(grown.results[0].error_message.has_value());
  CHECK(offset_of(c, "orders", 3, -1).error_code == kNone);
  CHECK(offset_of(c, "orders", 4, -1).error_code == kUnknownTopic);

  // Five records with timestamps kTs .. kTs+4 in partition 0.
  REQUIRE(produce_values(c, "orders", 0, {"a", "b", "c", "d", "e"}, kTs) == kNone);

  auto latest = offset_of(c, "orders", 0, -1);
  CHECK(latest.error_code == kNone);
  CHECK(latest.offset == 5);
  CHECK(latest.timestamp == -1);
  CHECK(latest.leader_epoch == 0);
  auto earliest = offset_of(c, "orders", 0, -2);
  CHECK(earliest.offset == 0);
  CHECK(earliest.timestamp == -1);
  auto max_ts = offset_of(c, "orders", 0, -3);
  CHECK(max_ts.offset == 4);
  CHECK(max_ts.timestamp == kTs + 4);
  auto by_time = offset_of(c, "orders", 0, kTs + 2);
  CHECK(by_time.offset == 2);
  CHECK(by_time.timestamp == kTs + 2);
  auto future = offset_of(c, "orders", 0, kTs + 1000000);
  CHECK(future.error_code == kNone);
  CHECK(future.offset == -1);
  CHECK(future.timestamp == -1);
  CHECK(offset_of(c, "orders", 0, -4).offset == 0);
  auto tiered = offset_of(c, "orders", 0, -5);
  CHECK(tiered.error_code == kNone);
  CHECK(tiered.offset == -1);
  CHECK(tiered.timestamp == -1);
  CHECK(tiered.leader_epoch == -1);
  auto empty_max = offset_of(c, "orders", 1, -3);
  CHECK(empty_max.error_code == kNone);
  CHECK(empty_max.offset == -1);

  // DeleteRecords moves the log start; ListOffsets -2 / -4 follow it.
  auto trimmed = delete_records(c, "orders", 0, 3);
  CHECK(trimmed.error_code == kNone);
  CHECK(trimmed.low_watermark == 3);
  CHECK(offset_of(c, "orders", 0, -2).offset == 3);
  CHECK(offset_of(c, "orders", 0, -4).offset == 3);
  // An offset below the log start changes nothing.
  auto below = delete_records(c, "orders", 0, 1);
  CHECK(below.error_code == kNone);
  CHECK(below.low_watermark == 3);
  CHECK(delete_records(c, "orders", 0, 6).error_code == kOffsetOutOfRange);
  CHECK(delete_records(c, "orders", 0, 6).low_watermark == -1);
  CHECK(delete_records(c, "orders", 0, -7).error_code == kOffsetOutOfRange);
  auto to_hw = delete_records(c, "orders", 0, -1);
  CHECK(to_hw.error_code == kNone);
  CHECK(to_hw.low_watermark == 5);
  CHECK(delete_records(c, "orders", 9, 0).error_code == kUnknownTopic);
  CHECK(delete_records(c, "nope", 0, 0).error_code == kUnknownTopic);

  // DeleteTopics v6 by id.
  DeleteTopicsRequest del;
  del.timeout_ms = 10000;
  del.topics.push_back({std::nullopt, t.topic_id, {}});
  auto deleted = c.call<DeleteTopicsResponse>(del, 6);
  REQUIRE(deleted.responses.size() == 1);
  CHECK(deleted.responses[0].error_code == kNone);
  CHECK(deleted.responses[0].name == std::optional<std::string>("orders"));
  CHECK(deleted.responses[0].topic_id == t.topic_id);
  CHECK(offset_of(c, "orders", 0, -1).error_code == kUnknownTopic);
  auto gone = describe_configs(c, 2, "orders", std::nullopt);
  CHECK(gone.results[0].error_code == kUnknownTopic);
  // The same id again is unknown.
  auto again = c.call<DeleteTopicsResponse>(del, 6);
  REQUIRE(again.responses.size() == 1);
  CHECK(again.responses[0].error_code == kUnknownTopicId);
}

TEST_CASE("admin lifecycle at the oldest advertised versions") {
  RunningBroker b;
  TestClient c(b.port());

  auto created = create_topics(c, {new_topic("old", 1, 1)}, 2);
  REQUIRE(created.topics.size() == 1);
  CHECK(created.topics[0].error_code == kNone);

  auto d = describe_configs(c, 2, "old", std::vector<std::string>{"segment.bytes"}, 1, true);
  REQUIRE(d.results.size() == 1);
  REQUIRE(d.results[0].configs.size() == 1);
  CHECK(d.results[0].configs[0].value == "1073741824");
  CHECK(d.results[0].configs[0].config_source == 5);
  REQUIRE(d.results[0].configs[0].synonyms.size() == 1);
  CHECK(d.results[0].configs[0].synonyms[0].name == "log.segment.bytes");

  auto grown = create_partitions(c, "old", 2, 0);
  REQUIRE(grown.results.size() == 1);
  CHECK(grown.results[0].error_code == kNone);

  REQUIRE(produce_values(c, "old", 1, {"x", "y", "z"}, kTs) == kNone);
  auto latest = offset_of(c, "old", 1, -1, 1);
  CHECK(latest.error_code == kNone);
  CHECK(latest.offset == 3);
  CHECK(offset_of(c, "old", 1, kTs + 1, 1).offset == 1);

  auto trimmed = delete_records(c, "old", 1, 2, 0);
  CHECK(trimmed.error_code == kNone);
  CHECK(trimmed.low_watermark == 2);
  CHECK(offset_of(c, "old", 1, -2, 1).offset == 2);

  auto deleted = delete_by_name(c, {"old"}, 1);
  REQUIRE(deleted.responses.size() == 1);
  CHECK(deleted.responses[0].error_code == kNone);
  CHECK(offset_of(c, "old", 0, -1, 1).error_code == kUnknownTopic);
}

// ---- CreateTopics errors ----

TEST_CASE("CreateTopics refuses what Kafka refuses") {
  RunningBroker b;
  TestClient c(b.port());

  SUBCASE("invalid names") {
    for (const std::string& bad :
         std::vector<std::string>{"bad name!", "", ".", "..", std::string(250, 'x')}) {
      auto r = create_topics(c, {new_topic(bad, 1, 1)});
      REQUIRE(r.topics.size() == 1);
      CHECK(r.topics[0].error_code == kInvalidTopic);
      CHECK(r.topics[0].error_message.has_value());
      CHECK(r.topics[0].num_partitions == -1);
    }
  }
  SUBCASE("an existing topic, and one that collides by '.' versus '_'") {
    REQUIRE(create_one(c, "a.b") == kNone);
    auto exists = create_topics(c, {new_topic("a.b", 1, 1)});
    CHECK(exists.topics[0].error_code == kTopicExists);
    CHECK(exists.topics[0].error_message ==
          std::optional<std::string>("Topic 'a.b' already exists."));
    CHECK(create_one(c, "a_b") == kInvalidTopic);
  }
  SUBCASE("duplicate names: one INVALID_REQUEST per name, the others still created") {
    auto r = create_topics(c, {new_topic("dup", 1, 1), new_topic("single", 1, 1),
                               new_topic("dup", 2, 1), new_topic("dup", 1, 1)});
    REQUIRE(r.topics.size() == 2);
    CHECK(result_for(r, "single").error_code == kNone);
    const auto& dup = result_for(r, "dup");
    CHECK(dup.error_code == kInvalidRequest);
    CHECK(dup.error_message == std::optional<std::string>("Duplicate topic name."));
    // Nothing was created for the duplicate.
    CHECK(describe_configs(c, 2, "dup", std::nullopt).results[0].error_code == kUnknownTopic);
  }
  SUBCASE("validate_only checks everything and creates nothing") {
    auto ok = create_topics(c, {new_topic("vo", 3, 1, {{"cleanup.policy", "compact"}})}, 7, true);
    CHECK(ok.topics[0].error_code == kNone);
    CHECK(ok.topics[0].num_partitions == 3);
    CHECK(ok.topics[0].replication_factor == 1);
    CHECK(describe_configs(c, 2, "vo", std::nullopt).results[0].error_code == kUnknownTopic);
    auto bad = create_topics(c, {new_topic("vo", 0, 1)}, 7, true);
    CHECK(bad.topics[0].error_code == kInvalidPartitions);
  }
  SUBCASE("configs: unknown names, bad values and null values are INVALID_CONFIG") {
    CHECK(create_one(c, "c1", 1, 1, {{"no.such.config", "1"}}) == kInvalidConfig);
    CHECK(create_one(c, "c2", 1, 1, {{"retention.ms", "soon"}}) == kInvalidConfig);
    CHECK(create_one(c, "c3", 1, 1, {{"cleanup.policy", "shred"}}) == kInvalidConfig);
    auto t = new_topic("c4", 1, 1);
    t.configs.push_back({"retention.ms", std::nullopt, {}});
    CHECK(create_topics(c, {t}).topics[0].error_code == kInvalidConfig);
  }
  SUBCASE("partition counts and replication factors; -1 is the broker default from v4") {
    CHECK(create_one(c, "p0", 0, 1) == kInvalidPartitions);
    CHECK(create_one(c, "p1", -5, 1) == kInvalidPartitions);
    CHECK(create_one(c, "r0", 1, 0) == kInvalidReplicationFactor);
    CHECK(create_one(c, "r2", 1, 2) == kInvalidReplicationFactor);
    auto def = create_topics(c, {new_topic("defaults", -1, -1)}, 7);
    CHECK(def.topics[0].error_code == kNone);
    CHECK(def.topics[0].num_partitions == 1);
    CHECK(def.topics[0].replication_factor == 1);
  }
  SUBCASE("manual assignments") {
    auto with = [](const std::string& name, int32_t n, int16_t rf,
                   std::vector<std::pair<int32_t, std::vector<int32_t>>> as) {
      auto t = new_topic(name, n, rf);
      for (auto& [p, ids] : as) t.assignments.push_back({p, ids, {}});
      return t;
    };
    auto rf_given = create_topics(c, {with("m1", -1, 1, {{0, {1}}})});
    CHECK(rf_given.topics[0].error_code == kInvalidRequest);
    auto n_given = create_topics(c, {with("m2", 1, -1, {{0, {1}}})});
    CHECK(n_given.topics[0].error_code == kInvalidRequest);
    CHECK(create_topics(c, {with("m3", -1, -1, {{0, {7}}})}).topics[0].error_code ==
          kInvalidReplicaAssignment);
    CHECK(create_topics(c, {with("m4", -1, -1, {{0, {1, 1}}})}).topics[0].error_code ==
          kInvalidReplicaAssignment);
    CHECK(create_topics(c, {with("m5", -1, -1, {{0, {1}}, {2, {1}}})}).topics[0].error_code ==
          kInvalidReplicaAssignment);
    CHECK(create_topics(c, {with("m6", -1, -1, {{0, {1}}, {0, {1}}})}).topics[0].error_code ==
          kInvalidReplicaAssignment);
    auto ok = create_topics(c, {with("m7", -1, -1, {{1, {1}}, {0, {1}}})});
    CHECK(ok.topics[0].error_code == kNone);
    CHECK(ok.topics[0].num_partitions == 2);
    CHECK(ok.topics[0].replication_factor == 1);
  }
}

TEST_CASE("CreateTopics on three nodes: replication factor limits and manual leaders") {
  RunningBroker b(Properties{}, 3);
  TestClient c(b.port());
  auto too_many = create_topics(c, {new_topic("rf4", 1, 4)});
  CHECK(too_many.topics[0].error_code == kInvalidReplicationFactor);
  CHECK(too_many.topics[0].error_message.has_value());
  auto three = create_topics(c, {new_topic("rf3", 3, 3)});
  CHECK(three.topics[0].error_code == kNone);
  CHECK(three.topics[0].replication_factor == 3);

  // Partition 0 led by node 3 (the third listener), unequal lengths refused.
  auto t = new_topic("placed", -1, -1);
  t.assignments.push_back({0, {3, 1}, {}});
  t.assignments.push_back({1, {2}, {}});
  CHECK(create_topics(c, {t}).topics[0].error_code == kInvalidReplicaAssignment);
  t.assignments[1].broker_ids = {2, 3};
  REQUIRE(create_topics(c, {t}).topics[0].error_code == kNone);
  TestClient n1(b.port(0)), n3(b.port(2));
  CHECK(offset_of(n3, "placed", 0, -1).error_code == kNone);
  CHECK(offset_of(n1, "placed", 0, -1).error_code == kNotLeader);
}

// ---- DeleteTopics ----

TEST_CASE("DeleteTopics errors: unknown, duplicate, malformed v6 entries") {
  RunningBroker b;
  TestClient c(b.port());
  REQUIRE(create_one(c, "keep") == kNone);

  auto unknown = delete_by_name(c, {"missing"}, 5);
  REQUIRE(unknown.responses.size() == 1);
  CHECK(unknown.responses[0].error_code == kUnknownTopic);

  auto dup = delete_by_name(c, {"keep", "keep"}, 6);
  REQUIRE(dup.responses.size() == 1);
  CHECK(dup.responses[0].error_code == kInvalidRequest);
  CHECK(dup.responses[0].error_message == std::optional<std::string>("Duplicate topic name."));
  CHECK(offset_of(c, "keep", 0, -1).error_code == kNone);  // not deleted

  Uuid some_id;
  some_id.bytes[15] = 42;
  DeleteTopicsRequest req;
  req.timeout_ms = 1000;
  req.topics.push_back({std::string("keep"), some_id, {}});  // both
  req.topics.push_back({std::nullopt, Uuid{}, {}});          // neither
  req.topics.push_back({std::nullopt, some_id, {}});         // unknown id
  auto bad = c.call<DeleteTopicsResponse>(req, 6);
  REQUIRE(bad.responses.size() == 3);
  int invalid = 0, unknown_id = 0;
  for (const auto& r : bad.responses) {
    if (r.error_code == kInvalidRequest) ++invalid;
    if (r.error_code == kUnknownTopicId) ++unknown_id;
  }
  CHECK(invalid == 2);
  CHECK(unknown_id == 1);
  CHECK(offset_of(c, "keep", 0, -1).error_code == kNone);
}

TEST_CASE("DeleteTopics with delete.topic.enable=false") {
  RunningBroker b(Properties{{"delete.topic.enable", "false"}});
  TestClient c(b.port());
  REQUIRE(create_one(c, "stays") == kNone);
  auto v1 = delete_by_name(c, {"stays"}, 1);
  REQUIRE(v1.responses.size() == 1);
  CHECK(v1.responses[0].error_code == kInvalidRequest);
  auto v6 = delete_by_name(c, {"stays"}, 6);
  REQUIRE(v6.responses.size() == 1);
  CHECK(v6.responses[0].error_code == kTopicDeletionDisabled);
  CHECK(offset_of(c, "stays", 0, -1).error_code == kNone);
}

TEST_CASE("DeleteTopics wakes a long-polling fetch on the deleted topic") {
  RunningBroker b;
  TestClient admin(b.port());
  TestClient consumer(b.port());
  REQUIRE(create_one(admin, "polled") == kNone);
  auto start = std::chrono::steady_clock::now();
  int32_t corr = consumer.send(fetch_request("polled", 0, 0, 8000, 1), 11);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto deleted = delete_by_name(admin, {"polled"}, 6);
  REQUIRE(deleted.responses.size() == 1);
  CHECK(deleted.responses[0].error_code == kNone);
  auto f = consumer.receive<FetchResponse>(corr, 11);
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited < std::chrono::seconds(5));
  REQUIRE(f.responses.size() == 1);
  REQUIRE(f.responses[0].partitions.size() == 1);
  CHECK(f.responses[0].partitions[0].error_code == kUnknownTopic);
}

// ---- CreatePartitions ----

TEST_CASE("CreatePartitions errors, validate_only and assignments") {
  RunningBroker b(Properties{}, 3);
  TestClient c(b.port());
  REQUIRE(create_one(c, "g", 2, 1) == kNone);

  auto one = [&](const std::string& topic, int32_t count, int16_t version = 3,
                 bool validate_only = false,
                 std::optional<std::vector<std::vector<int32_t>>> as = std::nullopt) {
    auto r = create_partitions(c, topic, count, version, validate_only, std::move(as));
    REQUIRE(r.results.size() == 1);
    return r.results[0];
  };
  CHECK(one("missing", 3).error_code == kUnknownTopic);
  auto same = one("g", 2, 0);
  CHECK(same.error_code == kInvalidPartitions);
  CHECK(same.error_message == std::optional<std::string>("Topic already has 2 partition(s)."));
  CHECK(one("g", 1).error_code == kInvalidPartitions);

  CHECK(one("g", 5, 3, true).error_code == kNone);
  CHECK(offset_of(c, "g", 2, -1).error_code == kUnknownTopic);  // validate only

  CHECK(one("g", 4, 3, false, std::vector<std::vector<int32_t>>{{1}}).error_code ==
        kInvalidReplicaAssignment);  // one list for two new partitions
  CHECK(one("g", 3, 3, false, std::vector<std::vector<int32_t>>{{9}}).error_code ==
        kInvalidReplicaAssignment);  // no such node
  CHECK(one("g", 3, 3, false, std::vector<std::vector<int32_t>>{{1, 2}}).error_code ==
        kInvalidReplicaAssignment);  // replication factor 1, not 2

  auto placed = one("g", 3, 3, false, std::vector<std::vector<int32_t>>{{2}});
  CHECK(placed.error_code == kNone);
  TestClient n2(b.port(1));
  CHECK(offset_of(n2, "g", 2, -1).error_code == kNone);
  CHECK(offset_of(c, "g", 2, -1).error_code == kNotLeader);

  CreatePartitionsRequest dup;
  dup.timeout_ms = 1000;
  dup.topics.push_back({"g", 6, std::nullopt, {}});
  dup.topics.push_back({"g", 7, std::nullopt, {}});
  auto d = c.call<CreatePartitionsResponse>(dup, 3);
  REQUIRE(d.results.size() == 1);
  CHECK(d.results[0].error_code == kInvalidRequest);
  CHECK(d.results[0].error_message == std::optional<std::string>("Duplicate topic name."));
  CHECK(offset_of(c, "g", 3, -1).error_code == kUnknownTopic);
}

// ---- DeleteRecords / ListOffsets details ----

TEST_CASE("DeleteRecords: leader check and compacted topics") {
  RunningBroker b(Properties{}, 3);
  TestClient c(b.port());
  auto t = new_topic("lead", -1, -1);
  t.assignments.push_back({0, {2}, {}});
  REQUIRE(create_topics(c, {t}).topics[0].error_code == kNone);
  CHECK(delete_records(c, "lead", 0, 0).error_code == kNotLeader);
  TestClient n2(b.port(1));
  CHECK(delete_records(n2, "lead", 0, 0, 0).error_code == kNone);

  auto compact = new_topic("compacted", -1, -1, {{"cleanup.policy", "compact"}});
  compact.assignments.push_back({0, {1}, {}});
  REQUIRE(create_topics(c, {compact}).topics[0].error_code == kNone);
  CHECK(delete_records(c, "compacted", 0, 0).error_code == kPolicyViolation);
}

TEST_CASE("ListOffsets: duplicate partitions, leader epochs, unknown topics") {
  RunningBroker b;
  TestClient c(b.port());
  REQUIRE(create_one(c, "lo", 2, 1) == kNone);

  auto dup = list_offsets(c, "lo", {{0, -1}, {1, -1}, {0, -2}});
  REQUIRE(dup.topics.size() == 1);
  REQUIRE(dup.topics[0].partitions.size() == 3);
  CHECK(dup.topics[0].partitions[0].error_code == kInvalidRequest);
  CHECK(dup.topics[0].partitions[1].error_code == kNone);
  CHECK(dup.topics[0].partitions[2].error_code == kInvalidRequest);

  auto newer = list_offsets(c, "lo", {{0, -1}}, 10, 5);
  CHECK(newer.topics[0].partitions[0].error_code == kUnknownLeaderEpoch);
  auto current = list_offsets(c, "lo", {{0, -1}}, 10, 0);
  CHECK(current.topics[0].partitions[0].error_code == kNone);

  auto unknown = offset_of(c, "nope", 0, -1);
  CHECK(unknown.error_code == kUnknownTopic);
  CHECK(unknown.offset == -1);
}

// ---- DescribeConfigs for brokers and errors ----

TEST_CASE("DescribeConfigs: broker resources, loggers and errors") {
  RunningBroker b(Properties{{"num.partitions", "3"}, {"log.retention.hours", "1"}});
  TestClient c(b.port());

  auto broker = describe_configs(c, 4, "1", std::nullopt, 4, true);
  REQUIRE(broker.results.size() == 1);
  const auto& r = broker.results[0];
  CHECK(r.error_code == kNone);
  const auto* parts = config_named(r, "num.partitions");
  REQUIRE(parts != nullptr);
  CHECK(parts->value == "3");
  CHECK(parts->config_source == 4);
  CHECK(parts->read_only);
  REQUIRE(parts->synonyms.size() == 2);
  CHECK(parts->synonyms[0].source == 4);
  CHECK(parts->synonyms[1].source == 5);
  const auto* rf = config_named(r, "default.replication.factor");
  REQUIRE(rf != nullptr);
  CHECK(rf->value == "1");
  CHECK(rf->config_source == 5);
  const auto* dirs = config_named(r, "log.dirs");
  REQUIRE(dirs != nullptr);
  CHECK(dirs->value == b.dir.path.string());
  CHECK(dirs->config_source == 4);
  const auto* node = config_named(r, "node.id");
  REQUIRE(node != nullptr);
  CHECK(node->value == "1");
  CHECK(config_named(r, "log.segment.bytes") != nullptr);
  CHECK(config_named(r, "auto.create.topics.enable") != nullptr);
  CHECK(config_named(r, "message.max.bytes") != nullptr);

  // Topic values that come from the broker's coarser spelling.
  REQUIRE(create_one(c, "bt") == kNone);
  auto topic = describe_configs(c, 2, "bt", std::vector<std::string>{"retention.ms"}, 4, true);
  const auto* retention = config_named(topic.results[0], "retention.ms");
  REQUIRE(retention != nullptr);
  CHECK(retention->value == "3600000");
  CHECK(retention->config_source == 4);
  REQUIRE(retention->synonyms.size() == 2);
  CHECK(retention->synonyms[0].name == "log.retention.hours");
  CHECK(retention->synonyms[0].value == "1");
  CHECK(retention->synonyms[0].source == 4);
  CHECK(retention->synonyms[1].source == 5);

  auto defaults = describe_configs(c, 4, "", std::nullopt, 1);
  CHECK(defaults.results[0].error_code == kNone);
  CHECK(defaults.results[0].configs.empty());
  CHECK(describe_configs(c, 4, "7", std::nullopt).results[0].error_code == kInvalidRequest);
  CHECK(describe_configs(c, 4, "one", std::nullopt).results[0].error_code == kInvalidRequest);
  auto loggers = describe_configs(c, 8, "1", std::nullopt);
  CHECK(loggers.results[0].error_code == kNone);
  CHECK(loggers.results[0].configs.empty());
  auto other = describe_configs(c, 3, "x", std::nullopt);
  CHECK(other.results[0].error_code == kInvalidRequest);
  CHECK(other.results[0].error_message.has_value());
  CHECK(describe_configs(c, 2, "bad name!", std::nullopt, 1).results[0].error_code ==
        kInvalidTopic);
  CHECK(describe_configs(c, 2, "absent", std::nullopt, 1).results[0].error_code == kUnknownTopic);
}

// ---- FindCoordinator / DescribeCluster ----

TEST_CASE("FindCoordinator on three nodes is stable per key and hashes like Kafka") {
  RunningBroker b(Properties{}, 3);
  std::vector<int32_t> ids = b.cluster->node_ids();
  REQUIRE(ids.size() == 3);
  auto expected = [&](const std::string& key) {
    return ids[kafka_abs(java_hash(key)) % ids.size()];
  };
  for (const std::string key : {"group-a", "group-b", "payments", "tx-1"}) {
    std::optional<int32_t> first;
    for (size_t n = 0; n < 3; ++n) {
      TestClient c(b.port(n));
      FindCoordinatorRequest req;
      req.key = key;
      auto v0 = c.call<FindCoordinatorResponse>(req, 0);
      CHECK(v0.error_code == kNone);
      CHECK(v0.node_id == expected(key));
      size_t idx = static_cast<size_t>(v0.node_id - ids.front());
      CHECK(v0.port == b.port(idx));
      CHECK(v0.host == "127.0.0.1");
      if (!first) first = v0.node_id;
      CHECK(v0.node_id == *first);
      req.key_type = 1;
      auto v3 = c.call<FindCoordinatorResponse>(req, 3);
      CHECK(v3.error_code == kNone);
      CHECK_FALSE(v3.error_message.has_value());
      CHECK(v3.node_id == *first);
    }
  }

  TestClient c(b.port());
  FindCoordinatorRequest batch;
  batch.key_type = 0;
  batch.coordinator_keys = {"group-a", "group-b", "x"};
  auto v6 = c.call<FindCoordinatorResponse>(batch, 6);
  REQUIRE(v6.coordinators.size() == 3);
  for (const auto& co : v6.coordinators) {
    CHECK(co.error_code == kNone);
    CHECK(co.node_id == expected(co.key));
    CHECK_FALSE(co.error_message.has_value());
  }

  FindCoordinatorRequest bad;
  bad.key = "k";
  bad.key_type = 5;
  auto v1 = c.call<FindCoordinatorResponse>(bad, 1);
  CHECK(v1.error_code == kInvalidRequest);
  CHECK(v1.node_id == -1);
  bad.coordinator_keys = {"k1", "k2"};
  auto v4 = c.call<FindCoordinatorResponse>(bad, 4);
  REQUIRE(v4.coordinators.size() == 2);
  CHECK(v4.coordinators[0].error_code == kInvalidRequest);
  CHECK(v4.coordinators[1].error_code == kInvalidRequest);
}

TEST_CASE("DescribeCluster lists every node") {
  RunningBroker b(Properties{}, 3);
  TestClient c(b.port(1));
  DescribeClusterRequest req;
  auto v0 = c.call<DescribeClusterResponse>(req, 0);
  CHECK(v0.error_code == kNone);
  CHECK_FALSE(v0.cluster_id.empty());
  CHECK(v0.controller_id == b.cluster->node_ids().front());
  CHECK(v0.cluster_authorized_operations == INT32_MIN);
  REQUIRE(v0.brokers.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(v0.brokers[i].broker_id == b.cluster->node_ids()[i]);
    CHECK(v0.brokers[i].port == b.port(i));
    CHECK(v0.brokers[i].host == "127.0.0.1");
    CHECK_FALSE(v0.brokers[i].rack.has_value());
  }

  req.include_cluster_authorized_operations = true;
  req.include_fenced_brokers = true;
  auto v2 = c.call<DescribeClusterResponse>(req, 2);
  CHECK(v2.error_code == kNone);
  CHECK(v2.endpoint_type == 1);
  CHECK(v2.cluster_id == v0.cluster_id);
  CHECK(v2.cluster_authorized_operations == 8096);
  REQUIRE(v2.brokers.size() == 3);
  for (const auto& br : v2.brokers) CHECK_FALSE(br.is_fenced);

  req.endpoint_type = 2;
  auto controllers = c.call<DescribeClusterResponse>(req, 1);
  CHECK(controllers.error_code == kMismatchedEndpoint);
  CHECK(controllers.error_message.has_value());
  CHECK(controllers.brokers.empty());
  req.endpoint_type = 9;
  CHECK(c.call<DescribeClusterResponse>(req, 1).error_code == kUnsupportedEndpoint);
}

}  // namespace
}  // namespace kafkit::broker::test
