// DescribeGroups (key 15), v0-5: each group's state, protocol and members; member
// metadata and assignments only while Stable, and an unknown group is "Dead" without an
// error, as Kafka answers. v3+ authorized operations when asked (no ACLs here: every
// group operation is allowed).
#include "protocol/messages/describe_groups.hpp"

#include "broker/handlers/group_request.hpp"
#include "broker/handlers/handler_list.hpp"

namespace kafkit::broker {
namespace {

using protocol::DescribeGroupsRequest;
using protocol::DescribeGroupsResponse;

// AclOperation codes READ (3), DELETE (6) and DESCRIBE (8): what a group supports.
constexpr int32_t kGroupOperations = (1 << 3) | (1 << 6) | (1 << 8);
constexpr int32_t kOperationsNotRequested = INT32_MIN;

void handle_describe_groups(HandlerContext& ctx) {
  auto req = ctx.request.decode<DescribeGroupsRequest>();
  if (!req) return ctx.responder.close("cannot parse DescribeGroups: " + req.error().message);
  DescribeGroupsResponse resp;
  resp.throttle_time_ms = 0;
  for (const std::string& id : req->groups) {
    DescribeGroupsResponse::DescribedGroup out;
    out.group_id = id;
    out.authorized_operations =
        req->include_authorized_operations ? kGroupOperations : kOperationsNotRequested;
    out.error_code = group_request_error(ctx, authz::Operation::describe, id, true);
    if (out.error_code != 0) {
      resp.groups.push_back(std::move(out));
      continue;
    }
    GroupSummary s = ctx.cluster.groups->describe(id);
    out.group_state = std::move(s.state);
    out.protocol_type = std::move(s.protocol_type);
    out.protocol_data = std::move(s.protocol_data);
    for (auto& m : s.members) {
      DescribeGroupsResponse::DescribedGroupMember dm;
      dm.member_id = std::move(m.member_id);
      dm.group_instance_id = std::move(m.group_instance_id);
      dm.client_id = std::move(m.client_id);
      dm.client_host = std::move(m.client_host);
      dm.member_metadata = std::move(m.metadata);
      dm.member_assignment = std::move(m.assignment);
      out.members.push_back(std::move(dm));
    }
    resp.groups.push_back(std::move(out));
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler describe_groups_api{DescribeGroupsRequest::api_key, 0, 5, &handle_describe_groups};

}  // namespace kafkit::broker
