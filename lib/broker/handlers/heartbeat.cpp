// Heartbeat (key 12), v0-4: keeps a member's session alive and tells it when a rebalance
// started (REBALANCE_IN_PROGRESS), or that it is no longer a member (UNKNOWN_MEMBER_ID,
// ILLEGAL_GENERATION, FENCED_INSTANCE_ID).
#include "protocol/messages/heartbeat.hpp"

#include "broker/handlers/group_request.hpp"
#include "broker/handlers/handler_list.hpp"

namespace kafkit::broker {
namespace {

using protocol::HeartbeatRequest;
using protocol::HeartbeatResponse;

void handle_heartbeat(HandlerContext& ctx) {
  auto req = ctx.request.decode<HeartbeatRequest>();
  if (!req) return ctx.responder.close("cannot parse Heartbeat: " + req.error().message);
  HeartbeatResponse resp;
  resp.throttle_time_ms = 0;
  resp.error_code = group_request_error(ctx, authz::Operation::read, req->group_id);
  if (resp.error_code == 0)
    resp.error_code = ctx.cluster.groups->heartbeat(req->group_id, req->generation_id,
                                                    req->member_id, req->group_instance_id);
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler heartbeat_api{HeartbeatRequest::api_key, 0, 4, &handle_heartbeat};

}  // namespace kafkit::broker
