#pragma once
// BrokerConnection: a connection to one broker that comes back after it is lost.
//
// It resolves host:port (Resolver, off the loop), connects with a timeout (TcpConnector),
// wraps the socket in a Transport, and lets a Connection negotiate ApiVersions and run the
// setup steps. When an attempt fails or a ready connection closes, it waits
// Backoff::next() (reconnect.backoff.ms doubling up to reconnect.backoff.max.ms, with
// jitter; reset once a connection became ready) and tries again, rotating through the
// host's addresses.
//
// Requests submitted while no connection is ready wait here, in order, bounded by
// max_queued, with their request timeout already running; they are handed to the next
// ready connection. Requests a connection had accepted fail when it closes (this layer
// does not know whether resending them is safe; the client above decides).
//
// Threading: create, use and destroy on the loop thread. Callbacks run on the loop thread,
// never inside a call into this object, and may call back into it (or destroy it).
// stop() and the destructor cancel every timer and attempt and fail every pending request
// with net::errc::connection_closed; those failures are posted to the loop.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "net/backoff.hpp"
#include "net/connection.hpp"
#include "net/event_loop.hpp"
#include "net/resolver.hpp"
#include "net/tcp_connect.hpp"
#include "net/transport.hpp"

namespace kafkit::net {

struct BrokerConnectionConfig {
  ConnectionConfig connection;
  /// socket.connection.setup.timeout.ms: per TCP connect attempt.
  std::chrono::milliseconds connect_timeout{30000};
  /// reconnect.backoff.ms / reconnect.backoff.max.ms.
  std::chrono::milliseconds reconnect_backoff{100};
  std::chrono::milliseconds reconnect_backoff_max{10000};
  /// Seed of the backoff jitter; 0 picks one from std::random_device.
  std::uint64_t backoff_seed = 0;
  /// Wraps a connected socket (TLS later). Empty: PlainTransport.
  std::function<Result<std::unique_ptr<Transport>>(UniqueFd, const Address&)> make_transport;
};

class BrokerConnection {
 public:
  enum class State { idle, connecting, ready, backing_off, stopped };
  /// `error` is set for backing_off (why the attempt or connection ended), else null.
  using StateCallback = std::function<void(State state, const Error* error)>;

  /// Throws std::invalid_argument for invalid settings (naming the property).
  BrokerConnection(EventLoop& loop, Resolver& resolver, std::string host, std::uint16_t port,
                   BrokerConnectionConfig config, StateCallback on_state = {});
  BrokerConnection(const BrokerConnection&) = delete;
  BrokerConnection& operator=(const BrokerConnection&) = delete;
  ~BrokerConnection();

  /// Begins connecting (idle -> connecting). No-op unless idle.
  void start();
  /// Stops for good: cancels the attempt and timers, closes the connection, fails pending
  /// requests. No state callback follows.
  void stop();

  template <class Req>
  void send(Req request, TypedCallback<Req> callback,
            std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    submit(make_request(std::move(request), std::move(callback), timeout));
  }
  void send_raw(RawRequest request, RawCallback callback) {
    submit(make_raw_request(std::move(request), std::move(callback)));
  }
  void submit(OutboundRequest request);

  State state() const { return state_; }
  /// "host:port" as configured.
  const std::string& name() const { return name_; }
  /// The ready connection's negotiated ranges, or nullptr when not ready.
  const ApiVersionTable* api_versions() const;
  /// Connection attempts started so far (for tests and statistics).
  int attempts() const { return attempts_; }
  std::size_t waiting_count() const { return waiting_.size(); }
  /// Why the last attempt or connection ended (cleared once a connection is ready).
  const std::optional<Error>& last_error() const { return last_error_; }

 private:
  struct Waiting {
    OutboundRequest request;
    std::uint64_t id;
    Clock::time_point deadline;
    TimerId timer;
  };

  void attempt();
  void on_resolved(std::uint64_t generation, Result<std::vector<Address>> addresses);
  void on_connected(std::uint64_t generation, const Address& address, Result<UniqueFd> fd);
  void on_ready();
  void on_closed(const Error& error);
  void fail_attempt(Error error);
  void set_state(State state, const Error* error);
  void on_wait_timeout(std::uint64_t id);
  void post_failure(OutboundRequest request, Error error);

  EventLoop& loop_;
  Resolver& resolver_;
  std::string host_;
  std::uint16_t port_;
  std::string name_;
  BrokerConnectionConfig config_;
  StateCallback on_state_;

  State state_ = State::idle;  /// @thread loop (every member below too)
  Backoff backoff_;
  int attempts_ = 0;
  std::size_t rotation_ = 0;      // which resolved address the next attempt uses
  std::uint64_t generation_ = 0;  // bumped per attempt: stale resolver answers are dropped
  std::unique_ptr<TcpConnector> connector_;
  std::shared_ptr<Connection> connection_;
  TimerId backoff_timer_ = 0;
  std::optional<Error> last_error_;
  std::deque<Waiting> waiting_;
  std::uint64_t next_wait_id_ = 1;
  // Resolver callbacks cannot be cancelled; they hold this weakly and do nothing once the
  // object is gone.
  std::shared_ptr<BrokerConnection*> self_token_;
};

}  // namespace kafkit::net
