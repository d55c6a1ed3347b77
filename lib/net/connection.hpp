#pragma once
// Connection: one connection to one broker, on the event-loop thread.
//
// Lifecycle: transport handshake (TLS later) -> ApiVersions negotiation -> setup steps
// (SASL later) -> ready -> closed. Closing happens once, for any reason (EOF, socket error,
// bad frame, correlation-id mismatch, undecodable response, request timeout, close()), and
// fails every request not yet completed exactly once with an Error that names the broker
// and the reason. A closed Connection is never reused; BrokerConnection makes a new one.
//
// Requests: up to `max_in_flight` are written and await responses; more wait, in order, in
// a local queue bounded by `max_queued`. Kafka answers in request order on a connection
// (protocol-facts §2.1), so each response belongs to the oldest in-flight request and a
// different correlation id is a protocol error. Every request has its own deadline
// (request.timeout.ms from submission); one that expires while queued just fails, one that
// expires after being written closes the connection, as the Java client does, because the
// stream would otherwise stay behind by one response. The version of each request is the
// highest both sides support (ApiVersionTable::choose); an API the broker lacks fails with
// UNSUPPORTED_VERSION (35) without anything being sent.
//
// Threading and callbacks: everything runs on the loop thread; create, use and destroy the
// Connection there. Callbacks (requests, on_ready, on_closed) run on the loop thread, one at
// a time, never inside a call into the Connection (send, close, ...): completions are queued
// and run when control is back in the loop. So a callback may send more requests, close the
// connection or drop the last reference to it. Destroying an open Connection closes it; the
// failures of its pending requests are then posted to the loop, and on_closed is not called.
//
// Re-authentication (KIP-368, connection_reauth.cpp): when a setup step reports a session
// lifetime, the connection runs a fresh instance of that step again at a random 85-95% of
// the lifetime (as Kafka's Java client does, so a fleet of clients does not re-authenticate
// in lockstep). Meanwhile (State::reauthenticating) queued requests stay queued; requests
// already in flight are answered first, since the broker answers in order. A failed
// re-authentication closes the connection with the step's error.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "common/result.hpp"
#include "net/api_version_table.hpp"
#include "net/api_versions_handshake.hpp"
#include "net/connection_config.hpp"
#include "net/event_loop.hpp"
#include "net/frame_decoder.hpp"
#include "net/outbound_request.hpp"
#include "net/setup_step.hpp"
#include "net/transport.hpp"
#include "net/typed_request.hpp"

namespace kafkit::net {

class Connection final : public std::enable_shared_from_this<Connection>, private SetupContext {
 public:
  enum class State { handshaking, negotiating, setting_up, ready, reauthenticating, closed };

  struct Callbacks {
    /// Negotiation and setup steps finished; queued requests are being sent.
    std::function<void()> on_ready;
    /// The connection closed (called once, after the pending requests were failed). The
    /// error's code says why: net::errc::connection_closed, request_timeout, protocol_error,
    /// kafkit::errc::io, or a Kafka code from ApiVersions / a setup step.
    std::function<void(const Error&)> on_closed;
  };

  /// Starts the handshake on a connected transport. `broker` names the peer in every
  /// message ("localhost:9092"). Throws std::invalid_argument for an invalid config.
  static std::shared_ptr<Connection> create(EventLoop& loop, std::unique_ptr<Transport> transport,
                                            std::string broker, ConnectionConfig config,
                                            Callbacks callbacks);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  /// Sends a generated request; `callback` gets the decoded response of the same API or an
  /// Error. `timeout` overrides request.timeout.ms for this request.
  template <class Req>
  void send(Req request, TypedCallback<Req> callback,
            std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    submit(make_request(std::move(request), std::move(callback), timeout));
  }
  /// Sends bytes as a request body at exactly the given version (tools).
  void send_raw(RawRequest request, RawCallback callback) {
    submit(make_raw_request(std::move(request), std::move(callback)));
  }
  /// Queues a type-erased request; its deadline is now + its timeout.
  void submit(OutboundRequest request);
  /// As above with a deadline fixed earlier (a request handed over from a wait queue).
  void submit(OutboundRequest request, Clock::time_point deadline);

