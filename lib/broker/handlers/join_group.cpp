// JoinGroup (key 11), v0-9: a member joins (or rejoins) a classic group and is answered
// once the rebalance completes (group/group_coordinator.hpp). v0 has no rebalance timeout
// (the session timeout serves, as in Kafka); v4+ requires a known member id (KIP-394);
// v5+ static members (KIP-345); v7+ protocol type and nullable protocol name; v9
// skip_assignment (KIP-814).
#include "protocol/messages/join_group.hpp"

#include "broker/handlers/group_request.hpp"
#include "broker/handlers/handler_list.hpp"

namespace kafkit::broker {
namespace {

using protocol::JoinGroupRequest;
using protocol::JoinGroupResponse;

constexpr int16_t kFirstRebalanceTimeoutVersion = 1;
constexpr int16_t kFirstKnownMemberIdVersion = 4;
constexpr int16_t kFirstNullableProtocolVersion = 7;
constexpr int16_t kFirstSkipAssignmentVersion = 9;

void send(const Responder& responder, int16_t version, const JoinResult& r) {
  JoinGroupResponse resp;
  resp.throttle_time_ms = 0;
  resp.error_code = r.error;
  resp.generation_id = r.generation_id;
  if (version >= kFirstNullableProtocolVersion) {
    resp.protocol_type = r.protocol_type;
    resp.protocol_name = r.protocol_name;
  } else {
    resp.protocol_name = r.protocol_name.value_or("");
  }
  resp.leader = r.leader;
  resp.skip_assignment = r.skip_assignment;
  resp.member_id = r.member_id;
  for (const auto& m : r.members) {
    JoinGroupResponse::JoinGroupResponseMember out;
    out.member_id = m.member_id;
    out.group_instance_id = m.group_instance_id;
    out.metadata = m.metadata;
    resp.members.push_back(std::move(out));
  }
  responder.send(resp);
}

void handle_join_group(HandlerContext& ctx) {
  auto req = ctx.request.decode<JoinGroupRequest>();
  if (!req) return ctx.responder.close("cannot parse JoinGroup: " + req.error().message);
  const int16_t v = ctx.request.version();
  Responder responder = ctx.responder;
  if (int16_t err = group_request_error(ctx, authz::Operation::read, req->group_id)) {
    JoinResult r;
    r.error = err;
    r.member_id = req->member_id;
    return send(responder, v, r);
  }
  JoinRequestParams p;
  p.group_id = std::move(req->group_id);
  p.member_id = std::move(req->member_id);
  p.group_instance_id = std::move(req->group_instance_id);
  p.client_id = ctx.request.header.client_id.value_or("");
  p.client_host = client_host_of(ctx.request.peer);
  p.session_timeout_ms = req->session_timeout_ms;
  p.rebalance_timeout_ms =
      v >= kFirstRebalanceTimeoutVersion ? req->rebalance_timeout_ms : req->session_timeout_ms;
  p.protocol_type = std::move(req->protocol_type);
  for (auto& proto : req->protocols)
    p.protocols.emplace_back(std::move(proto.name), std::move(proto.metadata));
  p.require_known_member_id = v >= kFirstKnownMemberIdVersion;
  p.supports_skip_assignment = v >= kFirstSkipAssignmentVersion;
  ctx.cluster.groups->join(std::move(p),
                           [responder, v](const JoinResult& r) { send(responder, v, r); });
}

}  // namespace

const ApiHandler join_group_api{JoinGroupRequest::api_key, 0, 9, &handle_join_group};

}  // namespace kafkit::broker
