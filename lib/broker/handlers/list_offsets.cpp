// ListOffsets (key 2): the offset for a timestamp, or for one of the special timestamps,
// per partition. Advertised 1-10: v0 (the multi-offset `OldStyleOffsets` layout) is gone
// since KIP-896, but v1 stays advertised because librdkafka 2.0.2 gates its OffsetTime
// feature on ListOffsets 1 (protocol-facts §1.3).
//
// Special timestamps, answered as Kafka's UnifiedLog/Partition do:
//   -1 latest           log end (read_committed: the last stable offset, which equals the
//                       log end here: this broker keeps no open transactions), timestamp -1
//   -2 earliest         log start, timestamp -1
//   -3 max timestamp    KIP-734: the first record carrying the largest timestamp
//   -4 earliest local   KIP-405: the local log start, = log start without tiered storage
//   -5 latest tiered    KIP-1005: without tiered storage Kafka answers offset -1,
//                       timestamp -1, leader epoch -1 (UnifiedLog, remote log disabled)
// Any other value is a lookup by time: the first record whose timestamp is >= it, or
// offset -1 / timestamp -1 when no record is that late.
#include <map>
#include <utility>

#include "broker/cluster_state.hpp"
#include "broker/faults/injected_errors.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "protocol/messages/list_offsets.hpp"

namespace kafkit::broker {
namespace {

using protocol::ListOffsetsRequest;
using protocol::ListOffsetsResponse;
using PartitionResponse = ListOffsetsResponse::ListOffsetsPartitionResponse;

constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;
constexpr int64_t kMaxTimestamp = -3;
constexpr int64_t kEarliestLocal = -4;
constexpr int64_t kLatestTiered = -5;
// ReplicaId -2 is the "debugging" consumer that may read from any replica; every other
// caller must ask the leader.
constexpr int32_t kDebuggingReplicaId = -2;

PartitionResponse error_response(int32_t partition, ErrorCode error) {
  PartitionResponse r;
  r.partition_index = partition;
  r.error_code = code(error);
  r.timestamp = -1;
  r.offset = -1;
  r.leader_epoch = -1;
  return r;
}

PartitionResponse answer_partition(ClusterState& cluster, int32_t node_id, bool require_leader,
                                   const std::string& topic,
                                   const ListOffsetsRequest::ListOffsetsPartition& req) {
  PartitionLookup found =
      lookup_partition(cluster, node_id, false, topic, protocol::Uuid{}, req.partition_index,
                       req.current_leader_epoch, require_leader);
  if (!found.ok()) return error_response(req.partition_index, found.error);
  Partition& p = *found.partition;
  PartitionLog& log = *p.log;

  PartitionResponse r;
  r.partition_index = req.partition_index;
  r.error_code = code(ErrorCode::None);
  r.timestamp = -1;
  r.offset = -1;
  r.leader_epoch = p.leader_epoch;
  switch (req.timestamp) {
    case kLatest:
      r.offset = log.log_end_offset();
      return r;
    case kEarliest:
    case kEarliestLocal:
      r.offset = log.log_start_offset();
      return r;
    case kLatestTiered:
      r.leader_epoch = -1;
      return r;
    default:
      break;
  }
  auto hit = req.timestamp == kMaxTimestamp ? log.max_timestamp_offset()
                                            : log.offset_for_timestamp(req.timestamp);
  if (!hit) {
    cluster.log("ListOffsets " + topic + "-" + std::to_string(req.partition_index) + ": " +
                hit.error().message);
    return error_response(req.partition_index, static_cast<ErrorCode>(wire_code(hit.error())));
  }
  if (!hit->has_value()) {
    // Nothing at or after the timestamp (or an empty log for -3): Kafka's "unknown" answer.
    r.leader_epoch = -1;
    return r;
  }
  r.offset = (*hit)->offset;
  r.timestamp = (*hit)->timestamp;
  if ((*hit)->leader_epoch >= 0) r.leader_epoch = (*hit)->leader_epoch;
  return r;
}

void handle_list_offsets(HandlerContext& ctx) {
  auto req = ctx.request.decode<ListOffsetsRequest>();
  if (!req) return ctx.responder.close("cannot parse ListOffsets: " + req.error().message);

  // Kafka answers every occurrence of a partition named twice in one request with
  // INVALID_REQUEST instead of picking one of them.
  std::map<std::pair<std::string, int32_t>, int> seen;
  for (const auto& t : req->topics)
    for (const auto& p : t.partitions) ++seen[{t.name, p.partition_index}];

  bool require_leader = req->replica_id != kDebuggingReplicaId;
  ListOffsetsResponse resp;
  resp.throttle_time_ms = 0;
  auto injected = InjectedErrors::for_request(ctx.cluster, *req);
  for (const auto& t : req->topics) {
    ListOffsetsResponse::ListOffsetsTopicResponse tr;
    tr.name = t.name;
    const bool allowed = topic_authorized(ctx, authz::Operation::describe, t.name);
    for (const auto& p : t.partitions) {
      if (!allowed)
        tr.partitions.push_back(
            error_response(p.partition_index, ErrorCode::TopicAuthorizationFailed));
      else if (auto e = injected.error_for(t.name, p.partition_index))
        tr.partitions.push_back(error_response(p.partition_index, static_cast<ErrorCode>(*e)));
      else if (seen[{t.name, p.partition_index}] > 1)
        tr.partitions.push_back(error_response(p.partition_index, ErrorCode::InvalidRequest));
      else
        tr.partitions.push_back(
            answer_partition(ctx.cluster, ctx.request.node_id, require_leader, t.name, p));
    }
    resp.topics.push_back(std::move(tr));
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler list_offsets_api{ListOffsetsRequest::api_key, 1, 10, &handle_list_offsets};

}  // namespace kafkit::broker
