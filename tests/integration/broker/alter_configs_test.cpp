// IncrementalAlterConfigs (KIP-339) on the reference broker over loopback, at v0 and v1:
// SET / DELETE / APPEND / SUBTRACT on topic configs, validate_only, the per-resource errors
// a KRaft broker gives, broker resources (all static here) and persistence across a restart,
// each checked through DescribeConfigs.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker_fixture.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/create_topics.hpp"
#include "protocol/messages/describe_configs.hpp"
#include "protocol/messages/incremental_alter_configs.hpp"

namespace kafkit::broker::test {
namespace {

using namespace protocol;

constexpr int16_t kNone = 0, kUnknownTopic = 3, kInvalidTopic = 17, kInvalidConfig = 40,
                  kInvalidRequest = 42;
constexpr int8_t kTopic = 2, kBroker = 4, kLogger = 8;
constexpr int8_t kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3;

struct Op {
  std::string name;
  int8_t op;
  std::optional<std::string> value;
};

struct Res {
  int8_t type;
  std::string name;
  std::vector<Op> ops;
};

IncrementalAlterConfigsResponse alter(TestClient& c, std::vector<Res> resources,
                                      bool validate_only = false, int16_t version = 1) {
  IncrementalAlterConfigsRequest req;
  for (auto& r : resources) {
    IncrementalAlterConfigsRequest::AlterConfigsResource ar;
    ar.resource_type = r.type;
    ar.resource_name = r.name;
    for (auto& o : r.ops) {
      IncrementalAlterConfigsRequest::AlterableConfig ac;
      ac.name = o.name;
      ac.config_operation = o.op;
      ac.value = o.value;
      ar.configs.push_back(std::move(ac));
    }
    req.resources.push_back(std::move(ar));
  }
  req.validate_only = validate_only;
  return c.call<IncrementalAlterConfigsResponse>(req, version);
}

int16_t alter_one(TestClient& c, Res r, bool validate_only = false, int16_t version = 1) {
  auto resp = alter(c, {std::move(r)}, validate_only, version);
  REQUIRE(resp.responses.size() == 1);
  return resp.responses[0].error_code;
}

void create_topic(TestClient& c, const std::string& name,
                  std::vector<std::pair<std::string, std::string>> configs = {}) {
  CreateTopicsRequest req;
  CreateTopicsRequest::CreatableTopic t;
  t.name = name;
  t.num_partitions = 1;
  t.replication_factor = 1;
  for (auto& [k, v] : configs) t.configs.push_back({k, v, {}});
  req.topics.push_back(std::move(t));
  req.timeout_ms = 10000;
  auto resp = c.call<CreateTopicsResponse>(req, 7);
  REQUIRE(resp.topics.size() == 1);
  REQUIRE(resp.topics[0].error_code == kNone);
}

/// The value and source DescribeConfigs reports for one topic config.
std::pair<std::string, int8_t> described(TestClient& c, const std::string& topic,
                                         const std::string& name) {
  DescribeConfigsRequest req;
  req.resources.push_back({kTopic, topic, std::vector<std::string>{name}, {}});
  auto resp = c.call<DescribeConfigsResponse>(req, 4);
  REQUIRE(resp.results.size() == 1);
  REQUIRE(resp.results[0].error_code == kNone);
  REQUIRE(resp.results[0].configs.size() == 1);
  const auto& e = resp.results[0].configs[0];
  return {e.value.value_or("<null>"), e.config_source};
}

TEST_CASE("IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on topic configs") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "t", {{"segment.bytes", "1048576"}});

