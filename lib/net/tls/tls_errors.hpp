#pragma once
// Local error codes of the TLS transport, in net's range (net/net_errors.hpp) so retry logic
// and tests tell a certificate problem from a broken handshake without parsing messages.
// They never go on the wire.

namespace kafkit::net::tls::errc {

/// The handshake failed for a reason other than the peer's certificate: no common protocol
/// version or cipher, a peer that is not speaking TLS, the peer closing mid-handshake.
inline constexpr int handshake_failed = -1120;
/// The peer's certificate was refused: untrusted, expired, or not for the host we dialled
/// (the message carries OpenSSL's verify error string).
inline constexpr int certificate_refused = -1121;
/// A TLS read or write failed after the handshake.
inline constexpr int io_failed = -1122;

}  // namespace kafkit::net::tls::errc
