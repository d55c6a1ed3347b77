#pragma once
// A blocking raw Kafka connection over TLS for tests of what a broker does with requests
// that kafkit's clients would never send (e.g. Metadata before SASL over TLS). OpenSSL
// directly, verifying the broker against the test CA; every read bounded by a timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "protocol/header.hpp"
#include "protocol/message.hpp"

namespace kafkit::test::tls {

class TlsRawClient {
 public:
  TlsRawClient(uint16_t port, const std::string& ca_file, int timeout_ms = 5000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    ctx_ = SSL_CTX_new(TLS_client_method());
    REQUIRE(ctx_ != nullptr);
    REQUIRE(SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) == 1);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    handshake_ok_ = SSL_connect(ssl_) == 1;
  }
  ~TlsRawClient() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  TlsRawClient(const TlsRawClient&) = delete;
  TlsRawClient& operator=(const TlsRawClient&) = delete;

  bool handshake_ok() const { return handshake_ok_; }

  template <class Req>
  bool send(const Req& req, int16_t version) {
    protocol::RequestHeader h{Req::api_key, version, next_corr_++, std::string("kafkit-test"), {}};
    protocol::Bytes frame = protocol::frame_request(h, req);
    return SSL_write(ssl_, frame.data(), static_cast<int>(frame.size())) ==
           static_cast<int>(frame.size());
  }

  /// True when the broker ended the connection (close_notify, EOF or reset) before sending
  /// any byte, within the timeout.
  bool closed_by_peer() {
    char b;
    errno = 0;
    int n = SSL_read(ssl_, &b, 1);
    if (n > 0) return false;
    int e = SSL_get_error(ssl_, n);
    ERR_clear_error();
    if (e == SSL_ERROR_ZERO_RETURN) return true;
    if (e == SSL_ERROR_SSL) return true;
    if (e == SSL_ERROR_SYSCALL) return errno != EAGAIN && errno != EWOULDBLOCK;
    return false;
  }

 private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool handshake_ok_ = false;
  int32_t next_corr_ = 1;
};

}  // namespace kafkit::test::tls
