#pragma once
// ClusterState: everything the nodes of one broker process share — configuration, the
// node list, topics and their logs, parked fetches. Owned by the loop thread; handlers get
// it through HandlerContext.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/broker_config.hpp"
#include "broker/delayed_fetches.hpp"
#include "broker/faults/fault_state.hpp"
#include "broker/group/group_coordinator.hpp"
#include "broker/group/group_log.hpp"
#include "broker/group/offset_store.hpp"
#include "broker/sasl/sasl_stats.hpp"
#include "broker/topic_store.hpp"
#include "net/event_loop.hpp"

namespace kafkit::broker {

struct NodeInfo {
  int32_t id = 0;
  std::string host;  // advertised
  /// The node's bound port per listener (BrokerConfig::listeners index): a client is told
  /// the endpoints of the listener it came in on, as Kafka matches listener names.
  std::vector<uint16_t> ports;
  uint16_t port(size_t listener) const {
    return listener < ports.size() ? ports[listener] : ports.front();
  }
};

class ClusterState {
 public:
  ClusterState(net::EventLoop& loop, BrokerConfig config)
      : loop(loop),
        config(std::move(config)),
        fetches(loop),
        groups(std::make_unique<GroupCoordinator>(loop, GroupConfig::from(this->config))) {
    groups->set_log([this](const std::string& line) { log(line); });
  }

  net::EventLoop& loop;
  BrokerConfig config;
  std::vector<NodeInfo> nodes;         /// @thread loop
  std::unique_ptr<TopicStore> topics;  /// @thread loop
  /// The group coordinator's durable state (committed offsets, group metadata), and the
  /// committed offsets on top of it; `offsets` refers to `group_log`, so it is declared
  /// after it and destroyed first.
  std::unique_ptr<GroupLog> group_log;       /// @thread loop
  std::unique_ptr<OffsetStore> offsets;      /// @thread loop
  DelayedFetches fetches;                    /// @thread loop
  FaultState faults;                         /// @thread loop
  SaslStats sasl_stats;                      /// @thread loop
  std::unique_ptr<GroupCoordinator> groups;  /// @thread loop (classic consumer groups)

  /// Wall-clock milliseconds: record timestamps and retention are wall-clock by definition.
  static int64_t now_ms();
  const NodeInfo* node(int32_t id) const;
  /// The node that answers as controller: the first running one (every node can serve
  /// admin requests; a node taken down by Cluster::stop_node hands the role on).
  int32_t controller_id() const;
  void log(const std::string& line) const;
};

}  // namespace kafkit::broker
