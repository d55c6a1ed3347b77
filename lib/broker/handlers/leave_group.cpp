// LeaveGroup (key 13), v0-5: v0-2 one member id, its error as the response's; v3+ a batch
// of members by member id and/or group instance id (KIP-345: an administrator may remove
// a static member by instance id alone), with per-member errors.
#include "protocol/messages/leave_group.hpp"

#include "broker/handlers/group_request.hpp"
#include "broker/handlers/handler_list.hpp"

namespace kafkit::broker {
namespace {

using protocol::LeaveGroupRequest;
using protocol::LeaveGroupResponse;

constexpr int16_t kFirstBatchVersion = 3;

void handle_leave_group(HandlerContext& ctx) {
  auto req = ctx.request.decode<LeaveGroupRequest>();
  if (!req) return ctx.responder.close("cannot parse LeaveGroup: " + req.error().message);
  const bool batch = ctx.request.version() >= kFirstBatchVersion;
  LeaveGroupResponse resp;
  resp.throttle_time_ms = 0;
  resp.error_code = group_request_error(ctx, authz::Operation::read, req->group_id);
  if (resp.error_code != 0) return ctx.responder.send(resp);
  std::vector<LeavingMember> leaving;
  if (batch) {
    for (const auto& m : req->members) leaving.push_back({m.member_id, m.group_instance_id});
  } else {
    leaving.push_back({req->member_id, std::nullopt});
  }
  std::vector<int16_t> errors;
  resp.error_code = ctx.cluster.groups->leave(req->group_id, leaving, errors);
  if (!batch) {
    if (resp.error_code == 0 && !errors.empty()) resp.error_code = errors.front();
  } else if (resp.error_code == 0) {
    for (size_t i = 0; i < leaving.size(); ++i) {
      LeaveGroupResponse::MemberResponse m;
      m.member_id = leaving[i].member_id;
      m.group_instance_id = leaving[i].group_instance_id;
      m.error_code = errors[i];
      resp.members.push_back(std::move(m));
    }
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler leave_group_api{LeaveGroupRequest::api_key, 0, 5, &handle_leave_group};

}  // namespace kafkit::broker
