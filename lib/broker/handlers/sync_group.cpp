// SyncGroup (key 14), v0-5: the leader hands in the assignment, every member gets its own
// (followers wait until the leader's arrives). v3+ static members, v5+ protocol type and
// name, checked against the group's and echoed back.
#include "protocol/messages/sync_group.hpp"

#include "broker/handlers/group_request.hpp"
#include "broker/handlers/handler_list.hpp"

namespace kafkit::broker {
namespace {

using protocol::SyncGroupRequest;
using protocol::SyncGroupResponse;

constexpr int16_t kFirstProtocolVersion = 5;

void send(const Responder& responder, int16_t version, const SyncResult& r) {
  SyncGroupResponse resp;
  resp.throttle_time_ms = 0;
  resp.error_code = r.error;
  if (version >= kFirstProtocolVersion) {
    resp.protocol_type = r.protocol_type;
    resp.protocol_name = r.protocol_name;
  }
  resp.assignment = r.assignment;
  responder.send(resp);
}

void handle_sync_group(HandlerContext& ctx) {
  auto req = ctx.request.decode<SyncGroupRequest>();
  if (!req) return ctx.responder.close("cannot parse SyncGroup: " + req.error().message);
  const int16_t v = ctx.request.version();
  Responder responder = ctx.responder;
  if (int16_t err = group_request_error(ctx, authz::Operation::read, req->group_id))
    return send(responder, v, SyncResult{err, {}, {}, {}});
  SyncRequestParams p;
  p.group_id = std::move(req->group_id);
  p.generation_id = req->generation_id;
  p.member_id = std::move(req->member_id);
  p.group_instance_id = std::move(req->group_instance_id);
  p.protocol_type = std::move(req->protocol_type);
  p.protocol_name = std::move(req->protocol_name);
  for (auto& a : req->assignments)
    p.assignments.emplace_back(std::move(a.member_id), std::move(a.assignment));
  ctx.cluster.groups->sync(std::move(p),
                           [responder, v](const SyncResult& r) { send(responder, v, r); });
}

}  // namespace

const ApiHandler sync_group_api{SyncGroupRequest::api_key, 0, 5, &handle_sync_group};

}  // namespace kafkit::broker
