// Server: the SASL listeners' side (issue 8). Sessions of a SASL_PLAINTEXT listener pass
// their frames through a SaslGate until they have authenticated; then the gate goes, the
// frame limit rises to socket.request.max.bytes and the principal stays on the session.
//
// KIP-368 (connections.max.reauth.ms > 0): an authenticated session that used
// SaslAuthenticate v1+ may send SaslHandshake again; a new gate, bound to the session's
// mechanism and principal, runs the exchange and renews the session's expiry. Once a
// session has expired, its next request that does not start a re-authentication closes the
// connection, as Kafka's SocketServer does (it checks when a request arrives, not by timer).
#include "broker/cluster_state.hpp"
#include "broker/dispatcher.hpp"
#include "broker/sasl/broker_sasl_config.hpp"
#include "broker/server/server.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/messages/sasl_handshake.hpp"
#include "protocol/reader.hpp"

namespace kafkit::broker {
namespace {

std::string api_name_of(const protocol::Bytes& frame) {
  protocol::Reader peek(frame);
  std::int16_t key = peek.i16("api_key");
  if (!peek.ok()) return "a request without a header";
  const protocol::ApiInfo* api = protocol::find_api(key);
  return api != nullptr ? std::string(api->name) : "API " + std::to_string(key);
}

bool is_sasl_handshake(const protocol::Bytes& frame) {
  protocol::Reader peek(frame);
  std::int16_t key = peek.i16("api_key");
  return peek.ok() && key == protocol::SaslHandshakeRequest::api_key;
}

}  // namespace

Result<void> Server::prepare_sasl() {
  if (authenticators_) return {};
  auto made = make_server_authenticators(cluster_.config.properties);
  if (!made) return made.error();
  authenticators_ = std::move(*made);
  return {};
}

SaslGate::Options Server::sasl_gate_options() const {
  SaslGate::Options options;
  options.max_reauth = std::chrono::milliseconds(cluster_.config.connections_max_reauth_ms);
  return options;
}

void Server::on_sasl_authenticated(Session& s, const SaslGate& gate) {
  SaslSession info;
  info.mechanism = gate.mechanism();
  info.can_reauthenticate = gate.can_reauthenticate();
  info.lifetime = gate.session_lifetime();
  if (info.lifetime.count() > 0) info.expires = std::chrono::steady_clock::now() + info.lifetime;
  std::string lifetime = info.lifetime.count() > 0
                             ? "; session lifetime " + std::to_string(info.lifetime.count()) + " ms"
                             : std::string();
  if (gate.reauthenticating()) {
    ++cluster_.sasl_stats.reauthentications;
    cluster_.log("SASL/" + gate.mechanism() + " re-authenticated " + s.peer() + " as " +
                 gate.principal() + lifetime);
  } else {
    ++cluster_.sasl_stats.authentications;
    cluster_.log("SASL/" + gate.mechanism() + " authenticated " + s.peer() + " as " +
                 gate.principal() + lifetime);
  }
  if (gate.used_v0_form()) ++cluster_.sasl_stats.v0_form;
  ++cluster_.sasl_stats.by_principal[gate.principal()];
  sasl_sessions_[s.id()] = std::move(info);
}

void Server::on_sasl_frame(Session& s, SaslGate& gate, protocol::Bytes frame) {
  using Action = SaslGate::Outcome::Action;
  SaslGate::Outcome outcome = gate.on_frame(frame);
  SessionId id = s.id();
  switch (outcome.action) {
    case Action::dispatch:
      dispatch_request(cluster_, node_id_, s, std::move(frame), weak_from_this());
      return;
    case Action::respond:
      if (gate.authenticated()) {
        on_sasl_authenticated(s, gate);
        s.set_principal(gate.principal());
        s.set_max_request_bytes(static_cast<size_t>(cluster_.config.socket_request_max_bytes));
        s.respond(std::move(outcome.response));
        sasl_gates_.erase(id);  // last: `gate` is gone now
        return;
      }
      s.respond(std::move(outcome.response));
      return;
    case Action::fail: {
      cluster_.log("SASL on connection from " + s.peer() + ": " + outcome.reason +
                   "; answering after " + std::to_string(SaslGate::kFailureDelay.count()) +
                   " ms, then closing");
      // The session stays muted (no respond yet), so nothing else is read meanwhile; the
      // loop serves everyone else.
      auto response = std::make_shared<protocol::Bytes>(std::move(outcome.response));
      std::weak_ptr<Server> self = weak_from_this();
      std::string reason = outcome.reason;
      cluster_.loop.add_timer(SaslGate::kFailureDelay, [self, id, response, reason] {
        auto server = self.lock();
        if (!server) return;
        server->deliver(id, std::move(*response));
        server->close_session(id, reason);
      });
      return;
    }
    case Action::close:
      cluster_.log("closing connection from " + s.peer() + ": " + outcome.reason);
      s.close(outcome.reason);
      return;
  }
}

void Server::on_authenticated_sasl_frame(Session& s, const SaslSession& info,
                                         protocol::Bytes frame) {
  if (info.can_reauthenticate && is_sasl_handshake(frame)) {
    SaslGate::Options options = sasl_gate_options();
    options.reauth_principal = s.principal();
    options.reauth_mechanism = info.mechanism;
    auto& gate = sasl_gates_[s.id()];
    gate = std::make_unique<SaslGate>(authenticators_, std::move(options));
    return on_sasl_frame(s, *gate, std::move(frame));
  }
  auto now = std::chrono::steady_clock::now();
  if (info.expires && now >= *info.expires) {
    auto late = std::chrono::duration_cast<std::chrono::milliseconds>(now - *info.expires);
    std::string reason = "the SASL session of " + s.principal() + " expired " +
                         std::to_string(late.count()) + " ms ago (lifetime " +
                         std::to_string(info.lifetime.count()) + " ms) and its next request, " +
                         api_name_of(frame) + ", is not a re-authentication (KIP-368)";
    ++cluster_.sasl_stats.expired_closes;
    cluster_.log("closing connection from " + s.peer() + ": " + reason);
    s.close(reason);
    return;
  }
  dispatch_request(cluster_, node_id_, s, std::move(frame), weak_from_this());
}

}  // namespace kafkit::broker
