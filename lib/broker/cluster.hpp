#pragma once
// broker::Cluster: the reference broker as a library object. Starts N nodes in one
// process, each on its own listeners, all sharing one loop thread that owns every piece of
// cluster state. Used by the kafkit-broker binary and, in-process, by tests
// (start on port 0, ask for the ports, stop), which can also break it on purpose: move
// leaders, fail or delay the next requests of an API, stop and restart nodes.
//
// Thread-safety: every public member may be called from any thread except the loop's own
// callbacks; `stop()` and the destructor block until the loop thread has finished.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker_config.hpp"
#include "common/result.hpp"

namespace kafkit::net {
class EventLoop;
}

namespace kafkit::broker {

class ClusterState;
class Server;

struct ClusterOptions {
  BrokerConfig config;
  /// Node ids are config.node_id, +1, ...; node i binds every listener, on its port + i
  /// (or a kernel-chosen port when that is 0).
  int nodes = 1;
};

class Cluster {
 public:
  /// Opens the data directory (recovering every log), binds the listeners and starts the
  /// loop thread. Errors name the directory, file or address at fault.
  static Result<std::unique_ptr<Cluster>> start(ClusterOptions options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  /// Answers parked fetches, closes every connection, flushes and closes every log, and
  /// joins the loop thread. Idempotent.
  void stop();

  /// The bound port of node `node_index` on listener `listener` (BrokerConfig::listeners
  /// index).
  uint16_t port(size_t node_index = 0, size_t listener = 0) const;
  const std::vector<int32_t>& node_ids() const noexcept { return node_ids_; }
  /// "host:port,host:port" of every node on one listener: a client's bootstrap.servers.
  std::string bootstrap_servers(size_t listener = 0) const;
  /// Runs `fn` on the loop thread and waits for it (tests poke cluster state this way).
  void run_on_loop(std::function<void(ClusterState&)> fn);

  // ---- Fault injection, for client tests (DESIGN.md "The reference broker") ----
  // Each call blocks until the loop thread has applied it, so the next request a client
  // sends afterwards sees the change. Errors name what is unknown. None of it survives a
  // restart of the Cluster (leadership is recomputed from the replica lists).

  /// Leadership of one partition moves to `to_node_id` (a running node; it need not be a
  /// replica) and its leader epoch is bumped: the old leader answers
  /// NOT_LEADER_OR_FOLLOWER, Metadata shows the new leader and epoch, parked fetches on
  /// the old leader are answered at once. The data stays: all replicas share one log.
  Result<void> move_leader(const std::string& topic, int32_t partition, int32_t to_node_id);
  /// Every partition moves to the next running node by id (wrapping), epochs bumped: a
  /// "leadership changed everywhere" event. No-op with fewer than two running nodes.
  void rotate_leaders();
  struct PartitionLeader {
    int32_t leader = -1;  // -1 when its leader is a stopped node, as Metadata reports it
    int32_t leader_epoch = -1;
  };
  /// Current leader and epoch of a partition; nullopt when it does not exist.
  std::optional<PartitionLeader> leader_of(const std::string& topic, int32_t partition);

  /// The next `count` requests of API `api_key` are answered with `error_code` instead of
  /// being served. Produce, Fetch, ListOffsets, Metadata: the error is per partition (per
  /// topic for Metadata without a partition filter, which then lists no partitions), only
  /// for partitions matching `topic`/`partition` when given, and only requests naming such
  /// a partition count; nothing is appended for a failed Produce partition, other
  /// partitions of the request are served normally. FindCoordinator: every key of the
  /// request. Any other API: its response's top-level error code, every other field at its
  /// default (InitProducerId, DescribeCluster, ApiVersions, ...), even for an API this
  /// broker does not serve. Injections queue up in the order given.
  /// Errors: an API whose response has no error code to set, a filter on an API without
  /// partitions, count < 1.
  Result<void> inject_errors(int16_t api_key, int16_t error_code, int count,
                             std::optional<std::string> topic = std::nullopt,
                             std::optional<int32_t> partition = std::nullopt);
  /// The responses to the next `count` requests of `api_key` (on any node) are sent `delay`
  /// later than they are ready; the request itself is served at once (a delayed Produce
  /// is appended before the client hears of it). The connection stays muted meanwhile, so
  /// its later requests are answered after the delayed one, in order.
  void delay_responses(int16_t api_key, std::chrono::milliseconds delay, int count);
  /// Forgets injections and delays not used up yet (stopped nodes stay stopped).
  void clear_faults();

  /// Takes a node down: closes its listener (connects are refused) and every connection
  /// (clients see EOF/reset); other nodes' Metadata omit it from the brokers, and the
  /// partitions it leads show leader -1 with LEADER_NOT_AVAILABLE, as Kafka does for an
  /// offline leader. With `elect_new_leaders` those partitions move at once to a running
  /// replica (or any running node), epochs bumped, as a controller would elect, and the
  /// groups it coordinates move to the next running node (coordinator_for) until it starts
  /// again. Idempotent.
  Result<void> stop_node(int32_t node_id, bool elect_new_leaders = false);
  /// Brings a stopped node back on the same ports (every listener); partitions still
  /// assigned to it are led by it again. Fails when a port was taken in the meantime.
  /// Idempotent.
  Result<void> start_node(int32_t node_id);
  /// Closes every client connection of a node; its listener stays open.
  Result<void> drop_connections(int32_t node_id);

 private:
  Cluster() = default;

  std::unique_ptr<net::EventLoop> loop_;
  std::unique_ptr<ClusterState> state_;
  std::vector<std::shared_ptr<Server>> servers_;
  /// Node i's listeners as bound (kernel-chosen ports filled in), for port() and
  /// start_node().
  std::vector<std::vector<ListenerSpec>> listeners_;
  std::vector<int32_t> node_ids_;
  std::string host_;
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace kafkit::broker
