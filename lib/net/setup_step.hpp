#pragma once
// SetupStep: work a connection must finish after ApiVersions and before it accepts
// application requests. SASL (issue 8) is the first such step: SaslHandshake and
// SaslAuthenticate must follow ApiVersions and precede everything else (protocol-facts
// §2.3), and may need the negotiated versions to pick their own.
//
// A connection creates its steps afresh from factories each time it connects (steps keep
// per-connection state such as a SCRAM nonce) and runs them one after another. A failed
// step closes the connection with the step's error.
//
// KIP-368: a step that reports a session_lifetime() > 0 is run again, from a fresh instance
// of its factory, on the live connection before that lifetime runs out (re-authentication);
// the connection writes no application request meanwhile.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "net/api_version_table.hpp"
#include "net/outbound_request.hpp"

namespace kafkit::net {

/// What a running step may use. Valid until the step's `done` has been called or the
/// connection closed; use it only from the loop thread.
class SetupContext {
 public:
  virtual const std::string& broker() const = 0;
  /// The ranges the broker advertised (already known when steps run).
  virtual const ApiVersionTable& api_versions() const = 0;
  /// Sends a request although the connection is not ready yet. Set `negotiate` (the default)
  /// to have the version chosen like any other request, or pin one with versions.max.
  virtual void send_setup_request(OutboundRequest request) = 0;

 protected:
  ~SetupContext() = default;
};

class SetupStep {
 public:
  virtual ~SetupStep() = default;
  /// For messages: "SASL/PLAIN".
  virtual std::string name() const = 0;
  /// Starts the step; it calls `done` exactly once, on the loop thread, never inside start().
  /// After the connection closed, `done` is ignored.
  virtual void start(SetupContext& context, std::function<void(Result<void>)> done) = 0;
  /// Once `done` reported success: how long the broker keeps the session valid (KIP-368
  /// SessionLifetimeMs); 0 means it does not expire and the step is never run again.
  virtual std::chrono::milliseconds session_lifetime() const {
    return std::chrono::milliseconds{0};
  }
};

using SetupStepFactory = std::function<std::unique_ptr<SetupStep>()>;

}  // namespace kafkit::net
