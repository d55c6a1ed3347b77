#pragma once
// Server: one broker node's network side — its listening sockets and client sessions.
// Complete request frames go to the dispatcher; answers come back through Responders,
// which hold a weak reference so an answer for a session (or server) that is gone is
// dropped. Loop thread only.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker_config.hpp"
#include "broker/sasl/sasl_gate.hpp"
#include "broker/server/session.hpp"
#include "common/result.hpp"
#include "net/event_loop.hpp"
#include "net/tls/tls_context.hpp"
#include "net/unique_fd.hpp"

namespace kafkit::broker {

class ClusterState;

class Server : public std::enable_shared_from_this<Server> {
 public:
  Server(ClusterState& cluster, int32_t node_id);
  ~Server();

  /// Binds and listens; returns the bound port (useful with port 0). `index` is the
  /// listener's place in BrokerConfig::listeners, kept on each session it accepts.
  Result<uint16_t> listen(const ListenerSpec& spec, size_t index = 0);
  /// Closes listeners and every session.
  void stop();
  /// Closes every client session; the listeners stay open.
  void close_sessions();

  void deliver(SessionId id, protocol::Bytes frame);
  void deliver(SessionId id, OutgoingFrame frame);
  /// deliver() after `delay`; dropped if the session is gone by then.
  void deliver_later(SessionId id, OutgoingFrame frame, std::chrono::milliseconds delay);
  /// Whether the session's socket takes file parts by sendfile (a plaintext listener);
  /// false for an unknown session.
  bool zero_copy(SessionId id) const;
  void finish_without_response(SessionId id);
  void close_session(SessionId id, const std::string& reason);
  bool has_session(SessionId id) const { return sessions_.count(id) != 0; }
  int32_t node_id() const noexcept { return node_id_; }
  size_t session_count() const noexcept { return sessions_.size(); }

 private:
  /// What a listener gives the sessions it accepts.
  struct AcceptTraits {
    size_t listener = 0;
    bool zero_copy = false;
    std::shared_ptr<net::tls::TlsContext> tls;  // null: plaintext
    bool sasl = false;
  };
  void on_accept(int listen_fd, const AcceptTraits& traits);
  void on_frame(Session& s, protocol::Bytes frame);
  /// SASL listeners (server_sasl.cpp): builds the authenticators once, on the first one.
  Result<void> prepare_sasl();
  /// A frame of a session that has not authenticated yet.
  void on_sasl_frame(Session& s, SaslGate& gate, protocol::Bytes frame);
  /// What an authenticated session of a SASL listener keeps for KIP-368.
  struct SaslSession {
    std::string mechanism;
    bool can_reauthenticate = false;  // it used SaslAuthenticate v1+
    std::chrono::milliseconds lifetime{0};
    std::optional<std::chrono::steady_clock::time_point> expires;
  };
  /// A frame of an authenticated SASL session: a re-authentication starts with SaslHandshake;
  /// anything else is served unless the session expired, which closes the connection.
  void on_authenticated_sasl_frame(Session& s, const SaslSession& info, protocol::Bytes frame);
  SaslGate::Options sasl_gate_options() const;
  void on_sasl_authenticated(Session& s, const SaslGate& gate);

  ClusterState& cluster_;
  int32_t node_id_;
  std::vector<net::UniqueFd> listeners_;
  std::shared_ptr<net::tls::TlsContext> tls_;  // SSL listeners' context, built on first use
  SessionId next_session_ = 1;
  std::map<SessionId, std::unique_ptr<Session>> sessions_;  /// @thread loop
  /// Sessions of SASL listeners that have not authenticated yet.
  std::map<SessionId, std::unique_ptr<SaslGate>> sasl_gates_;  /// @thread loop
  /// Sessions of SASL listeners that have authenticated.
  std::map<SessionId, SaslSession> sasl_sessions_;  /// @thread loop
  std::shared_ptr<const net::sasl::ServerAuthenticators> authenticators_;
};

}  // namespace kafkit::broker
