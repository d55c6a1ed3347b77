#pragma once
// The broker's SASL settings (issue 8), kept simple rather than Kafka's JAAS files:
//   sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER  (default PLAIN;
//                            Kafka's default is GSSAPI, which kafkit does not implement)
//   sasl.users=alice:alice-secret,bob:bob-secret     users for PLAIN and SCRAM
//   sasl.oauthbearer.unsecure=true                   accept unsecured JWTs (development only)
// The passwords live only in the properties the broker was started with. PLAIN checks keep a
// SHA-256 of each password (compared in constant time) and SCRAM keeps the RFC 5802
// credential (random salt, StoredKey, ServerKey) derived once at start; neither is written
// to disk. They apply to every SASL_PLAINTEXT listener.
#include <memory>
#include <string_view>

#include "common/properties.hpp"
#include "common/result.hpp"
#include "net/sasl/mechanism_factory.hpp"

namespace kafkit::broker {

bool is_sasl_property(std::string_view key) noexcept;
/// Checks one sasl.* value; errors name the property.
Result<void> validate_sasl_property(std::string_view key, std::string_view value);

/// What the SASL listeners authenticate against, from the sasl.* properties. Errors when an
/// enabled mechanism has nothing to check against (PLAIN/SCRAM without sasl.users,
/// OAUTHBEARER without sasl.oauthbearer.unsecure=true).
Result<std::shared_ptr<const net::sasl::ServerAuthenticators>> make_server_authenticators(
    const Properties& properties);

}  // namespace kafkit::broker
