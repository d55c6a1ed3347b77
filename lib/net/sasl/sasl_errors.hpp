#pragma once
// Error codes a SASL mechanism reports. Authentication outcomes use Kafka's own codes so a
// connection can hand them to the user (and the broker can put them on the wire) unchanged;
// a peer that breaks a mechanism's message grammar gets kafkit::errc::malformed.
#include "common/result.hpp"

namespace kafkit::net::sasl::errc {

inline constexpr int authentication_failed = 58;  // SASL_AUTHENTICATION_FAILED
inline constexpr int unsupported_mechanism = 33;  // UNSUPPORTED_SASL_MECHANISM
inline constexpr int illegal_state = 34;          // ILLEGAL_SASL_STATE (call out of order)
inline constexpr int malformed = kafkit::errc::malformed;

}  // namespace kafkit::net::sasl::errc
