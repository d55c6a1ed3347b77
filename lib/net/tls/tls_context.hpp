#pragma once
// TlsContext: an OpenSSL SSL_CTX built once from TlsConfig and shared by every connection
// of a client (or every session of a broker listener). Building it loads and checks every
// file and PEM string, so a configuration error surfaces at construction, naming the
// property; OpenSSL's own reason is appended.
//
// Thread-safety: immutable after construction; SSL_CTX is safe to share across threads
// for creating connections (each TlsTransport has its own SSL object).
#include <memory>
#include <string>

#include "common/result.hpp"
#include "net/tls/tls_config.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace kafkit::net::tls {

class TlsContext {
 public:
  /// Client side: trusts ssl.ca.* (or the system's default CAs when neither is given),
  /// presents ssl.certificate.* / ssl.key.* when set (mTLS), TLS 1.2 or 1.3.
  static Result<std::shared_ptr<TlsContext>> client(const TlsConfig& config);
  /// Server side: ssl.certificate.* and ssl.key.* are required; ssl.ca.* verifies client
  /// certificates when ssl.client.auth is requested or required.
  static Result<std::shared_ptr<TlsContext>> server(const TlsConfig& config);

  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* native() const noexcept { return ctx_; }
  bool is_server() const noexcept { return server_; }
  bool verify_hostname() const noexcept { return verify_hostname_; }

 private:
  TlsContext(SSL_CTX* ctx, bool server, bool verify_hostname)
      : ctx_(ctx), server_(server), verify_hostname_(verify_hostname) {}

  SSL_CTX* ctx_;
  bool server_;
  bool verify_hostname_;
};

/// OpenSSL's error queue as text ("error:0A000086:SSL routines::certificate verify failed;
/// ..."), emptied; `fallback` when the queue was empty.
std::string drain_openssl_errors(const std::string& fallback = "no OpenSSL error queued");

}  // namespace kafkit::net::tls
