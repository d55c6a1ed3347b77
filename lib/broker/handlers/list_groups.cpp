// ListGroups (key 16), v0-5: the groups this node coordinates. v4+ filters by state
// (KIP-518, case-insensitive) and reports each group's state; v5 filters by type
// (KIP-848): every group here is a "classic" group.
#include <algorithm>
#include <cctype>

#include "protocol/messages/list_groups.hpp"

#include "broker/handlers/group_request.hpp"
#include "broker/handlers/handler_list.hpp"

namespace kafkit::broker {
namespace {

using protocol::ListGroupsRequest;
using protocol::ListGroupsResponse;

constexpr std::string_view kClassic = "classic";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

void handle_list_groups(HandlerContext& ctx) {
  auto req = ctx.request.decode<ListGroupsRequest>();
  if (!req) return ctx.responder.close("cannot parse ListGroups: " + req.error().message);
  ListGroupsResponse resp;
  resp.throttle_time_ms = 0;
  const ClusterState& cluster = ctx.cluster;
  const int32_t node_id = ctx.request.node_id;
  auto here = [&cluster, node_id](const std::string& group) {
    const NodeInfo* n = coordinator_for(cluster, group);
    return n != nullptr && n->id == node_id;
  };
  bool type_ok = req->types_filter.empty() ||
                 std::any_of(req->types_filter.begin(), req->types_filter.end(),
                             [](const std::string& t) { return iequals(t, kClassic); });
  for (const GroupOverview& g : ctx.cluster.groups->list(here)) {
    std::string_view state = group_state_name(g.state);
    if (!type_ok) break;
    // Only the groups the principal may describe are listed (Kafka), without a log line.
    if (!group_authorized(ctx, authz::Operation::describe, g.group_id, false)) continue;
    if (!req->states_filter.empty() &&
        std::none_of(req->states_filter.begin(), req->states_filter.end(),
                     [state](const std::string& s) { return iequals(s, state); }))
      continue;
    ListGroupsResponse::ListedGroup out;
    out.group_id = g.group_id;
    out.protocol_type = g.protocol_type;
    out.group_state = std::string(state);
    out.group_type = std::string(kClassic);
    resp.groups.push_back(std::move(out));
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler list_groups_api{ListGroupsRequest::api_key, 0, 5, &handle_list_groups};

}  // namespace kafkit::broker
