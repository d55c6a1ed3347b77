#pragma once
// Finding the partition a request names, with the error Kafka gives when it cannot be
// served here: UNKNOWN_TOPIC_OR_PARTITION (or UNKNOWN_TOPIC_ID for lookups by id),
// NOT_LEADER_OR_FOLLOWER when another node leads it, and the leader-epoch fencing of
// KIP-320 (FENCED_LEADER_EPOCH for an older epoch, UNKNOWN_LEADER_EPOCH for a newer one).
#include <cstdint>
#include <string_view>

#include "broker/cluster_state.hpp"
#include "broker/kafka_error.hpp"
#include "broker/topic_store.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

struct PartitionLookup {
  Topic* topic = nullptr;
  Partition* partition = nullptr;
  ErrorCode error = ErrorCode::None;
  bool ok() const noexcept { return error == ErrorCode::None; }
};

/// `by_id` selects the topic by `id` (request versions with topic ids) instead of `name`.
/// `current_leader_epoch` -1 skips the epoch check. `require_leader` is false for requests
/// any replica may answer.
inline PartitionLookup lookup_partition(ClusterState& cluster, int32_t node_id, bool by_id,
                                        std::string_view name, const protocol::Uuid& id,
                                        int32_t partition, int32_t current_leader_epoch = -1,
                                        bool require_leader = true) {
  PartitionLookup out;
  out.topic = by_id ? cluster.topics->find(id) : cluster.topics->find(name);
  if (out.topic == nullptr) {
    out.error = by_id ? ErrorCode::UnknownTopicId : ErrorCode::UnknownTopicOrPartition;
    return out;
  }
  if (partition < 0 || static_cast<size_t>(partition) >= out.topic->partitions.size()) {
    out.error = ErrorCode::UnknownTopicOrPartition;
    return out;
  }
  out.partition = &out.topic->partitions[static_cast<size_t>(partition)];
  if (require_leader && out.partition->leader != node_id) {
    out.error = ErrorCode::NotLeaderOrFollower;
    return out;
  }
  if (current_leader_epoch >= 0) {
    if (current_leader_epoch < out.partition->leader_epoch)
      out.error = ErrorCode::FencedLeaderEpoch;
    else if (current_leader_epoch > out.partition->leader_epoch)
      out.error = ErrorCode::UnknownLeaderEpoch;
  }
  return out;
}

inline int16_t code(ErrorCode e) {
  return static_cast<int16_t>(e);
}

}  // namespace kafkit::broker