  for (int16_t version : {0, 1}) {
    CAPTURE(version);
    REQUIRE(alter_one(c,
                      {kTopic,
                       "t",
                       {{"retention.ms", kSet, "1000"},
                        {"segment.bytes", kDelete, std::nullopt},
                        {"compression.type", kSet, "lz4"}}},
                      false, version) == kNone);
    CHECK(described(c, "t", "retention.ms") == std::pair<std::string, int8_t>{"1000", 1});
    CHECK(described(c, "t", "segment.bytes") == std::pair<std::string, int8_t>{"1073741824", 5});
    CHECK(described(c, "t", "compression.type") == std::pair<std::string, int8_t>{"lz4", 1});
    REQUIRE(alter_one(c, {kTopic, "t", {{"segment.bytes", kSet, "1048576"}}}, false, version) ==
            kNone);
  }

  // A DELETE of a config the topic does not have is harmless (the result is what counts).
  CHECK(alter_one(c, {kTopic, "t", {{"flush.ms", kDelete, std::nullopt}}}) == kNone);
  // DELETE of an unknown name too: Kafka validates the resulting settings.
  CHECK(alter_one(c, {kTopic, "t", {{"no.such.config", kDelete, std::nullopt}}}) == kNone);

  // cleanup.policy is a LIST: APPEND starts from the effective value ("delete").
  REQUIRE(alter_one(c, {kTopic, "t", {{"cleanup.policy", kAppend, "compact"}}}) == kNone);
  CHECK(described(c, "t", "cleanup.policy").first == "delete,compact");
  REQUIRE(alter_one(c, {kTopic, "t", {{"cleanup.policy", kAppend, "compact"}}}) == kNone);
  CHECK(described(c, "t", "cleanup.policy").first == "delete,compact");
  REQUIRE(alter_one(c, {kTopic, "t", {{"cleanup.policy", kSubtract, "delete"}}}) == kNone);
  CHECK(described(c, "t", "cleanup.policy").first == "compact");
  // APPEND to a config that is not a list.
  CHECK(alter_one(c, {kTopic, "t", {{"retention.ms", kAppend, "5"}}}) == kInvalidConfig);
  CHECK(described(c, "t", "retention.ms").first == "1000");
}

TEST_CASE("IncrementalAlterConfigs: ApiVersions advertises v0-1") {
  RunningBroker b;
  TestClient c(b.port());
  auto r = c.call<ApiVersionsResponse>(ApiVersionsRequest{}, 3);
  bool found = false;
  for (const auto& k : r.api_keys) {
    if (k.api_key != IncrementalAlterConfigsRequest::api_key) continue;
    found = true;
    CHECK(k.min_version == 0);
    CHECK(k.max_version == 1);
  }
  CHECK(found);
}

TEST_CASE("IncrementalAlterConfigs: validate_only changes nothing") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "v");
  CHECK(alter_one(c, {kTopic, "v", {{"retention.ms", kSet, "5000"}}}, true) == kNone);
  CHECK(described(c, "v", "retention.ms") == std::pair<std::string, int8_t>{"604800000", 5});
  CHECK(alter_one(c, {kTopic, "v", {{"retention.ms", kSet, "soon"}}}, true) == kInvalidConfig);
}

