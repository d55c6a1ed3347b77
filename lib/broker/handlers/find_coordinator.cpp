// FindCoordinator (key 10): which node coordinates a consumer group (key type 0) or a
// transactional id (key type 1). Advertised 0-6: librdkafka 2.0.2 turns its group
// coordinator support and LZ4 off unless FindCoordinator 0 is advertised (protocol-facts
// §1.3). v0-3 carry one key (key type from v1); v4+ a batch of CoordinatorKeys.
// The key-to-node mapping is in group/coordinator_node.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/cluster_state.hpp"
#include "broker/group/coordinator_node.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "protocol/messages/find_coordinator.hpp"

namespace kafkit::broker {
namespace {

using protocol::FindCoordinatorRequest;
using protocol::FindCoordinatorResponse;

constexpr int8_t kGroupKey = 0;
constexpr int8_t kTransactionKey = 1;
constexpr int16_t kFirstBatchedVersion = 4;

struct Answer {
  int16_t error = 0;
  std::optional<std::string> message;
  int32_t node_id = -1;
  std::string host;
  int32_t port = -1;
};

Answer answer(const ClusterState& cluster, size_t listener, int8_t key_type, std::string_view key) {
  Answer a;
  if (key_type != kGroupKey && key_type != kTransactionKey) {
    a.error = code(ErrorCode::InvalidRequest);
    a.message = "Unknown coordinator key type " + std::to_string(key_type) +
                " (0 = group, 1 = transaction)";
    return a;
  }
  const NodeInfo* node = coordinator_for(cluster, key);
  if (node == nullptr) {
    a.error = code(ErrorCode::CoordinatorNotAvailable);
    a.message = "No broker node is available";
    return a;
  }
  if (cluster.faults.stopped(node->id)) {
    // Its coordinator partition has no leader while the node is down (Cluster::stop_node).
    a.error = code(ErrorCode::CoordinatorNotAvailable);
    a.message = "The coordinator is not available";
    return a;
  }
  a.node_id = node->id;
  a.host = node->host;
  a.port = node->port(listener);
  return a;
}

void handle_find_coordinator(HandlerContext& ctx) {
  auto req = ctx.request.decode<FindCoordinatorRequest>();
  if (!req) return ctx.responder.close("cannot parse FindCoordinator: " + req.error().message);

  FindCoordinatorResponse resp;
  resp.throttle_time_ms = 0;
  // An error a test injected (Cluster::inject_errors) answers every key of the request.
  std::optional<int16_t> injected = ctx.cluster.faults.take_error(FindCoordinatorRequest::api_key);
  auto answer_key = [&](const std::string& key) {
    // DESCRIBE on the group (issue 8, as Kafka); transactional ids have no rules here.
    if (req->key_type == kGroupKey && !group_authorized(ctx, authz::Operation::describe, key))
      return Answer{code(ErrorCode::GroupAuthorizationFailed), "Authorization failed.", -1, "", -1};
    return injected ? Answer{*injected, std::nullopt, -1, "", -1}
                    : answer(ctx.cluster, ctx.request.listener, req->key_type, key);
  };
  if (ctx.request.version() < kFirstBatchedVersion) {
    Answer a = answer_key(req->key);
    resp.error_code = a.error;
    resp.error_message = std::move(a.message);
    resp.node_id = a.node_id;
    resp.host = std::move(a.host);
    resp.port = a.port;
  } else {
    for (const std::string& key : req->coordinator_keys) {
      Answer a = answer_key(key);
      FindCoordinatorResponse::Coordinator c;
      c.key = key;
      c.node_id = a.node_id;
      c.host = std::move(a.host);
      c.port = a.port;
      c.error_code = a.error;
      c.error_message = std::move(a.message);
      resp.coordinators.push_back(std::move(c));
    }
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler find_coordinator_api{FindCoordinatorRequest::api_key, 0, 6,
                                      &handle_find_coordinator};

}  // namespace kafkit::broker
