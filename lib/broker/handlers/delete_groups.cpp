// DeleteGroups (key 42), v0-2: deletes Empty groups with their committed offsets;
// NON_EMPTY_GROUP while a group has members, GROUP_ID_NOT_FOUND for an unknown one.
#include "protocol/messages/delete_groups.hpp"

#include "broker/handlers/group_request.hpp"
#include "broker/handlers/handler_list.hpp"

namespace kafkit::broker {
namespace {

using protocol::DeleteGroupsRequest;
using protocol::DeleteGroupsResponse;

void handle_delete_groups(HandlerContext& ctx) {
  auto req = ctx.request.decode<DeleteGroupsRequest>();
  if (!req) return ctx.responder.close("cannot parse DeleteGroups: " + req.error().message);
  DeleteGroupsResponse resp;
  resp.throttle_time_ms = 0;
  for (const std::string& id : req->groups_names) {
    DeleteGroupsResponse::DeletableGroupResult r;
    r.group_id = id;
    r.error_code = group_request_error(ctx, authz::Operation::del, id, true);
    if (r.error_code == 0) r.error_code = ctx.cluster.groups->delete_group(id);
    resp.results.push_back(std::move(r));
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler delete_groups_api{DeleteGroupsRequest::api_key, 0, 2, &handle_delete_groups};

}  // namespace kafkit::broker
