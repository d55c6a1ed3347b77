#pragma once
// The two sides of a SASL exchange as I/O-free state machines (DESIGN "bytes and time in,
// bytes and decisions out"). Every mechanism Kafka uses is client-first, so a connection
// setup step drives a ClientMechanism like this (protocol-facts §8.1, KIP-152):
//
//   SaslHandshake(mechanism())                          -> error 33 + enabled list if refused
//   token = initial_response()
//   loop: SaslAuthenticate(token)                       -> ErrorCode != 0: fail with its message
//         reply = next(response.auth_bytes)             -> error: fail (wrong signature, ...)
//         if done(): authenticated (session lifetime comes from SaslAuthenticate v1+)
//         else token = *reply
//
// With SaslHandshake v0 the same tokens travel as raw size-prefixed frames instead.
// A broker drives a ServerMechanism with each client token and answers with the returned
// token; an error means "answer SASL_AUTHENTICATION_FAILED (58) and close", with the
// ErrorMessage from client_facing_message() (net/sasl/sasl_errors.hpp).
//
// Thread-safety: none; a mechanism belongs to one connection on the loop thread.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace kafkit::net::sasl {

class ClientMechanism {
 public:
  virtual ~ClientMechanism() = default;

  /// The name sent in SaslHandshake: "PLAIN", "SCRAM-SHA-256", ...
  virtual std::string_view mechanism() const = 0;

  /// The client's first token. Call exactly once, first; errors are local (bad username).
  virtual Result<std::string> initial_response() = 0;

  /// Consumes the server's token and returns the client's next one. When done() is true
  /// afterwards, the exchange succeeded and the returned token (empty) must not be sent.
  /// An error ends the exchange for good (later calls fail with errc::illegal_state).
  virtual Result<std::string> next(std::string_view server_message) = 0;

  /// True once the server has been verified (SCRAM) or has accepted the credentials.
  virtual bool done() const = 0;
};

class ServerMechanism {
 public:
  virtual ~ServerMechanism() = default;

  virtual std::string_view mechanism() const = 0;

  /// Consumes the client's token and returns the server's answer (possibly empty, which is
  /// still sent). An error means authentication failed: errc::authentication_failed with a
  /// message safe to send to the client, or errc::malformed / errc::illegal_state.
  virtual Result<std::string> next(std::string_view client_message) = 0;

  /// True once the client is authenticated; the token returned by the call that completed it
  /// is the last one to send.
  virtual bool done() const = 0;

  /// The authenticated principal name (the username, or the token's subject). Empty until done().
  virtual const std::string& principal() const = 0;

  /// When the credential stops being valid (an OAUTHBEARER token's exp), for the KIP-368
  /// session lifetime; nullopt when it does not expire.
  virtual std::optional<std::chrono::system_clock::time_point> credential_expiry() const {
    return std::nullopt;
  }
};

}  // namespace kafkit::net::sasl
