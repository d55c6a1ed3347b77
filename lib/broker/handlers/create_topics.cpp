// CreateTopics (key 19), advertised 2-7 (v0-1 are gone since KIP-896). Follows the KRaft
// controller (ControllerApis / ReplicationControlManager.createTopic), in its order:
//   - a name given more than once: INVALID_REQUEST "Duplicate topic name." once per name,
//     after the other results, and none of its entries is created;
//   - the name (INVALID_TOPIC_EXCEPTION), an existing topic (TOPIC_ALREADY_EXISTS), a name
//     that differs from an existing one only by '.' versus '_' (INVALID_TOPIC_EXCEPTION:
//     both map to the same metric names);
//   - a manual assignment requires NumPartitions and ReplicationFactor -1 (INVALID_REQUEST
//     otherwise, replication factor checked first), every partition once, indexes 0..n-1,
//     replica lists that are non-empty, name registered nodes once each and all have the
//     same length (INVALID_REPLICA_ASSIGNMENT);
//   - otherwise -1 means the broker default (num.partitions, default.replication.factor);
//     counts and replication factor are checked by TopicStore (INVALID_PARTITIONS,
//     INVALID_REPLICATION_FACTOR);
//   - configs: each name and value is validated (INVALID_CONFIG; a null value too).
// ValidateOnly runs every check and creates nothing. v5+ results carry the partition count,
// replication factor and every topic config with its value and source; v7 the topic id
// (zero for validate-only: no topic exists to name).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "broker/cluster_state.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/handlers/unique_names.hpp"
#include "broker/kafka_error.hpp"
#include "broker/topic_config.hpp"
#include "broker/topic_name.hpp"
#include "protocol/messages/create_topics.hpp"

