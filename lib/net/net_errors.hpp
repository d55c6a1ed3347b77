#pragma once
// Local error codes of the network layer. They extend kafkit::errc (common/result.hpp) in
// their own range so that retry logic can tell a refused connection from a timeout without
// parsing messages. They never go on the wire.

namespace kafkit::net::errc {

inline constexpr int connection_refused = -1100;  // peer answered with RST (ECONNREFUSED)
inline constexpr int connect_timeout = -1101;     // no answer within the connect timeout
inline constexpr int unreachable = -1102;         // ENETUNREACH / EHOSTUNREACH
inline constexpr int resolve_failed = -1103;      // getaddrinfo found no usable address
// Any other socket failure uses kafkit::errc::io.

}  // namespace kafkit::net::errc
