#pragma once
// broker::Cluster: the reference broker as a library object. Starts N nodes in one
// process, each on its own listener, all sharing one loop thread that owns every piece of
// cluster state. Used by the kafkit-broker binary and, in-process, by tests
// (start on port 0, ask for the ports, stop).
//
// Thread-safety: every public member may be called from any thread except the loop's own
// callbacks; `stop()` and the destructor block until the loop thread has finished.
#include <cstdint>
#include <functional>
#include <memory>
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
  /// Node ids are config.node_id, +1, ...; node i listens on the first listener's port + i
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

  uint16_t port(size_t node_index = 0) const { return ports_.at(node_index); }
  const std::vector<int32_t>& node_ids() const noexcept { return node_ids_; }
  /// "host:port,host:port" of every node: a client's bootstrap.servers.
  std::string bootstrap_servers() const;
  /// Runs `fn` on the loop thread and waits for it (tests poke cluster state this way).
  void run_on_loop(std::function<void(ClusterState&)> fn);

 private:
  Cluster() = default;

  std::unique_ptr<net::EventLoop> loop_;
  std::unique_ptr<ClusterState> state_;
  std::vector<std::shared_ptr<Server>> servers_;
  std::vector<uint16_t> ports_;
  std::vector<int32_t> node_ids_;
  std::string host_;
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace kafkit::broker