TEST_CASE("IncrementalAlterConfigs: per-resource errors like Kafka") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "e");
  std::string node = std::to_string(b.cluster->node_ids().at(0));

  auto resp = alter(c, {{kTopic, "e", {{"retention.ms", kSet, "10"}}},
                        {kTopic, "absent", {{"retention.ms", kSet, "10"}}},
                        {kTopic, "bad name!", {{"retention.ms", kSet, "10"}}},
                        {kTopic, "e", {{"no.such.config", kSet, "1"}}}});
  REQUIRE(resp.responses.size() == 4);
  // "e" twice in one request: both copies refused, neither applied.
  CHECK(resp.responses[0].error_code == kInvalidRequest);
  CHECK(resp.responses[3].error_code == kInvalidRequest);
  CHECK(resp.responses[1].error_code == kUnknownTopic);
  CHECK(resp.responses[1].resource_name == "absent");
  CHECK(resp.responses[1].resource_type == kTopic);
  CHECK(resp.responses[2].error_code == kInvalidTopic);
  CHECK(described(c, "e", "retention.ms").first == "604800000");

  // One good and one bad resource: the good one is applied.
  resp = alter(c, {{kTopic, "e", {{"retention.ms", kSet, "20"}}},
                   {kTopic, "absent", {{"retention.ms", kSet, "20"}}}});
  REQUIRE(resp.responses.size() == 2);
  CHECK(resp.responses[0].error_code == kNone);
  CHECK(resp.responses[1].error_code == kUnknownTopic);
  CHECK(described(c, "e", "retention.ms").first == "20");

  auto unknown = alter(c, {{kTopic, "e", {{"no.such.config", kSet, "1"}}}});
  CHECK(unknown.responses[0].error_code == kInvalidConfig);
  REQUIRE(unknown.responses[0].error_message.has_value());
  CHECK(unknown.responses[0].error_message->find("no.such.config") != std::string::npos);
  CHECK(alter_one(c, {kTopic, "e", {{"retention.ms", kSet, "-5"}}}) == kInvalidConfig);
  CHECK(alter_one(c, {kTopic, "e", {{"cleanup.policy", kSet, "shred"}}}) == kInvalidConfig);
  CHECK(alter_one(c, {kTopic, "e", {{"retention.ms", kSet, std::nullopt}}}) == kInvalidRequest);
  CHECK(alter_one(c, {kTopic,
                      "e",
                      {{"retention.ms", kSet, "1"}, {"retention.ms", kDelete, std::nullopt}}}) ==
        kInvalidRequest);
  CHECK(alter_one(c, {kTopic, "e", {{"retention.ms", 7, "1"}}}) == kInvalidRequest);
  // A failed resource leaves the topic as it was, even its valid alterations.
  CHECK(alter_one(c,
                  {kTopic, "e", {{"retention.ms", kSet, "30"}, {"segment.bytes", kSet, "tiny"}}}) ==
        kInvalidConfig);
  CHECK(described(c, "e", "retention.ms").first == "20");

  // Broker configs are all static on this broker: refused like Kafka's non-dynamic ones.
  auto broker = alter(c, {{kBroker, node, {{"log.retention.ms", kSet, "1000"}}}});
  CHECK(broker.responses[0].error_code == kInvalidRequest);
  REQUIRE(broker.responses[0].error_message.has_value());
  CHECK(broker.responses[0].error_message->find("Cannot update these configs dynamically") !=
        std::string::npos);
  CHECK(alter_one(c, {kBroker, "", {{"log.retention.ms", kSet, "1000"}}}) == kInvalidRequest);
  CHECK(alter_one(c, {kBroker, node, {}}) == kNone);
  CHECK(alter_one(c, {kBroker, "77", {{"log.retention.ms", kSet, "1"}}}) == kInvalidRequest);
  CHECK(alter_one(c, {kBroker, "one", {{"log.retention.ms", kSet, "1"}}}) == kInvalidRequest);
  CHECK(alter_one(c, {kLogger, node, {{"kafka.server", kSet, "DEBUG"}}}) == kInvalidConfig);
  CHECK(alter_one(c, {3, "x", {{"a", kSet, "b"}}}) == kInvalidRequest);
}

TEST_CASE("IncrementalAlterConfigs: altered configs survive a restart") {
  RunningBroker b;
  {
    TestClient c(b.port());
    create_topic(c, "p", {{"cleanup.policy", "compact"}});
    REQUIRE(alter_one(c, {kTopic,
                          "p",
                          {{"retention.ms", kSet, "123456"},
                           {"cleanup.policy", kDelete, std::nullopt}}}) == kNone);
  }
  b.restart();
  TestClient c(b.port());
  CHECK(described(c, "p", "retention.ms") == std::pair<std::string, int8_t>{"123456", 1});
  CHECK(described(c, "p", "cleanup.policy") == std::pair<std::string, int8_t>{"delete", 5});
}

}  // namespace
}  // namespace kafkit::broker::test
