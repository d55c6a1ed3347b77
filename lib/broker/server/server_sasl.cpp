// Server: the SASL listeners' side (issue 8). Sessions of a SASL_PLAINTEXT listener pass
// their frames through a SaslGate until they have authenticated; then the gate goes, the
// frame limit rises to socket.request.max.bytes and the principal stays on the session.
#include "broker/cluster_state.hpp"
#include "broker/dispatcher.hpp"
#include "broker/sasl/broker_sasl_config.hpp"
#include "broker/server/server.hpp"

namespace kafkit::broker {

Result<void> Server::prepare_sasl() {
  if (authenticators_) return {};
  auto made = make_server_authenticators(cluster_.config.properties);
  if (!made) return made.error();
  authenticators_ = std::move(*made);
  return {};
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
        cluster_.log("SASL/" + gate.mechanism() + " authenticated " + s.peer() + " as " +
                     gate.principal());
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

}  // namespace kafkit::broker
