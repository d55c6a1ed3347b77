#pragma once
// Which node coordinates a group or transactional id. Kafka maps a key to a partition of
// __consumer_offsets / __transaction_state by abs(String.hashCode(key)) % partitions and
// answers with that partition's leader. This broker has no internal topics, so it hashes
// straight onto the node list: nodes[abs(hashCode(key)) % nodes.size()], with Java's
// String.hashCode over UTF-16 code units and Kafka's Utils.abs (INT_MIN maps to 0). The
// answer is stable per key for a given cluster size, which is what clients rely on.
#include <cstdint>
#include <string_view>

namespace kafkit::broker {

class ClusterState;
struct NodeInfo;

/// Java's String.hashCode of the UTF-16 form of a UTF-8 string.
int32_t java_string_hash(std::string_view s);

/// The node `key` hashes to, running or not; nullptr when the cluster has no nodes.
const NodeInfo* home_coordinator(const ClusterState& cluster, std::string_view key);
/// The node that coordinates `key`: its home node, unless that node was stopped with new
/// leaders elected (Cluster::stop_node(id, true)) — then the next running node in node
/// order, as Kafka moves a __consumer_offsets partition's leadership. nullptr when the
/// cluster has no nodes.
const NodeInfo* coordinator_for(const ClusterState& cluster, std::string_view key);

/// Error code a group request for `group` received by node `node_id` must be answered
/// with before anything else: 0 when this node coordinates the group and is running,
/// NOT_COORDINATOR when another node does, COORDINATOR_NOT_AVAILABLE when it is stopped
/// (Cluster::stop_node). Group APIs call this first, as Kafka's do.
int16_t check_coordinator(const ClusterState& cluster, int32_t node_id, std::string_view group);

}  // namespace kafkit::broker
