// OffsetDelete (key 47, KIP-496): removes committed offsets of a group. Only v0 exists,
// never flexible. As Kafka answers it:
//   - an empty group id: INVALID_GROUP_ID; then the coordinator check (NOT_COORDINATOR,
//     COORDINATOR_NOT_AVAILABLE); then the group's state: GROUP_ID_NOT_FOUND for a group
//     that does not exist, NON_EMPTY_GROUP for a group with members that is not a consumer
//     group. Each is a top-level error with no topics listed (Kafka's response builder
//     drops the per-partition rows when the coordinator fails the whole request);
//   - otherwise, per partition: UNKNOWN_TOPIC_OR_PARTITION for a topic or partition that
//     does not exist, GROUP_SUBSCRIBED_TO_TOPIC for a topic a live member subscribes to,
//     else no error, whether or not an offset was committed for it.
#include <string>
#include <utility>
#include <vector>

#include "broker/cluster_state.hpp"
#include "broker/group/coordinator_node.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "protocol/messages/offset_delete.hpp"

namespace kafkit::broker {
namespace {

using protocol::OffsetDeleteRequest;
using protocol::OffsetDeleteResponse;

void handle_offset_delete(HandlerContext& ctx) {
  auto req = ctx.request.decode<OffsetDeleteRequest>();
  if (!req) return ctx.responder.close("cannot parse OffsetDelete: " + req.error().message);
  ClusterState& cluster = ctx.cluster;
  OffsetStore& store = *cluster.offsets;
  OffsetDeleteResponse resp;
  resp.throttle_time_ms = 0;

  // Authorization first (Kafka): DELETE on the group, then READ on each topic.
  int16_t group_error = !group_authorized(ctx, authz::Operation::del, req->group_id)
                            ? code(ErrorCode::GroupAuthorizationFailed)
                        : req->group_id.empty()
                            ? code(ErrorCode::InvalidGroupId)
                            : check_coordinator(cluster, ctx.request.node_id, req->group_id);
  if (group_error == 0) group_error = store.check_delete(req->group_id);
  if (group_error != 0) {
    resp.error_code = group_error;
    return ctx.responder.send(resp);
  }

  std::vector<std::pair<std::string, int32_t>> to_delete;
  for (const auto& topic : req->topics) {
    OffsetDeleteResponse::OffsetDeleteResponseTopic rt;
    rt.name = topic.name;
    const Topic* t = cluster.topics->find(topic.name);
    bool subscribed = t != nullptr && store.subscribed(req->group_id, topic.name);
    const bool allowed = topic_authorized(ctx, authz::Operation::read, topic.name);
    for (const auto& p : topic.partitions) {
      OffsetDeleteResponse::OffsetDeleteResponsePartition rp;
      rp.partition_index = p.partition_index;
      if (!allowed) {
        rp.error_code = code(ErrorCode::TopicAuthorizationFailed);
      } else if (t == nullptr || p.partition_index < 0 ||
                 static_cast<size_t>(p.partition_index) >= t->partitions.size()) {
        rp.error_code = code(ErrorCode::UnknownTopicOrPartition);
      } else if (subscribed) {
        rp.error_code = code(ErrorCode::GroupSubscribedToTopic);
      } else {
        to_delete.emplace_back(topic.name, p.partition_index);
      }
      rt.partitions.push_back(rp);
    }
    resp.topics.push_back(std::move(rt));
  }
  if (auto r = store.delete_offsets(req->group_id, to_delete); !r) {
    cluster.log("cannot delete offsets of group " + req->group_id + ": " + r.error().message);
    // A storage failure fails the request as a whole (Kafka: NOT_COORDINATOR).
    resp.topics.clear();
    resp.error_code = code(ErrorCode::NotCoordinator);
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler offset_delete_api{OffsetDeleteRequest::api_key, 0, 0, &handle_offset_delete};

}  // namespace kafkit::broker
