#pragma once
// Local error codes of the network layer. They extend kafkit::errc (common/result.hpp) in
// their own range so that retry logic can tell a refused connection from a timeout without
// parsing messages. They never go on the wire.

namespace kafkit::net::errc {

inline constexpr int connection_refused = -1100;  // peer answered with RST (ECONNREFUSED)
inline constexpr int connect_timeout = -1101;     // no answer within the connect timeout
inline constexpr int unreachable = -1102;         // ENETUNREACH / EHOSTUNREACH
inline constexpr int resolve_failed = -1103;      // getaddrinfo found no usable address
inline constexpr int request_timeout = -1104;     // no response within request.timeout.ms
inline constexpr int connection_closed = -1105;   // the connection ended (EOF, close, stop)
inline constexpr int protocol_error = -1106;      // the peer broke framing or the protocol
inline constexpr int queue_full = -1107;          // too many requests waiting to be sent
// UNSUPPORTED_VERSION uses Kafka's own code 35 (protocol::ErrorCode::UnsupportedVersion),
// also when kafkit decides locally that no version is common, so callers test one code.
// Any other socket failure uses kafkit::errc::io.

}  // namespace kafkit::net::errc
