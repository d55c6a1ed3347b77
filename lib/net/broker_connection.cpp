#include "net/broker_connection.hpp"

#include <random>
#include <stdexcept>
#include <utility>

#include "net/net_errors.hpp"
#include "net/plain_transport.hpp"
#include "net/sasl_setup_step.hpp"

namespace kafkit::net {
namespace {

std::string host_port(const std::string& host, std::uint16_t port) {
  std::string out;
  if (host.find(':') != std::string::npos) {
    out.append("[").append(host).append("]");
  } else {
    out = host;
  }
  return out.append(":").append(std::to_string(port));
}

std::uint64_t seed_or_random(std::uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device device;
  return (std::uint64_t(device()) << 32) ^ device();
}

}  // namespace

BrokerConnection::BrokerConnection(EventLoop& loop, Resolver& resolver, std::string host,
                                   std::uint16_t port, BrokerConnectionConfig config,
                                   StateCallback on_state)
    : loop_(loop),
      resolver_(resolver),
      host_(std::move(host)),
      port_(port),
      name_(host_port(host_, port_)),
      config_(std::move(config)),
      on_state_(std::move(on_state)),
      backoff_(config_.reconnect_backoff, config_.reconnect_backoff_max,
               seed_or_random(config_.backoff_seed)),
      self_token_(std::make_shared<BrokerConnection*>(this)) {
  config_.connection.validate();
  if (config_.connect_timeout.count() < 1) {
    throw std::invalid_argument("socket.connection.setup.timeout.ms must be >= 1, got " +
                                std::to_string(config_.connect_timeout.count()));
  }
}

BrokerConnection::~BrokerConnection() {
  on_state_ = {};
  stop();
}

void BrokerConnection::start() {
  if (state_ != State::idle) return;
  attempt();
}

void BrokerConnection::stop() {
  if (state_ == State::stopped) return;
  state_ = State::stopped;
  ++generation_;
  if (backoff_timer_ != 0) loop_.cancel_timer(std::exchange(backoff_timer_, 0));
  connector_.reset();
  if (connection_) {
    connection_->detach();
    connection_->close(Error{errc::connection_closed, "the broker connection was stopped"});
    connection_.reset();
  }
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& w : waiting) {
    loop_.cancel_timer(w.timer);
    post_failure(std::move(w.request),
                 Error{errc::connection_closed, w.request.api_name + " request to broker " + name_ +
                                                    " failed: the broker connection was stopped "
                                                    "before it was sent"});
  }
}

const ApiVersionTable* BrokerConnection::api_versions() const {
  if (state_ != State::ready || !connection_) return nullptr;
  return &connection_->api_versions();
}

// ---- Requests ---------------------------------------------------------------------------

void BrokerConnection::submit(OutboundRequest request) {
  if (state_ == State::ready && connection_) {
    connection_->submit(std::move(request));
    return;
  }
  if (state_ == State::stopped) {
    post_failure(std::move(request),
                 Error{errc::connection_closed, request.api_name + " request to broker " + name_ +
                                                    " failed: the broker connection is stopped"});
    return;
  }
  if (waiting_.size() >= config_.connection.max_queued) {
    post_failure(std::move(request),
                 Error{errc::queue_full, request.api_name + " request to broker " + name_ +
                                             " refused: " + std::to_string(waiting_.size()) +
                                             " requests already wait for the connection"});
    return;
  }
  auto timeout = request.timeout.value_or(config_.connection.request_timeout);
  std::uint64_t id = next_wait_id_++;
  TimerId timer = loop_.add_timer(timeout, [this, id] { on_wait_timeout(id); });
  waiting_.push_back(Waiting{std::move(request), id, Clock::now() + timeout, timer});
}

void BrokerConnection::on_wait_timeout(std::uint64_t id) {
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if (it->id != id) continue;
    OutboundRequest request = std::move(it->request);
    waiting_.erase(it);
    auto ms = request.timeout.value_or(config_.connection.request_timeout).count();
    std::string message = request.api_name + " request to broker " + name_ + " timed out after " +
                          std::to_string(ms) + " ms waiting for a connection; nothing was sent";
    if (last_error_) message += " (last connection error: " + last_error_->message + ")";
    Completion completion =
        request.complete(Error{errc::request_timeout, std::move(message)}, name_);
    completion.run();  // a timer callback: safe to call back here
    return;
  }
}

