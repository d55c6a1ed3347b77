#pragma once
// What every group API handler checks first, in Kafka's order: authorization of the group
// (KafkaApis, GROUP_AUTHORIZATION_FAILED), then (validateGroupStatus) an empty group id is
// INVALID_GROUP_ID for the membership APIs, then the coordinator check (NOT_COORDINATOR /
// COORDINATOR_NOT_AVAILABLE, group/coordinator_node.hpp).
#include <cstdint>
#include <string>
#include <string_view>

#include "broker/cluster_state.hpp"
#include "broker/group/coordinator_node.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/kafka_error.hpp"

namespace kafkit::broker {

/// `allow_empty_id`: DescribeGroups and DeleteGroups accept the empty group id (Kafka's
/// isValidGroupId), JoinGroup / SyncGroup / Heartbeat / LeaveGroup do not.
inline int16_t group_request_error(const ClusterState& cluster, int32_t node_id,
                                   std::string_view group_id, bool allow_empty_id = false) {
  if (group_id.empty() && !allow_empty_id) return static_cast<int16_t>(ErrorCode::InvalidGroupId);
  return check_coordinator(cluster, node_id, group_id);
}

/// The request's principal must be allowed `op` on the group (READ for the membership
/// APIs, DESCRIBE for DescribeGroups, DELETE for DeleteGroups).
inline int16_t group_request_error(const HandlerContext& ctx, authz::Operation op,
                                   std::string_view group_id, bool allow_empty_id = false) {
  if (!group_authorized(ctx, op, group_id))
    return static_cast<int16_t>(ErrorCode::GroupAuthorizationFailed);
  return group_request_error(ctx.cluster, ctx.request.node_id, group_id, allow_empty_id);
}

/// The client's address as Kafka reports it in DescribeGroups ("/127.0.0.1").
inline std::string client_host_of(const std::string& peer) {
  auto colon = peer.rfind(':');
  std::string host = colon == std::string::npos ? peer : peer.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return "/" + host;
}

}  // namespace kafkit::broker
