#include "client/admin/admin_impl.hpp"

#include <algorithm>
#include <stdexcept>

#include "net/net_errors.hpp"

namespace kafkit::client {

using protocol::ErrorCode;

bool is_transport_error(int code) noexcept {
  return code <= net::errc::connection_refused && code >= net::errc::queue_full;
}

bool should_retry(int code) noexcept {
  if (is_transport_error(code)) return true;
  // Not protocol::is_retriable: Kafka marks UNKNOWN_TOPIC_OR_PARTITION retriable (metadata
  // may lag a creation), but an admin call about a topic that does not exist must report
  // it, not wait out its timeout. These are the errors that mean "ask again, maybe
  // elsewhere": the request reached a broker that cannot serve it right now.
  switch (static_cast<ErrorCode>(code)) {
    case ErrorCode::LeaderNotAvailable:
    case ErrorCode::NotLeaderOrFollower:
    case ErrorCode::RequestTimedOut:
    case ErrorCode::NetworkException:
    case ErrorCode::CoordinatorLoadInProgress:
    case ErrorCode::CoordinatorNotAvailable:
    case ErrorCode::NotCoordinator:
    case ErrorCode::NotController:
      return true;
    default:
      return false;
  }
}

ResourceError resource_error(int code, const std::optional<std::string>& message) {
  if (code == 0) return {};
  std::string text(protocol::error_name(static_cast<std::int16_t>(code)));
  if (message && !message->empty()) text += ": " + *message;
  return ResourceError{code, std::move(text)};
}

AdminImpl::AdminImpl(AdminConfig config) : config_(std::move(config)) {
  auto loop = net::EventLoop::create();
  if (!loop.ok())
    throw std::runtime_error("admin: cannot create the event loop: " + loop.error().message);
  loop_ = std::move(loop.value());
  pool_ = std::make_unique<net::ConnectionPool>(*loop_, config_.cluster.connection);
  for (const auto& b : config_.cluster.bootstrap) pool_->add_bootstrap(b.host, b.port);
  io_thread_ = std::thread([this] { loop_->run(); });
}

AdminImpl::~AdminImpl() {
  // Connections are stopped on their own thread; requests still pending fail (their
  // callers, if any, are being torn down with us).
  post([this] {
    pool_->stop();
    loop_->stop();
  });
  if (io_thread_.joinable()) io_thread_.join();
  pool_.reset();
}

net::BrokerConnection* AdminImpl::connection(std::int32_t node) {
  if (node != kAnyBroker) return pool_->node(node);
  if (net::BrokerConnection* c = pool_->any()) return c;
  // Nothing ready yet: queue on a known broker (or the first bootstrap server); the
  // connection holds the request until it is ready or the request times out.
  for (std::int32_t id : known_nodes_)
    if (net::BrokerConnection* c = pool_->node(id)) return c;
  return pool_->node(-1);
}

void AdminImpl::learn_node(std::int32_t id, const std::string& host, std::int32_t port) {
  if (id < 0 || port <= 0 || port > 65535) return;
  pool_->set_node_address(id, host, static_cast<std::uint16_t>(port));
  if (std::find(known_nodes_.begin(), known_nodes_.end(), id) == known_nodes_.end())
    known_nodes_.push_back(id);
}

void AdminImpl::learn(const protocol::MetadataResponse& r) {
  for (const auto& b : r.brokers) learn_node(b.node_id, b.host, b.port);
}

void AdminImpl::learn(const protocol::FindCoordinatorResponse& r) {
  if (r.error_code == 0) learn_node(r.node_id, r.host, r.port);
  for (const auto& c : r.coordinators)
    if (c.error_code == 0) learn_node(c.node_id, c.host, c.port);
}

void AdminImpl::learn(const protocol::DescribeClusterResponse& r) {
  for (const auto& b : r.brokers) learn_node(b.broker_id, b.host, b.port);
}

bool AdminImpl::backoff(AdminDeadline deadline) const {
  if (net::Clock::now() + config_.retry_backoff >= deadline) return false;
  std::this_thread::sleep_for(config_.retry_backoff);
  return true;
}

Result<protocol::MetadataResponse> AdminImpl::metadata(
    std::optional<std::vector<std::string>> topics, AdminDeadline deadline,
    std::string* answered_by) {
  protocol::MetadataRequest req;
  if (topics) {
    req.topics.emplace();
    for (auto& t : *topics) {
      protocol::MetadataRequest::MetadataRequestTopic rt;
      rt.name = std::move(t);
      req.topics->push_back(std::move(rt));
    }
  } else {
    req.topics = std::nullopt;
  }
  req.allow_auto_topic_creation = false;
  // v1+ names the controller. From v4 allow_auto_topic_creation=false keeps a describe
  // from creating a topic; negotiation picks v4+ from every broker that has it, and only
  // brokers that stop below (librdkafka's mock serves v0-2) get v1-3.
  return call_any(req, deadline, net::VersionRange{1, 32767}, answered_by);
}

Result<std::int32_t> AdminImpl::controller(AdminDeadline deadline) {
  auto md = metadata(std::vector<std::string>{}, deadline);
  if (!md.ok()) return md.error();
  // A controller that is not among the brokers cannot be addressed (librdkafka 2.0.2's mock
  // names controller 0 with brokers 1..N): any broker then, which forwards (KIP-590) or
  // answers NOT_CONTROLLER.
  for (const auto& b : md->brokers)
    if (b.node_id == md->controller_id) return md->controller_id;
  return kAnyBroker;
}

Result<std::int32_t> AdminImpl::coordinator(const std::string& group, AdminDeadline deadline) {
  for (;;) {
    protocol::FindCoordinatorRequest req;
    req.key = group;
    req.key_type = 0;  // group
    // v0-3 take one key; v4 (KIP-699) batches them, which one group does not need.
    auto r = call_any(req, deadline, net::VersionRange{0, 3});
    if (!r.ok()) return r.error();
    if (r->error_code == 0) return r->node_id;
    Error e{r->error_code, "FindCoordinator for group " + group + ": " +
                               resource_error(r->error_code, r->error_message).message};
    if (!should_retry(r->error_code) || !backoff(deadline)) return e;
  }
}

}  // namespace kafkit::client
