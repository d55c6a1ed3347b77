#pragma once
// Unsecured JWTs (RFC 7515 "alg":"none", RFC 7519) for OAUTHBEARER in development, the kind
// librdkafka builds with `enable.sasl.oauthbearer.unsecure.jwt=true` and Kafka's
// OAuthBearerUnsecuredValidatorCallbackHandler accepts. NEVER for production: anyone can mint
// one for any principal.
//   token = base64url(header) "." base64url(claims) "."   (no padding, empty signature)
//   header = {"alg":"none"}; claims = {"sub":..,"iat":..,"exp":..[,"scope":[..]]}
// Times are seconds since the epoch, written with millisecond precision ("1700000000.000").
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "net/sasl/oauthbearer.hpp"

namespace kafkit::net::sasl {

using SystemTime = std::chrono::system_clock::time_point;

struct UnsecuredJwtSpec {
  std::string principal;
  std::string principal_claim = "sub";
  std::vector<std::string> scopes;  // written as a JSON array when non-empty
  std::string scope_claim = "scope";
  SystemTime issued_at{};
  std::chrono::seconds lifetime{3600};
};

/// Errors: empty principal or claim names, non-UTF-8 text, non-positive lifetime.
Result<std::string> build_unsecured_jwt(const UnsecuredJwtSpec& spec);

/// librdkafka's `sasl.oauthbearer.config` for the unsecured JWT: space-separated
/// `principal=<name>` (required), `principalClaimName=`, `scope=<a,b>`, `scopeClaimName=`,
/// `lifeSeconds=<n>` (default 3600) and `extension_<name>=<value>`. `issued_at` is left for
/// the caller to set when the token is minted. Errors name the property.
struct UnsecuredJwtConfig {
  UnsecuredJwtSpec spec;
  OAuthBearerExtensions extensions;
};
Result<UnsecuredJwtConfig> parse_unsecured_jwt_config(std::string_view text);

/// What a server checks (Kafka's unsecured validator options).
struct UnsecuredJwtPolicy {
  std::string principal_claim = "sub";
  std::string scope_claim = "scope";
  std::chrono::seconds allowable_clock_skew{0};
  std::vector<std::string> required_scopes;
};

struct ValidatedToken {
  std::string principal;
  std::optional<SystemTime> issued_at;
  SystemTime expires_at;
  std::vector<std::string> scopes;
  /// expires_at - now at validation: the session lifetime to announce (KIP-368).
  std::chrono::milliseconds lifetime{0};
};

/// Parses and validates an unsecured JWT at time `now`: three dot-separated parts with an
/// empty signature, header alg "none", a JSON-object claims set with a numeric `exp` not yet
/// passed, a numeric `iat` (when present) not in the future, a non-empty string principal
/// claim and the required scopes (scope as a space-separated string or an array of strings).
/// Failures are errc::authentication_failed with the reason (errc::malformed for bad encoding).
Result<ValidatedToken> validate_unsecured_jwt(std::string_view token,
                                              const UnsecuredJwtPolicy& policy, SystemTime now);

}  // namespace kafkit::net::sasl
