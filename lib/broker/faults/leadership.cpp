#include "broker/faults/leadership.hpp"

#include <algorithm>
#include <string>

#include "broker/cluster_state.hpp"
#include "broker/kafka_error.hpp"

namespace kafkit::broker {
namespace {

void set_leader(ClusterState& cluster, const Topic& topic, Partition& p, int32_t leader) {
  if (p.leader == leader) return;
  p.leader = leader;
  ++p.leader_epoch;
  cluster.log("partition " + topic.name + "-" + std::to_string(p.index) + " now led by node " +
              std::to_string(leader) + " at epoch " + std::to_string(p.leader_epoch));
  // Parked fetches on the old leader are answered now (NOT_LEADER_OR_FOLLOWER), as Kafka
  // completes them on a leader change instead of letting them wait out max.wait.ms.
  cluster.fetches.on_append(topic.name, p.index);
}

bool running(const ClusterState& cluster, int32_t id) {
  return cluster.node(id) != nullptr && !cluster.faults.stopped(id);
}

}  // namespace

Result<void> move_leader(ClusterState& cluster, std::string_view topic, int32_t partition,
                         int32_t to) {
  Topic* t = cluster.topics->find(topic);
  if (t == nullptr || partition < 0 || static_cast<size_t>(partition) >= t->partitions.size())
    return kafka_error(ErrorCode::UnknownTopicOrPartition,
                       "no partition " + std::string(topic) + "-" + std::to_string(partition));
  if (!running(cluster, to))
    return Error{errc::invalid_argument, "node " + std::to_string(to) + " is not running"};
  set_leader(cluster, *t, t->partitions[static_cast<size_t>(partition)], to);
  return {};
}

void rotate_leaders(ClusterState& cluster) {
  std::vector<int32_t> ids;
  for (const NodeInfo& n : cluster.nodes)
    if (!cluster.faults.stopped(n.id)) ids.push_back(n.id);
  if (ids.size() < 2) return;
  std::sort(ids.begin(), ids.end());
  for (const auto& entry : cluster.topics->topics()) {
    // topics() is const: the partitions are reached through find(), which is not.
    Topic& t = *cluster.topics->find(entry.first);
    for (Partition& p : t.partitions) {
      auto next = std::upper_bound(ids.begin(), ids.end(), p.leader);
      set_leader(cluster, t, p, next == ids.end() ? ids.front() : *next);
    }
  }
}

void elect_leaders_away_from(ClusterState& cluster, int32_t node_id) {
  int32_t any_running = -1;
  for (const NodeInfo& n : cluster.nodes)
    if (n.id != node_id && !cluster.faults.stopped(n.id)) {
      any_running = n.id;
      break;
    }
  if (any_running < 0) return;
  for (const auto& entry : cluster.topics->topics()) {
    Topic& t = *cluster.topics->find(entry.first);
    for (Partition& p : t.partitions) {
      if (p.leader != node_id) continue;
      int32_t chosen = any_running;
      for (int32_t r : p.replicas)
        if (r != node_id && running(cluster, r)) {
          chosen = r;
          break;
        }
      set_leader(cluster, t, p, chosen);
    }
  }
}

}  // namespace kafkit::broker
