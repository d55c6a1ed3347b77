// broker::Cluster's fault-injection members (declared in cluster.hpp): each hands its work
// to the loop thread, which owns the state they change, and waits for it.
#include <string>

#include "broker/cluster.hpp"
#include "broker/cluster_state.hpp"
#include "broker/faults/fault_state.hpp"
#include "broker/faults/injected_response.hpp"
#include "broker/faults/leadership.hpp"
#include "broker/group/coordinator_node.hpp"
#include "broker/server/server.hpp"

namespace kafkit::broker {
namespace {

Error stopped_cluster() {
  return Error{errc::invalid_argument, "the cluster is stopped"};
}

Error unknown_node(int32_t node_id) {
  return Error{errc::invalid_argument, "no node " + std::to_string(node_id) + " in this cluster"};
}

}  // namespace

Result<void> Cluster::move_leader(const std::string& topic, int32_t partition, int32_t to_node_id) {
  if (stopped_) return stopped_cluster();
  Result<void> out = Result<void>{};
  run_on_loop(
      [&](ClusterState& state) { out = broker::move_leader(state, topic, partition, to_node_id); });
  return out;
}

void Cluster::rotate_leaders() {
  if (stopped_) return;
  run_on_loop([](ClusterState& state) { broker::rotate_leaders(state); });
}

std::optional<Cluster::PartitionLeader> Cluster::leader_of(const std::string& topic,
                                                           int32_t partition) {
  if (stopped_) return std::nullopt;
  std::optional<PartitionLeader> out;
  run_on_loop([&](ClusterState& state) {
    const Topic* t = state.topics->find(topic);
    if (t == nullptr || partition < 0 || static_cast<size_t>(partition) >= t->partitions.size())
      return;
    const Partition& p = t->partitions[static_cast<size_t>(partition)];
    out = PartitionLeader{state.faults.stopped(p.leader) ? -1 : p.leader, p.leader_epoch};
  });
  return out;
}

Result<void> Cluster::inject_errors(int16_t api_key, int16_t error_code, int count,
                                    std::optional<std::string> topic,
                                    std::optional<int32_t> partition) {
  if (stopped_) return stopped_cluster();
  if (count < 1) return Error{errc::invalid_argument, "count must be at least 1"};
  if (!can_inject_error(api_key))
    return Error{errc::invalid_argument,
                 "API " + std::to_string(api_key) + " has no error code this broker can inject"};
  if (topic && !api_names_partitions(api_key))
    return Error{errc::invalid_argument,
                 "API " + std::to_string(api_key) + " names no partitions to filter on"};
  if (partition && !topic) return Error{errc::invalid_argument, "a partition filter needs a topic"};
  ErrorInjection injection{api_key, error_code, count, std::move(topic), partition};
  run_on_loop([&](ClusterState& state) { state.faults.add_error(std::move(injection)); });
  return {};
}

void Cluster::delay_responses(int16_t api_key, std::chrono::milliseconds delay, int count) {
  if (stopped_) return;
  run_on_loop([&](ClusterState& state) { state.faults.add_delay({api_key, delay, count}); });
}

void Cluster::clear_faults() {
  if (stopped_) return;
  run_on_loop([](ClusterState& state) { state.faults.clear(); });
}

Result<void> Cluster::stop_node(int32_t node_id, bool elect_new_leaders) {
  if (stopped_) return stopped_cluster();
  for (size_t i = 0; i < node_ids_.size(); ++i) {
    if (node_ids_[i] != node_id) continue;
    run_on_loop([&](ClusterState& state) {
      if (state.faults.stopped(node_id)) return;
      // The groups it coordinates answer their parked requests NOT_COORDINATOR before the
      // connections go, and fall back to what was persisted (Kafka's group emigration).
      state.groups->unload([&state, node_id](const std::string& group) {
        const NodeInfo* n = coordinator_for(state, group);
        return n != nullptr && n->id == node_id;
      });
      servers_[i]->stop();
      state.faults.set_stopped(node_id, true, elect_new_leaders);
      state.log("node " + std::to_string(node_id) + " stopped");
      if (elect_new_leaders) elect_leaders_away_from(state, node_id);
    });
    return {};
  }
  return unknown_node(node_id);
}

Result<void> Cluster::start_node(int32_t node_id) {
  if (stopped_) return stopped_cluster();
  for (size_t i = 0; i < node_ids_.size(); ++i) {
    if (node_ids_[i] != node_id) continue;
    Result<void> out = Result<void>{};
    run_on_loop([&](ClusterState& state) {
      if (!state.faults.stopped(node_id)) return;
      // SO_REUSEADDR (Server::listen) lets the port be bound again despite the
      // TIME_WAIT connections the stop left behind.
      std::string ports;
      for (size_t l = 0; l < listeners_[i].size(); ++l) {
        auto port = servers_[i]->listen(listeners_[i][l], l);
        if (!port) {
          // Half a node is no node: close what was bound again.
          servers_[i]->stop();
          out = port.error();
          return;
        }
        ports += (ports.empty() ? "" : ", ") + std::to_string(*port);
      }
      if (state.faults.coordination_moved(node_id)) {
        // Its groups come home: the node serving them meanwhile hands them over.
        state.groups->unload([&state, node_id](const std::string& group) {
          const NodeInfo* n = home_coordinator(state, group);
          return n != nullptr && n->id == node_id;
        });
      }
      state.faults.set_stopped(node_id, false);
      state.log("node " + std::to_string(node_id) + " started again on port(s) " + ports);
    });
    return out;
  }
  return unknown_node(node_id);
}

Result<void> Cluster::drop_connections(int32_t node_id) {
  if (stopped_) return stopped_cluster();
  for (size_t i = 0; i < node_ids_.size(); ++i) {
    if (node_ids_[i] != node_id) continue;
    run_on_loop([&](ClusterState& state) {
      state.log("dropping every connection of node " + std::to_string(node_id));
      servers_[i]->close_sessions();
    });
    return {};
  }
  return unknown_node(node_id);
}

}  // namespace kafkit::broker
