// OffsetCommit (key 8): a group's consumed positions, stored durably in the GroupLog.
// Advertised 2-9 as Kafka 4.x does (v0-1 are gone since KIP-896; librdkafka 2.0.2 asks for
// 0-7 and settles on 7, and its BrokerBalancedConsumer feature needs 1-2). Version
// differences: v1 carries a commit timestamp per partition; v2-4 a RetentionTimeMs (an
// explicit retention fixes the offset's expiry); v6+ the leader epoch; v7+ the group
// instance id (KIP-345); v8+ is flexible; v9 (KIP-848) answers GROUP_ID_NOT_FOUND where
// earlier versions say ILLEGAL_GENERATION for a group that does not exist.
//
// The checks run in Kafka's order: KafkaApis first answers partitions of unknown topics or
// out-of-range partitions with UNKNOWN_TOPIC_OR_PARTITION; the coordinator then gives every
// other partition the group-level error (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE,
// ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, ...) or, per partition,
// OFFSET_METADATA_TOO_LARGE. An empty group id is accepted, as Kafka accepts it for
// backwards compatibility (only a null one, impossible on the wire, is INVALID_GROUP_ID).
#include <limits>
#include <string>
#include <vector>

#include "broker/cluster_state.hpp"
#include "broker/group/coordinator_node.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "protocol/messages/offset_commit.hpp"

namespace kafkit::broker {
namespace {

using protocol::OffsetCommitRequest;
using protocol::OffsetCommitResponse;

constexpr int16_t kFirstRetentionVersion = 2;
constexpr int16_t kLastRetentionVersion = 4;

bool partition_exists(ClusterState& cluster, const std::string& topic, int32_t partition) {
  const Topic* t = cluster.topics->find(topic);
  return t != nullptr && partition >= 0 && static_cast<size_t>(partition) < t->partitions.size();
}

void handle_offset_commit(HandlerContext& ctx) {
  auto req = ctx.request.decode<OffsetCommitRequest>();
  if (!req) return ctx.responder.close("cannot parse OffsetCommit: " + req.error().message);
  int16_t version = ctx.request.version();
  ClusterState& cluster = ctx.cluster;
  OffsetStore& store = *cluster.offsets;
  int64_t now = ClusterState::now_ms();

  // Authorization first (Kafka): READ on the group, else every partition is refused;
  // then READ on each topic.
  const bool group_allowed = group_authorized(ctx, authz::Operation::read, req->group_id);
  int16_t group_error = check_coordinator(cluster, ctx.request.node_id, req->group_id);
  if (group_error == 0)
    group_error =
        store.check_commit(req->group_id, req->member_id, req->generation_id_or_member_epoch,
                           req->group_instance_id, version);
  // v2-4: an explicit retention fixes the expiry of every offset of the request.
  int64_t expire_at = -1;
  if (version >= kFirstRetentionVersion && version <= kLastRetentionVersion &&
      req->retention_time_ms != -1)
    // Saturating: a client may send any int64 here (found by kafkit-fuzz under UBSan).
    if (__builtin_add_overflow(now, req->retention_time_ms, &expire_at))
      expire_at = req->retention_time_ms > 0 ? std::numeric_limits<int64_t>::max() : 0;

  OffsetCommitResponse resp;
  resp.throttle_time_ms = 0;
  std::vector<OffsetStore::Commit> commits;
  std::vector<std::pair<size_t, size_t>> committed;  // (topic, row) of each of `commits`
  for (auto& topic : req->topics) {
    OffsetCommitResponse::OffsetCommitResponseTopic rt;
    rt.name = topic.name;
    rt.partitions.reserve(topic.partitions.size());
    resp.topics.push_back(std::move(rt));
  }
  for (size_t ti = 0; ti < req->topics.size(); ++ti) {
    auto& topic = req->topics[ti];
    auto& rows = resp.topics[ti].partitions;
    const bool topic_allowed =
        group_allowed && topic_authorized(ctx, authz::Operation::read, topic.name);
    for (auto& p : topic.partitions) {
      OffsetCommitResponse::OffsetCommitResponsePartition row;
      row.partition_index = p.partition_index;
      if (!group_allowed) {
        row.error_code = code(ErrorCode::GroupAuthorizationFailed);
      } else if (!topic_allowed) {
        row.error_code = code(ErrorCode::TopicAuthorizationFailed);
      } else if (!partition_exists(cluster, topic.name, p.partition_index)) {
        row.error_code = code(ErrorCode::UnknownTopicOrPartition);
      } else if (group_error != 0) {
        row.error_code = group_error;
      } else if (store.metadata_too_large(p.committed_metadata)) {
        row.error_code = code(ErrorCode::OffsetMetadataTooLarge);
      } else {
        CommittedOffset v;
        v.offset = p.committed_offset;
        v.leader_epoch = p.committed_leader_epoch;
        v.metadata = p.committed_metadata.value_or("");
        v.commit_timestamp_ms = p.commit_timestamp == -1 ? now : p.commit_timestamp;
        v.expire_timestamp_ms = expire_at;
        commits.push_back({topic.name, p.partition_index, std::move(v)});
        committed.emplace_back(ti, rows.size());
      }
      rows.push_back(row);
    }
  }
  if (!commits.empty()) {
    if (auto r = store.commit(req->group_id, std::move(commits)); !r) {
      cluster.log("cannot store offsets of group " + req->group_id + ": " + r.error().message);
      // Kafka's coordinator turns a storage failure into NOT_COORDINATOR, so the client
      // looks the coordinator up again and retries.
      for (const auto& at : committed)
        resp.topics[at.first].partitions[at.second].error_code = code(ErrorCode::NotCoordinator);
    }
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler offset_commit_api{OffsetCommitRequest::api_key, 2, 9, &handle_offset_commit};

}  // namespace kafkit::broker
