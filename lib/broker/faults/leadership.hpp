#pragma once
// Leadership changes a test asks for. Replicas share the one log of their partition in
// this broker, so a new leader needs no catch-up: leadership is metadata — the leader id
// and a leader epoch bumped on every change, as the controller does (KIP-320 fencing then
// works as in Kafka: a client still on the old epoch gets FENCED_LEADER_EPOCH).
// Loop thread only.
#include <cstdint>
#include <string_view>

#include "common/result.hpp"

namespace kafkit::broker {

class ClusterState;

/// Makes `to` the leader of `topic`/`partition` (any node, a replica or not) and bumps the
/// epoch. Errors: unknown topic, partition or node, or a stopped node.
Result<void> move_leader(ClusterState& cluster, std::string_view topic, int32_t partition,
                         int32_t to);
/// Every partition's leader becomes the next running node after it (by node id, wrapping),
/// so that each partition changes leader when two or more nodes run.
void rotate_leaders(ClusterState& cluster);
/// Re-elects every partition led by `node_id`: the first running replica, else the first
/// running node (beyond Kafka, which cannot elect outside the ISR; kept so replication
/// factor 1 topics stay usable in tests). Partitions stay on `node_id` when nothing runs.
void elect_leaders_away_from(ClusterState& cluster, int32_t node_id);

}  // namespace kafkit::broker
