// DeleteRecords (key 21), advertised 0-2: moves a partition's log start forward
// (Partition.deleteRecordsOnLeader in Kafka). Per partition:
//   - unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION; another node leads it:
//     NOT_LEADER_OR_FOLLOWER;
//   - a topic whose cleanup.policy does not include "delete" (compact only):
//     POLICY_VIOLATION, as Kafka refuses to delete records of such logs;
//   - offset -1 means the high watermark (the log end of this single-replica log); an offset
//     below -1 or beyond the high watermark: OFFSET_OUT_OF_RANGE;
//   - otherwise the log start becomes max(current start, offset); LowWatermark is the new
//     log start. Error rows carry LowWatermark -1.
#include <string>

#include "broker/cluster_state.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "broker/topic_config.hpp"
#include "protocol/messages/delete_records.hpp"

namespace kafkit::broker {
namespace {

using protocol::DeleteRecordsRequest;
using protocol::DeleteRecordsResponse;
using PartitionResult = DeleteRecordsResponse::DeleteRecordsPartitionResult;

constexpr int64_t kHighWatermark = -1;

PartitionResult failed(int32_t partition, int16_t error) {
  return PartitionResult{partition, -1, error, {}};
}

bool deletes(const ClusterState& cluster, const Topic& topic) {
  const TopicConfigDef* def = find_topic_config("cleanup.policy");
  if (def == nullptr) return true;
  std::string policy = effective_topic_config(*def, topic.configs, cluster.config.properties).value;
  return policy.find("delete") != std::string::npos;
}

PartitionResult delete_in(HandlerContext& ctx, const std::string& topic,
                          const DeleteRecordsRequest::DeleteRecordsPartition& p) {
  PartitionLookup found = lookup_partition(ctx.cluster, ctx.request.node_id, false, topic,
                                           protocol::Uuid{}, p.partition_index);
  if (!found.ok()) return failed(p.partition_index, code(found.error));
  if (!deletes(ctx.cluster, *found.topic))
    return failed(p.partition_index, code(ErrorCode::PolicyViolation));
  PartitionLog& log = *found.partition->log;
  int64_t end = log.log_end_offset();
  int64_t target = p.offset == kHighWatermark ? end : p.offset;
  if (target < 0 || target > end)
    return failed(p.partition_index, code(ErrorCode::OffsetOutOfRange));
  if (target <= log.log_start_offset())
    return PartitionResult{p.partition_index, log.log_start_offset(), code(ErrorCode::None), {}};
  auto moved = log.delete_records_before(target);
  if (!moved) {
    ctx.cluster.log("DeleteRecords " + topic + "-" + std::to_string(p.partition_index) + ": " +
                    moved.error().message);
    return failed(p.partition_index, wire_code(moved.error()));
  }
  return PartitionResult{p.partition_index, *moved, code(ErrorCode::None), {}};
}

void handle_delete_records(HandlerContext& ctx) {
  auto req = ctx.request.decode<DeleteRecordsRequest>();
  if (!req) return ctx.responder.close("cannot parse DeleteRecords: " + req.error().message);

  DeleteRecordsResponse resp;
  resp.throttle_time_ms = 0;
  for (const auto& t : req->topics) {
    DeleteRecordsResponse::DeleteRecordsTopicResult tr;
    tr.name = t.name;
    const bool allowed = topic_authorized(ctx, authz::Operation::del, t.name);
    for (const auto& p : t.partitions)
      tr.partitions.push_back(
          allowed ? delete_in(ctx, t.name, p)
                  : failed(p.partition_index, code(ErrorCode::TopicAuthorizationFailed)));
    resp.topics.push_back(std::move(tr));
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler delete_records_api{DeleteRecordsRequest::api_key, 0, 2, &handle_delete_records};

}  // namespace kafkit::broker
