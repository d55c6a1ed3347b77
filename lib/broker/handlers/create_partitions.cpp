// CreatePartitions (key 37), advertised 0-3. Grows topics; follows the KRaft controller
// (ControllerApis.createPartitions / ReplicationControlManager.createPartitions):
//   - a topic named more than once: INVALID_REQUEST "Duplicate topic name." once, after the
//     other results, and nothing done for it;
//   - an unknown topic: UNKNOWN_TOPIC_OR_PARTITION; a count that is not an increase:
//     INVALID_PARTITIONS (TopicStore::add_partitions, with Kafka's messages);
//   - Assignments, when given, must hold one replica list per new partition, each as long
//     as the topic's replication factor and naming registered nodes once each
//     (INVALID_REPLICA_ASSIGNMENT).
// ValidateOnly runs every check and changes nothing.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker/cluster_state.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/handlers/unique_names.hpp"
#include "broker/kafka_error.hpp"
#include "protocol/messages/create_partitions.hpp"

namespace kafkit::broker {
namespace {

using protocol::CreatePartitionsRequest;
using protocol::CreatePartitionsResponse;
using TopicResult = CreatePartitionsResponse::CreatePartitionsTopicResult;

TopicResult result(const std::string& name, int16_t error, std::optional<std::string> message) {
  TopicResult r;
  r.name = name;
  r.error_code = error;
  r.error_message = std::move(message);
  return r;
}

/// Checks a manual assignment of the new partitions against the topic's replication factor.
Result<void> check_assignment(
    const ClusterState& cluster, const Topic& topic, int32_t count,
    const std::vector<CreatePartitionsRequest::CreatePartitionsAssignment>& as) {
  auto refuse = [](std::string why) {
    return kafka_error(ErrorCode::InvalidReplicaAssignment, why);
  };
  auto current = static_cast<int32_t>(topic.partitions.size());
  int32_t additional = count - current;
  if (static_cast<size_t>(additional) != as.size())
    return refuse("Attempted to add " + std::to_string(additional) +
                  " additional partition(s), but only " + std::to_string(as.size()) +
                  " assignment(s) were specified.");
  size_t replication_factor = topic.partitions.front().replicas.size();
  for (const auto& a : as) {
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
    if (sorted.size() != replication_factor)
      return refuse("A new partition has " + std::to_string(sorted.size()) +
                    " replica(s) but the topic's partitions have " +
                    std::to_string(replication_factor) + ".");
  }
  return {};
}

TopicResult grow(HandlerContext& ctx, const CreatePartitionsRequest::CreatePartitionsTopic& t,
                 bool validate_only) {
  ClusterState& cluster = ctx.cluster;
  TopicStore& store = *cluster.topics;
  if (!topic_authorized(ctx, authz::Operation::alter, t.name))
    return result(t.name, code(ErrorCode::TopicAuthorizationFailed), "Authorization failed.");
  Topic* topic = store.find(t.name);
  if (topic == nullptr)
    return result(t.name, code(ErrorCode::UnknownTopicOrPartition),
                  "The topic '" + t.name + "' does not exist.");
  auto current = static_cast<int32_t>(topic->partitions.size());
  // The count checks come before the assignment's, as in Kafka.
  if (t.count > current && t.assignments) {
    if (auto ok = check_assignment(cluster, *topic, t.count, *t.assignments); !ok)
      return result(t.name, wire_code(ok.error()), ok.error().message);
  }
  if (auto grown = store.add_partitions(t.name, t.count, validate_only, ClusterState::now_ms());
      !grown)
    return result(t.name, wire_code(grown.error()), grown.error().message);
  if (validate_only) return result(t.name, code(ErrorCode::None), std::nullopt);

  topic = store.find(t.name);
  if (t.assignments) {
    for (size_t i = 0; i < t.assignments->size(); ++i) {
      Partition& p = topic->partitions[static_cast<size_t>(current) + i];
      p.replicas = (*t.assignments)[i].broker_ids;
      p.leader = p.replicas.front();
    }
    // Persists the replica lists (TopicStore::add_partitions has no way to take them).
    if (auto saved = store.set_configs(t.name, topic->configs); !saved)
      cluster.log("could not persist the assignment of topic " + t.name + ": " +
                  saved.error().message);
  }
  cluster.log("topic " + t.name + " grown from " + std::to_string(current) + " to " +
              std::to_string(t.count) + " partition(s) at the request of " + ctx.request.peer);
  return result(t.name, code(ErrorCode::None), std::nullopt);
}

void handle_create_partitions(HandlerContext& ctx) {
  auto req = ctx.request.decode<CreatePartitionsRequest>();
  if (!req) return ctx.responder.close("cannot parse CreatePartitions: " + req.error().message);

  CreatePartitionsResponse resp;
  resp.throttle_time_ms = 0;
  auto duplicates = for_each_unique_name(req->topics, [&](const auto& t) {
    resp.results.push_back(grow(ctx, t, req->validate_only));
  });
  for (const std::string& name : duplicates)
    resp.results.push_back(result(name, code(ErrorCode::InvalidRequest), "Duplicate topic name."));
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler create_partitions_api{CreatePartitionsRequest::api_key, 0, 3,
                                       &handle_create_partitions};

}  // namespace kafkit::broker
