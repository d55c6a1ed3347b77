#pragma once
// Error codes a SASL mechanism reports. Authentication outcomes use Kafka's own codes so a
// connection can hand them to the user (and the broker can put them on the wire) unchanged;
// a peer that breaks a mechanism's message grammar gets kafkit::errc::malformed.
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace kafkit::net::sasl::errc {

inline constexpr int authentication_failed = 58;  // SASL_AUTHENTICATION_FAILED
inline constexpr int unsupported_mechanism = 33;  // UNSUPPORTED_SASL_MECHANISM
inline constexpr int illegal_state = 34;          // ILLEGAL_SASL_STATE (call out of order)
inline constexpr int malformed = kafkit::errc::malformed;

}  // namespace kafkit::net::sasl::errc

namespace kafkit::net::sasl {

/// The ErrorMessage a broker puts in a failed SaslAuthenticate response for a server
/// mechanism's error. Kafka's SaslServerAuthenticator sends an authentication failure's own
/// words but replaces any other mechanism error with a generic sentence, since details (say,
/// a parser's complaint) could tell a client more than it should know.
inline std::string client_facing_message(const Error& error, std::string_view mechanism,
                                         bool reauthentication = false) {
  if (error.code == errc::authentication_failed) return error.message;
  return std::string("Authentication failed during ") +
         (reauthentication ? "re-authentication" : "authentication") +
         " due to invalid credentials with SASL mechanism " + std::string(mechanism);
}

}  // namespace kafkit::net::sasl
