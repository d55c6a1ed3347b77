#pragma once
// TlsTransport: the Transport over TLS (security.protocol=SSL, and SSL listeners of the
// reference broker), on a connected non-blocking socket.
//
// Everything is non-blocking and driven by the caller's event loop: handshake(), read()
// and write() each do what the socket allows and report which readiness they wait for —
// a TLS read may need the socket writable and a write readable, so the caller watches what
// the last call asked for, not what its name suggests.
//
// read() never leaves decrypted bytes inside OpenSSL when the caller's buffer holds at
// least one TLS record (16 KiB): it stops before a record would only partly fit. Bytes the
// kernel still holds wake a level-triggered loop again; bytes buffered inside OpenSSL would
// not, so callers pass buffers of at least kMinReadBuffer bytes (Connection and the broker
// Session read 64 KiB at a time).
//
// The socket is driven through a small BIO of our own that writes with MSG_NOSIGNAL: a
// peer that closed shows up as EPIPE, not as a SIGPIPE that kills the host process.
//
// Thread-safety: none; one transport belongs to one connection on the loop thread.
#include <cstddef>
#include <memory>
#include <string>

#include "net/tls/tls_context.hpp"
#include "net/transport.hpp"
#include "net/unique_fd.hpp"

typedef struct ssl_st SSL;

namespace kafkit::net::tls {

class TlsTransport final : public Transport {
 public:
  /// The largest plaintext one TLS record carries (RFC 8446 §5.1).
  static constexpr std::size_t kMinReadBuffer = 16 * 1024;

  /// Client side. `host` is the name the broker was dialled by: sent as SNI (unless it is
  /// an IP literal, RFC 6066 §3) and matched against the certificate's subjectAltName when
  /// the context verifies hostnames. `peer` names the broker in messages.
  static Result<std::unique_ptr<TlsTransport>> client(std::shared_ptr<TlsContext> context,
                                                      UniqueFd fd, const std::string& host,
                                                      std::string peer);
  /// Server side (a broker session); `peer` is the client's address for messages.
  static Result<std::unique_ptr<TlsTransport>> server(std::shared_ptr<TlsContext> context,
                                                      UniqueFd fd, std::string peer);

  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  int fd() const override { return fd_.get(); }
  Result<Want> handshake() override;
  Result<IoStatus> read(std::span<std::byte> buffer) override;
  Result<IoStatus> write(std::span<const std::byte> data) override;
  /// Sends close_notify if the socket takes it at once (never waits), then closes.
  void close() override;
  std::string name() const override { return "ssl"; }

  bool handshake_done() const noexcept { return done_; }
  /// After the handshake: "TLSv1.3", the cipher suite, and the peer certificate's subject
  /// ("" without one) — the broker's principal for mTLS is "User:" + subject.
  std::string protocol_version() const;
  std::string cipher() const;
  std::string peer_subject() const;

 private:
  TlsTransport(std::shared_ptr<TlsContext> context, UniqueFd fd, SSL* ssl, std::string peer,
               std::string host)
      : context_(std::move(context)),
        fd_(std::move(fd)),
        ssl_(ssl),
        peer_(std::move(peer)),
        host_(std::move(host)) {}

  Error failure(int ssl_error, int ret, const char* phase);

  std::shared_ptr<TlsContext> context_;
  UniqueFd fd_;
  SSL* ssl_;
  std::string peer_;            // "broker localhost:9093" / "client 127.0.0.1:51234"
  std::string host_;            // client side: the name verified, for messages
  bool done_ = false;           /// @thread loop (owner's)
  bool received_data_ = false;  // an application byte arrived (errors after it are plain I/O)
};

}  // namespace kafkit::net::tls