  /// Closes now; pending requests fail with net::errc::connection_closed. Idempotent.
  void close();
  void close(Error reason);
  /// Forgets on_ready / on_closed (an owner going away before the connection does).
  void detach() { callbacks_ = {}; }

  State state() const { return state_; }
  bool ready() const { return state_ == State::ready; }
  bool closed() const { return state_ == State::closed; }
  const std::string& broker() const override { return broker_; }
  /// The broker's ranges; empty until ApiVersions succeeded.
  const ApiVersionTable& api_versions() const override { return api_versions_; }
  /// The ApiVersions version the broker accepted (meaningful once negotiated).
  std::int16_t api_versions_version() const { return handshake_.version(); }
  std::size_t in_flight_count() const { return in_flight_.size(); }
  std::size_t queued_count() const { return queued_.size(); }
  /// Re-authentications that succeeded on this connection (KIP-368).
  int reauthentications() const { return reauthentications_; }
  /// The session lifetime the last authentication announced (0: none).
  std::chrono::milliseconds session_lifetime() const { return session_lifetime_; }

 private:
  struct Entry {
    OutboundRequest request;
    std::uint64_t id = 0;
    Clock::time_point deadline;
    TimerId timer = 0;
    std::int16_t version = -1;
    std::int32_t correlation_id = -1;
    std::uint64_t stream_end = 0;  // for no-response requests: written once this many bytes are
  };

  Connection(EventLoop& loop, std::unique_ptr<Transport> transport, std::string broker,
             ConnectionConfig config, Callbacks callbacks);

  void start();
  void on_io(IoEvents events);
  void continue_handshake();
  void send_api_versions();
  void on_api_versions(Result<RawResponse> response);
  void run_setup_step(std::size_t index);
  void become_ready();
  void send_setup_request(OutboundRequest request) override;
  // connection_reauth.cpp
  void note_session_lifetime(std::size_t step_index, const SetupStep& step);
  void schedule_reauth();
  void begin_reauth();
  void end_reauth(Result<void> result, const std::string& step_name);

  Entry make_entry(OutboundRequest request, Clock::time_point deadline);
  void on_request_timeout(std::uint64_t id);
  void pump();
  void write_entry(Entry entry);
  void flush();
  void read_available();
  void handle_frame(const protocol::Bytes& frame);
  void update_interest();

  void complete(Entry& entry, Result<RawResponse> outcome);
  void fail_later(OutboundRequest request, Error error);
  void schedule_drain();
  void drain_completions();
  Error request_error(const Entry& entry, const Error& reason) const;

  EventLoop& loop_;
  std::unique_ptr<Transport> transport_;
  std::string broker_;
  ConnectionConfig config_;
  Callbacks callbacks_;

  State state_ = State::handshaking;  /// @thread loop (every member below too)
  bool registered_ = false;
  Interest interest_ = Interest::none;
  Want read_want_ = Want::read;        // what the last read() waited for (TLS may want write)
  Want handshake_want_ = Want::write;  // what the transport handshake waits for
  TimerId handshake_timer_ = 0;        // request.timeout.ms for the transport handshake
  FrameDecoder decoder_;
  ApiVersionsHandshake handshake_;
  ApiVersionTable api_versions_;
  std::unique_ptr<SetupStep> step_;
  std::size_t reauth_step_ = 0;                    // which setup step announced a lifetime
  std::chrono::milliseconds session_lifetime_{0};  // 0: no re-authentication
  TimerId reauth_timer_ = 0;
  std::minstd_rand reauth_rng_{std::random_device{}()};
  int reauthentications_ = 0;

  std::uint64_t next_id_ = 1;
  std::int32_t next_correlation_id_ = 0;
  std::deque<Entry> queued_;     // not yet written, in submission order
  std::deque<Entry> in_flight_;  // written (or in out_), awaiting a response, oldest first
  std::deque<Entry> unflushed_;  // no-response requests whose bytes are not all written yet

  protocol::Bytes out_;  // framed requests not yet accepted by the transport
  std::size_t out_pos_ = 0;
  std::uint64_t bytes_queued_ = 0;   // total bytes ever appended to out_
  std::uint64_t bytes_written_ = 0;  // total bytes the transport accepted

  std::deque<std::function<void()>> completions_;  // callbacks to run at a safe point
  TimerId drain_timer_ = 0;
};

}  // namespace kafkit::net