namespace kafkit::broker {
namespace {

using protocol::CreateTopicsRequest;
using protocol::CreateTopicsResponse;
using Result_ = CreateTopicsResponse::CreatableTopicResult;

std::string metric_form(std::string_view name) {
  std::string s(name);
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

/// The replica lists of a manual assignment, in partition order, or the reason it is
/// refused (INVALID_REPLICA_ASSIGNMENT).
Result<std::vector<std::vector<int32_t>>> manual_assignment(
    const ClusterState& cluster,
    const std::vector<CreateTopicsRequest::CreatableReplicaAssignment>& assignments) {
  auto refuse = [](std::string why) {
    return kafka_error(ErrorCode::InvalidReplicaAssignment, why);
  };
  std::map<int32_t, std::vector<int32_t>> by_partition;
  std::optional<size_t> replication_factor;
  for (const auto& a : assignments) {
    if (by_partition.count(a.partition_index) != 0)
      return refuse("Partition " + std::to_string(a.partition_index) +
                    " is assigned more than once.");
    if (a.broker_ids.empty()) return refuse("A manual assignment has an empty replica list.");
    std::vector<int32_t> sorted = a.broker_ids;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) {
      if (cluster.node(sorted[i]) == nullptr)
        return refuse("The manual assignment names broker " + std::to_string(sorted[i]) +
                      ", which is not registered.");
      if (i > 0 && sorted[i] == sorted[i - 1])
        return refuse("The manual assignment names broker " + std::to_string(sorted[i]) +
                      " more than once.");
    }
    if (replication_factor && *replication_factor != sorted.size())
      return refuse("Partition " + std::to_string(a.partition_index) + " has " +
                    std::to_string(sorted.size()) +
                    " replica(s) where the partitions before it have " +
                    std::to_string(*replication_factor) + ".");
    replication_factor = sorted.size();
    by_partition[a.partition_index] = a.broker_ids;
  }
  std::vector<std::vector<int32_t>> out;
  for (int32_t i = 0; static_cast<size_t>(i) < by_partition.size(); ++i) {
    auto it = by_partition.find(i);
    if (it == by_partition.end())
      return refuse("Partitions of a manual assignment must be numbered 0 to n-1.");
    out.push_back(it->second);
  }
  return out;
}

Result_ error_result(const std::string& name, const Error& e) {
  Result_ r;
  r.name = name;
  r.error_code = wire_code(e);
  r.error_message = e.message;
  r.num_partitions = -1;
  r.replication_factor = -1;
  return r;
}

Result_ create_one(HandlerContext& ctx, const CreateTopicsRequest::CreatableTopic& t,
                   bool validate_only) {
  ClusterState& cluster = ctx.cluster;
  TopicStore& store = *cluster.topics;
  if (!may_create_topic(ctx, t.name))
    return error_result(t.name,
                        kafka_error(ErrorCode::TopicAuthorizationFailed, "Authorization failed."));
  // The name checks come first, as in Kafka (TopicStore::create repeats the first two; the
  // collision check is ours to make).
  if (auto reason = invalid_topic_name_reason(t.name))
    return error_result(t.name, kafka_error(ErrorCode::InvalidTopicException, *reason));
  if (store.find(t.name) != nullptr)
    return error_result(t.name, kafka_error(ErrorCode::TopicAlreadyExists,
                                            "Topic '" + t.name + "' already exists."));
  std::string form = metric_form(t.name);
  for (const auto& [existing, topic] : store.topics())
    if (metric_form(existing) == form)
      return error_result(
          t.name, kafka_error(ErrorCode::InvalidTopicException,
                              "Topic '" + t.name + "' collides with existing topic: " + existing));

  int32_t partitions = t.num_partitions;
  int16_t replication_factor = t.replication_factor;
  std::vector<std::vector<int32_t>> manual;
  if (!t.assignments.empty()) {
    if (t.replication_factor != -1)
      return error_result(t.name, kafka_error(ErrorCode::InvalidRequest,
                                              "A manual partition assignment was given, so the "
                                              "replication factor must be -1."));
    if (t.num_partitions != -1)
      return error_result(t.name, kafka_error(ErrorCode::InvalidRequest,
                                              "A manual partition assignment was given, so the "
                                              "number of partitions must be -1."));
    auto m = manual_assignment(cluster, t.assignments);
    if (!m) return error_result(t.name, m.error());
    manual = std::move(*m);
    partitions = static_cast<int32_t>(manual.size());
    replication_factor = static_cast<int16_t>(manual.front().size());
  }

  Properties configs;
  for (const auto& c : t.configs) {
    if (!c.value)
      return error_result(t.name,
                          kafka_error(ErrorCode::InvalidConfig,
                                      "Null value not supported for topic config " + c.name));
    configs[c.name] = *c.value;
  }

  auto created = store.create(t.name, partitions, replication_factor, configs, validate_only,
                              ClusterState::now_ms());
  if (!created) return error_result(t.name, created.error());

  Result_ r;
  r.name = t.name;
  r.error_code = code(ErrorCode::None);
  r.error_message = std::nullopt;
  r.topic_config_error_code = code(ErrorCode::None);
  r.num_partitions = partitions == -1 ? cluster.config.num_partitions : partitions;
  r.replication_factor =
      replication_factor == -1 ? cluster.config.default_replication_factor : replication_factor;
  Topic* topic = *created;
  if (topic != nullptr) {
    if (!manual.empty()) {
      for (size_t i = 0; i < manual.size(); ++i) {
        topic->partitions[i].replicas = manual[i];
        topic->partitions[i].leader = manual[i].front();
      }
      // Persists the replica lists (TopicStore::create has no way to take them).
      if (auto saved = store.set_configs(t.name, topic->configs); !saved)
        cluster.log("could not persist the assignment of topic " + t.name + ": " +
                    saved.error().message);
    }
    r.topic_id = topic->id;
    r.num_partitions = static_cast<int32_t>(topic->partitions.size());
    r.replication_factor = static_cast<int16_t>(topic->partitions.front().replicas.size());
    cluster.log("created topic " + t.name + " (id " + topic->id.to_string() + ") with " +
                std::to_string(r.num_partitions) + " partition(s), replication factor " +
                std::to_string(r.replication_factor) + " at the request of " + ctx.request.peer);
  }
  r.configs.emplace();
  for (const TopicConfigDef& def : topic_config_defs()) {
    EffectiveConfig e = effective_topic_config(def, configs, cluster.config.properties);
    CreateTopicsResponse::CreatableTopicConfigs c;
    c.name = std::string(def.name);
    c.value = e.value;
    c.read_only = false;
    c.config_source = static_cast<int8_t>(e.source);
    c.is_sensitive = false;
    r.configs->push_back(std::move(c));
  }
  return r;
}

void handle_create_topics(HandlerContext& ctx) {
  auto req = ctx.request.decode<CreateTopicsRequest>();
  if (!req) return ctx.responder.close("cannot parse CreateTopics: " + req.error().message);

  CreateTopicsResponse resp;
  resp.throttle_time_ms = 0;
  auto duplicates = for_each_unique_name(req->topics, [&](const auto& t) {
    resp.topics.push_back(create_one(ctx, t, req->validate_only));
  });
  for (const std::string& name : duplicates)
    resp.topics.push_back(
        error_result(name, kafka_error(ErrorCode::InvalidRequest, "Duplicate topic name.")));
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler create_topics_api{CreateTopicsRequest::api_key, 2, 7, &handle_create_topics};

}  // namespace kafkit::broker
