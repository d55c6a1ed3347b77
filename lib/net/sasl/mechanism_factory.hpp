#pragma once
// Mechanisms by their Kafka names (protocol-facts §8.1): what `sasl.mechanism` selects on the
// client and what a broker listener enables. Names are case-sensitive, as in Kafka.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "net/sasl/mechanism.hpp"
#include "net/sasl/oauthbearer.hpp"
#include "net/sasl/oauthbearer_server.hpp"
#include "net/sasl/plain.hpp"
#include "net/sasl/scram_client.hpp"
#include "net/sasl/scram_server.hpp"

namespace kafkit::net::sasl {

/// The mechanisms kafkit implements, in the order a broker lists them.
const std::vector<std::string>& supported_mechanisms();

/// Client credentials from configuration (sasl.username, sasl.password, and for OAUTHBEARER
/// a token already obtained from the token callback or build_unsecured_jwt).
struct ClientCredentials {
  std::string username;
  std::string password;
  std::string oauthbearer_token;
  OAuthBearerExtensions oauthbearer_extensions;
  ScramClientOptions scram;  // iteration bounds; test nonce
};

/// A fresh client state machine for one exchange (one per connection attempt and per
/// re-authentication). Unknown names (including GSSAPI) give errc::unsupported_mechanism.
Result<std::unique_ptr<ClientMechanism>> make_client_mechanism(
    std::string_view name, const ClientCredentials& credentials);

/// What a broker listener can authenticate; a mechanism is enabled when its entry is set.
struct ServerAuthenticators {
  PlainVerifier plain;
  ScramCredentialLookup scram_sha_256;
  ScramCredentialLookup scram_sha_512;
  OAuthBearerValidator oauthbearer;  // e.g. unsecured_jwt_validator(policy)
};

/// The enabled names, for the SaslHandshake response.
std::vector<std::string> enabled_mechanisms(const ServerAuthenticators& authenticators);

/// A fresh server state machine. A name that is unknown or not enabled gives
/// errc::unsupported_mechanism naming the enabled ones (Kafka answers SaslHandshake with 33
/// and the list).
Result<std::unique_ptr<ServerMechanism>> make_server_mechanism(
    std::string_view name, const ServerAuthenticators& authenticators);

}  // namespace kafkit::net::sasl