void BrokerConnection::post_failure(OutboundRequest request, Error error) {
  Completion completion = request.complete(std::move(error), name_);
  loop_.post(std::move(completion.run));
}

// ---- Connecting -------------------------------------------------------------------------

void BrokerConnection::attempt() {
  ++attempts_;
  std::uint64_t generation = ++generation_;
  state_ = State::connecting;
  resolver_.resolve(host_, port_,
                    [token = std::weak_ptr<BrokerConnection*>(self_token_),
                     generation](Result<std::vector<Address>> addresses) {
                      if (auto self = token.lock()) {
                        (*self)->on_resolved(generation, std::move(addresses));
                      }
                    });
}

void BrokerConnection::on_resolved(std::uint64_t generation,
                                   Result<std::vector<Address>> addresses) {
  if (generation != generation_ || state_ != State::connecting) return;
  if (!addresses.ok()) {
    fail_attempt(addresses.error());
    return;
  }
  const auto& list = addresses.value();
  Address address = list[rotation_++ % list.size()];
  connector_ = connect_nonblocking(loop_, address, config_.connect_timeout,
                                   [this, generation, address](Result<UniqueFd> fd) {
                                     on_connected(generation, address, std::move(fd));
                                   });
}

void BrokerConnection::on_connected(std::uint64_t generation, const Address& address,
                                    Result<UniqueFd> fd) {
  if (generation != generation_ || state_ != State::connecting) return;
  // Runs inside the connector's callback, which allows destroying the connector.
  connector_.reset();
  if (!fd.ok()) {
    fail_attempt(fd.error());
    return;
  }
  std::unique_ptr<Transport> transport;
  if (config_.make_transport) {
    auto made = config_.make_transport(std::move(fd.value()), address);
    if (!made.ok()) {
      fail_attempt(made.error());
      return;
    }
    transport = std::move(made.value());
  } else {
    transport = std::make_unique<PlainTransport>(std::move(fd.value()));
  }
  connection_ = Connection::create(
      loop_, std::move(transport), name_, config_.connection,
      Connection::Callbacks{.on_ready = [this] { on_ready(); },
                            .on_closed = [this](const Error& error) { on_closed(error); }});
}

void BrokerConnection::on_ready() {
  if (state_ != State::connecting || !connection_) return;
  backoff_.reset();
  last_error_.reset();
  state_ = State::ready;
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& w : waiting) {
    loop_.cancel_timer(w.timer);
    connection_->submit(std::move(w.request), w.deadline);
  }
  set_state(State::ready, nullptr);  // last: the owner may destroy us
}

void BrokerConnection::on_closed(const Error& error) {
  if (state_ == State::stopped) return;
  connection_.reset();  // the Connection keeps itself alive while it calls us
  fail_attempt(error);
}

void BrokerConnection::fail_attempt(Error error) {
  connector_.reset();
  last_error_ = error;
  if (is_authentication_error(error.code)) {
    // Wrong credentials or mechanism (issue 8): the same attempt again cannot succeed, so the
    // requests waiting for this connection fail now with that error instead of timing out.
    // Reconnecting continues with backoff (the credentials may be fixed on the broker).
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& w : waiting) {
      loop_.cancel_timer(w.timer);
      Error failed{error.code, w.request.api_name + " request to broker " + name_ +
                                   " failed: " + error.message};
      post_failure(std::move(w.request), std::move(failed));
    }
  }
  state_ = State::backing_off;
  auto delay = backoff_.next();
  backoff_timer_ = loop_.add_timer(delay, [this] {
    backoff_timer_ = 0;
    attempt();
  });
  set_state(State::backing_off, &error);  // last: the owner may destroy us
}

void BrokerConnection::set_state(State state, const Error* error) {
  if (on_state_) on_state_(state, error);
}

}  // namespace kafkit::net
