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
// Brokers whose ApiVersions lists no SaslAuthenticate (before Kafka 1.0) get the v0 form:
// SaslHandshake v0, then the tokens as bare size-prefixed frames (net/sasl_v0_token.hpp).
//
// KIP-368: the SessionLifetimeMs of the last SaslAuthenticate (v1+) is the step's
// session_lifetime(); the Connection runs a fresh step again before it runs out
// (connection_reauth.cpp), which for OAUTHBEARER asks the token provider for a new token.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "kafkit/oauthbearer.hpp"
#include "net/sasl/mechanism_factory.hpp"
#include "net/setup_step.hpp"

namespace kafkit::net {

struct SaslClientConfig {
  /// sasl.mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER.
  std::string mechanism = "PLAIN";
  sasl::ClientCredentials credentials;
  /// OAUTHBEARER: called for each authentication (every connection attempt and every
  /// re-authentication) for a fresh token: the application's provider or the unsecured-JWT
  /// builder. An error, an empty token or an expired one fails the attempt with
  /// SASL_AUTHENTICATION_FAILED. When empty, credentials.oauthbearer_token is used as is.
  OAuthBearerTokenProvider oauthbearer_token;
};

/// True for the codes a failed SASL exchange ends with (33, 34, 58), and for a broker
/// certificate our TLS settings refuse (untrusted, expired, another host's): retrying the
/// same settings cannot succeed, so requests waiting for the connection fail at once and
/// the clients report it instead of timing out.
bool is_authentication_error(int code) noexcept;

/// A factory for ConnectionConfig::setup_steps. The config is shared by every connection.
SetupStepFactory make_sasl_setup_step(std::shared_ptr<const SaslClientConfig> config);

}  // namespace kafkit::net
