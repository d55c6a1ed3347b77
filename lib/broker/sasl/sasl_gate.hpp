#pragma once
// SaslGate: what a session on a SASL listener may do before it has authenticated (issue 8,
// KIP-152, protocol-facts §8.1), as an I/O-free state machine: a request frame in, a decision
// out. Allowed: ApiVersions (dispatched as usual), SaslHandshake (v0 or v1), SaslAuthenticate
// (v0-2, after a v1 handshake); with a v0 handshake the next frames are raw SASL tokens
// answered with raw tokens (the pre-KIP-152 form). Anything else closes the connection, as
// Kafka's SaslServerAuthenticator does. The Server caps pre-authentication frames at
// kMaxPreAuthFrame bytes (from the size prefix) and answers a failed authentication after
// kFailureDelay, without blocking its loop, then closes.
//
// KIP-368: with connections.max.reauth.ms > 0, a SaslAuthenticate v1+ that completes the
// exchange announces SessionLifetimeMs (that maximum, or less when an OAUTHBEARER token
// expires sooner). A gate made for a re-authentication (an authenticated connection sent
// SaslHandshake again) also requires the same mechanism and principal as before, as Kafka
// does; anything else fails the exchange and closes the connection.
//
// Thread-safety: none; one gate per session, on the broker's loop thread.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "net/sasl/mechanism_factory.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

class SaslGate {
 public:
  static constexpr std::size_t kMaxPreAuthFrame = 512 * 1024;
  static constexpr std::chrono::milliseconds kFailureDelay{200};

  struct Outcome {
    enum class Action {
      dispatch,  // an ApiVersions request: hand the frame to the dispatcher as usual
      respond,   // send `response` (a complete frame, size prefix included)
      fail,      // send `response` after kFailureDelay, then close (v0: close at once)
      close,     // close now, for `reason`
    };
    Action action = Action::close;
    protocol::Bytes response;
    std::string reason;  // for fail and close: what the broker logs
  };

  struct Options {
    /// connections.max.reauth.ms; 0: sessions do not expire.
    std::chrono::milliseconds max_reauth{0};
    /// Set for a re-authentication: what the first authentication established.
    std::optional<std::string> reauth_principal;
    std::string reauth_mechanism;
  };

  explicit SaslGate(std::shared_ptr<const net::sasl::ServerAuthenticators> authenticators)
      : SaslGate(std::move(authenticators), Options()) {}
  SaslGate(std::shared_ptr<const net::sasl::ServerAuthenticators> authenticators, Options options);

  Outcome on_frame(const protocol::Bytes& frame);

  bool authenticated() const noexcept { return authenticated_; }
  /// The authenticated principal ("User:alice" is Kafka's display form; this is "alice").
  const std::string& principal() const noexcept { return principal_; }
  const std::string& mechanism() const noexcept { return mechanism_name_; }
  /// Once authenticated: the SessionLifetimeMs announced (0: none; always 0 for the v0 form
  /// and SaslAuthenticate v0, whose clients cannot re-authenticate).
  std::chrono::milliseconds session_lifetime() const noexcept { return session_lifetime_; }
  /// Whether the exchange used SaslAuthenticate v1+ (KIP-368: such a client may re-authenticate).
  bool can_reauthenticate() const noexcept { return authenticate_version_ >= 1; }
  /// Whether the tokens travelled as bare frames after SaslHandshake v0.
  bool used_v0_form() const noexcept { return used_v0_form_; }
  bool reauthenticating() const noexcept { return options_.reauth_principal.has_value(); }

 private:
  Outcome on_handshake(const protocol::Bytes& frame, std::size_t body, std::int32_t correlation,
                       std::int16_t version);
  Outcome on_authenticate(const protocol::Bytes& frame, std::size_t body, std::int32_t correlation,
                          std::int16_t version);
  Outcome on_raw_token(const protocol::Bytes& frame);
  std::chrono::milliseconds lifetime_for(std::int16_t version) const;

  std::shared_ptr<const net::sasl::ServerAuthenticators> authenticators_;
  Options options_;
  std::int16_t authenticate_version_ = -1;
  std::chrono::milliseconds session_lifetime_{0};
  std::unique_ptr<net::sasl::ServerMechanism> mechanism_;
  std::string mechanism_name_;
  bool raw_tokens_ = false;  // SaslHandshake v0 was used, tokens still to come
  bool used_v0_form_ = false;
  bool authenticated_ = false;
  std::string principal_;
};

}  // namespace kafkit::broker
