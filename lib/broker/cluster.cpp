#include "broker/cluster.hpp"

#include <future>

#include "broker/cluster_state.hpp"
#include "broker/server/server.hpp"
#include "net/event_loop.hpp"

namespace kafkit::broker {
namespace {

// Retention, segment.ms rolls and flush.ms are checked at least this often.
constexpr int64_t kMaintenanceIntervalMs = 1000;

void schedule_maintenance(ClusterState& state, int64_t interval_ms) {
  state.loop.add_timer(std::chrono::milliseconds(interval_ms), [&state, interval_ms] {
    if (state.topics) state.topics->maintain(ClusterState::now_ms());
    state.fetches.purge_abandoned();
    schedule_maintenance(state, interval_ms);
  });
}

// Offsets past offsets.retention.minutes are removed every
// offsets.retention.check.interval.ms, as Kafka's coordinator does, and the group log is
// synced to disk.
void schedule_offset_expiry(ClusterState& state, int64_t interval_ms) {
  state.loop.add_timer(std::chrono::milliseconds(interval_ms), [&state, interval_ms] {
    if (state.offsets) state.offsets->expire(ClusterState::now_ms());
    // Commits are written without fsync (a killed process loses none of them); this bounds
    // what a power loss could take.
    if (state.group_log) {
      if (auto r = state.group_log->flush(); !r) state.log("group log: " + r.error().message);
      for (const std::string& note : state.group_log->take_recovery_notes())
        state.log("group log: " + note);
    }
    schedule_offset_expiry(state, interval_ms);
  });
}

}  // namespace

Result<std::unique_ptr<Cluster>> Cluster::start(ClusterOptions options) {
  if (options.nodes < 1 || options.nodes > 64)
    return Error{errc::invalid_argument, "nodes must be between 1 and 64"};
  auto loop = net::EventLoop::create();
  if (!loop) return loop.error();
  std::unique_ptr<Cluster> c(new Cluster());
  c->loop_ = std::move(*loop);
  const BrokerConfig& config = options.config;
  c->state_ = std::make_unique<ClusterState>(*c->loop_, config);
  ClusterState& state = *c->state_;
  for (const auto& key : config.ignored) state.log("ignoring property " + key);

  // Storage first: a data directory that cannot be recovered fails start-up before any
  // client can connect.
  for (int i = 0; i < options.nodes; ++i) c->node_ids_.push_back(config.node_id + i);
  auto store = TopicStore::open(config, c->node_ids_, ClusterState::now_ms());
  if (!store) return store.error();
  state.topics = std::move(*store);
  for (const std::string& note : state.topics->take_recovery_notes())
    state.log("recovery: " + note);
  state.log("cluster " + state.topics->cluster_id() + ": " +
            std::to_string(state.topics->topics().size()) + " topic(s) loaded from " +
            config.data_dir);
  auto group_log = GroupLog::open(config.data_dir);
  if (!group_log) return group_log.error();
  state.group_log = std::move(*group_log);
  for (const std::string& note : state.group_log->take_recovery_notes())
    state.log("recovery: " + note);
  state.offsets = std::make_unique<OffsetStore>(
      *state.group_log,
      OffsetStoreConfig{config.offsets_retention_ms, config.offset_metadata_max_bytes},
      [&state](const std::string& line) { state.log(line); });
  state.log(std::to_string(state.group_log->offsets().size()) +
            " group(s) with committed offsets loaded");
  // The two halves of the group coordinator see each other through group_access.hpp;
  // groups persist through the same log as the offsets.
  state.offsets->set_membership(state.groups.get());
  state.groups->set_offsets(state.offsets.get());
  for (const auto& [id, bytes] : state.group_log->group_metadata()) {
    if (auto r = state.groups->restore_group(bytes); !r)
      state.log("group " + id + ": not restored: " + r.error().message);
  }
  state.groups->set_persist_hook([&state](const std::string& id,
                                          const std::optional<std::string>& encoded) {
    Result<void> r =
        encoded
            ? state.group_log->append_group_metadata(
                  id, protocol::Bytes(
                          reinterpret_cast<const std::byte*>(encoded->data()),
                          reinterpret_cast<const std::byte*>(encoded->data() + encoded->size())))
            : state.group_log->append_group_tombstone(id);
    if (!r) state.log("group log: " + r.error().message);
  });
  ListenerSpec base = config.listeners.front();
  c->host_ = config.advertised_host.empty() ? base.host : config.advertised_host;
  if (c->host_ == "0.0.0.0" || c->host_ == "::") c->host_ = "127.0.0.1";
  for (int i = 0; i < options.nodes; ++i) {
    int32_t id = config.node_id + i;
    auto server = std::make_shared<Server>(state, id);
    // Every node binds every listener; a fixed port is offset by the node's index (node i
    // of "PLAINTEXT://:9092,SASL_SSL://:9192" is on 9092+i and 9192+i). Ranges that
    // overlap fail in bind(), whose error names the address.
    NodeInfo node{id, c->host_, {}};
    std::vector<ListenerSpec> bound;
    for (size_t l = 0; l < config.listeners.size(); ++l) {
      ListenerSpec spec = config.listeners[l];
      if (spec.port != 0) spec.port = static_cast<uint16_t>(spec.port + i);
      auto port = server->listen(spec, l);
      if (!port) return port.error();
      state.log("node " + std::to_string(id) + " listening on " +
                std::string(security_protocol_name(spec.protocol)) + "://" + spec.host + ":" +
                std::to_string(*port));
      spec.port = *port;
      node.ports.push_back(*port);
      bound.push_back(spec);
    }
    state.nodes.push_back(std::move(node));
    c->servers_.push_back(std::move(server));
    c->listeners_.push_back(std::move(bound));
  }
  schedule_maintenance(state, std::min(kMaintenanceIntervalMs, config.retention_check_interval_ms));
  schedule_offset_expiry(state, config.offsets_retention_check_interval_ms);
  c->thread_ = std::thread([loop = c->loop_.get()] { loop->run(); });
  return c;
}

Cluster::~Cluster() {
  stop();
}

void Cluster::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (thread_.joinable()) {
    run_on_loop([this](ClusterState& state) {
      state.fetches.expire_all();
      for (auto& s : servers_) s->stop();
    });
    loop_->stop();
    thread_.join();
  }
  servers_.clear();
  if (state_ && state_->topics) state_->topics->close();
  if (state_ && state_->group_log) state_->group_log->close();
  state_.reset();
}

uint16_t Cluster::port(size_t node_index, size_t listener) const {
  return listeners_.at(node_index).at(listener).port;
}

std::string Cluster::bootstrap_servers(size_t listener) const {
  std::string s;
  for (size_t i = 0; i < listeners_.size(); ++i)
    s += (s.empty() ? "" : ",") + host_ + ":" + std::to_string(port(i, listener));
  return s;
}

void Cluster::run_on_loop(std::function<void(ClusterState&)> fn) {
  std::promise<void> done;
  loop_->post([&] {
    fn(*state_);
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace kafkit::broker
