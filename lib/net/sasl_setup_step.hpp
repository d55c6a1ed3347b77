#pragma once
// The SASL connection setup step (issue 8, KIP-152, protocol-facts §8.1): after ApiVersions,
// SaslHandshake v1 names the mechanism, then SaslAuthenticate rounds carry the tokens of a
// net::sasl::ClientMechanism until it is done. Nothing else is sent on the connection before.
//
// Failures are terminal for the attempt and keep Kafka's codes so the layers above can tell
// them from network trouble: UNSUPPORTED_SASL_MECHANISM (33, with the broker's enabled list),
// SASL_AUTHENTICATION_FAILED (58, with the broker's ErrorMessage), ILLEGAL_SASL_STATE (34).
// BrokerConnection fails the requests waiting for such a connection at once
// (is_authentication_error) instead of letting them time out.
//
// Not done: the SaslHandshake v0 form (raw tokens without SaslAuthenticate; every broker since
// Kafka 1.0 takes v1) and KIP-368 re-authentication: a SessionLifetimeMs > 0 is kept
// (SaslSetupStep::session_lifetime) but the connection does not re-authenticate before it
// runs out; a broker enforcing it closes the connection, which then reconnects.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "net/sasl/mechanism_factory.hpp"
#include "net/setup_step.hpp"

namespace kafkit::net {

struct SaslClientConfig {
  /// sasl.mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER.
  std::string mechanism = "PLAIN";
  sasl::ClientCredentials credentials;
  /// OAUTHBEARER: called once per connection attempt for a fresh token (the unsecured-JWT
  /// builder, or an application's token callback); an error fails the attempt. When empty,
  /// credentials.oauthbearer_token is used as is.
  std::function<Result<std::string>()> oauthbearer_token;
};

/// True for the codes a failed SASL exchange ends with (33, 34, 58): retrying the same
/// credentials cannot succeed, so requests waiting for the connection fail at once.
bool is_authentication_error(int code) noexcept;

/// A factory for ConnectionConfig::setup_steps. The config is shared by every connection.
SetupStepFactory make_sasl_setup_step(std::shared_ptr<const SaslClientConfig> config);

}  // namespace kafkit::net
