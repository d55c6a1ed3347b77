#include "net/tls/tls_transport.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

#include "net/tls/tls_errors.hpp"

namespace kafkit::net::tls {
namespace {

// ---- A socket BIO that never raises SIGPIPE ---------------------------------------------

int fd_of(BIO* bio) {
  return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio)));
}

int bio_write(BIO* bio, const char* data, int length) {
  BIO_clear_retry_flags(bio);
  for (;;) {
    ssize_t n = ::send(fd_of(bio), data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);
    return -1;
  }
}

int bio_read(BIO* bio, char* data, int length) {
  BIO_clear_retry_flags(bio);
  for (;;) {
    ssize_t n = ::recv(fd_of(bio), data, static_cast<std::size_t>(length), 0);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_read(bio);
    return -1;
  }
}

long bio_ctrl(BIO*, int command, long, void*) {
  // OpenSSL flushes after each handshake flight; send() has nothing buffered.
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* socket_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "kafkit socket");
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return method;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Result<SSL*> new_ssl(const TlsContext& context, int fd) {
  ERR_clear_error();
  SSL* ssl = SSL_new(context.native());
  if (ssl == nullptr) return Error{errc::handshake_failed, "SSL_new: " + drain_openssl_errors()};
  BIO* bio = BIO_new(socket_method());
  if (bio == nullptr) {
    SSL_free(ssl);
    return Error{errc::handshake_failed, "BIO_new: " + drain_openssl_errors()};
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
  SSL_set_bio(ssl, bio, bio);
  return ssl;
}

// OpenSSL's reasons when the other side answers with something that is not TLS at all.
bool looks_like_not_tls(const std::string& errors) {
  return errors.find("wrong version number") != std::string::npos ||
         errors.find("packet length too long") != std::string::npos ||
         errors.find("record layer failure") != std::string::npos ||
         errors.find("http request") != std::string::npos ||
         errors.find("unknown protocol") != std::string::npos;
}

}  // namespace

Result<std::unique_ptr<TlsTransport>> TlsTransport::client(std::shared_ptr<TlsContext> context,
                                                           UniqueFd fd, const std::string& host,
                                                           std::string peer) {
  auto ssl = new_ssl(*context, fd.get());
  if (!ssl) return ssl.error();
  std::string name = host;
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']')
    name = name.substr(1, name.size() - 2);
  bool ip = is_ip_literal(name);
  if (!ip && SSL_set_tlsext_host_name(*ssl, name.c_str()) != 1) {
    SSL_free(*ssl);
    return Error{errc::handshake_failed,
                 "cannot set SNI \"" + name + "\": " + drain_openssl_errors()};
  }
  if (context->verify_hostname()) {
    // ssl.endpoint.identification.algorithm=https: RFC 6125 name checks through OpenSSL's
    // verifier, so a mismatch fails the handshake with X509_V_ERR_HOSTNAME_MISMATCH (or
    // IP_ADDRESS_MISMATCH), reported like any other verification error.
    X509_VERIFY_PARAM* param = SSL_get0_param(*ssl);
    int ok = 0;
    if (ip) {
      ok = X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      ok = X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    }
    if (ok != 1) {
      SSL_free(*ssl);
      return Error{errc::handshake_failed,
                   "cannot verify against host \"" + name + "\": " + drain_openssl_errors()};
    }
  }
  SSL_set_connect_state(*ssl);
  return std::unique_ptr<TlsTransport>(
      new TlsTransport(std::move(context), std::move(fd), *ssl, std::move(peer), name));
}

Result<std::unique_ptr<TlsTransport>> TlsTransport::server(std::shared_ptr<TlsContext> context,
                                                           UniqueFd fd, std::string peer) {
  auto ssl = new_ssl(*context, fd.get());
  if (!ssl) return ssl.error();
  SSL_set_accept_state(*ssl);
  return std::unique_ptr<TlsTransport>(
      new TlsTransport(std::move(context), std::move(fd), *ssl, std::move(peer), ""));
}

TlsTransport::~TlsTransport() {
  SSL_free(ssl_);
}

Error TlsTransport::failure(int ssl_error, int ret, const char* phase) {
  int saved_errno = errno;
  std::string errors = drain_openssl_errors("");
  bool handshaking = !done_;
  long verify = SSL_get_verify_result(ssl_);
  if (handshaking && verify != X509_V_OK) {
    std::string message = context_->is_server() ? "the client's certificate was refused: "
                                                : "the broker's certificate was refused: ";
    message += X509_verify_cert_error_string(verify);
    if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH)
      message += " (it is not issued for \"" + host_ +
                 "\"; ssl.endpoint.identification.algorithm=https checks this)";
    return Error{errc::certificate_refused, message};
  }
  if (ssl_error == SSL_ERROR_ZERO_RETURN ||
      (ssl_error == SSL_ERROR_SYSCALL && ret == 0 && errors.empty()) ||
      errors.find("unexpected eof") != std::string::npos) {
    if (handshaking)
      return Error{errc::handshake_failed,
                   std::string("the peer closed the connection during the TLS handshake") +
                       (context_->is_server()
                            ? ""
                            : " (is this a PLAINTEXT listener? or did the broker refuse our "
                              "certificate?)")};
    return Error{errc::io_failed, std::string("the peer closed the connection during ") + phase};
  }
  if (ssl_error == SSL_ERROR_SYSCALL && handshaking) {
    return Error{errc::handshake_failed,
                 std::string("the connection broke during the TLS handshake (") +
                     (saved_errno != 0 ? std::strerror(saved_errno) : "closed") + ")" +
                     (context_->is_server() ? ""
                                            : "; is this a PLAINTEXT listener, or did the broker "
                                              "refuse our certificate?")};
  }
  if (ssl_error == SSL_ERROR_SYSCALL && !context_->is_server() && !received_data_) {
    // TLS 1.3 finishes the client's handshake before the broker has checked the client's
    // certificate; a broker refusing it closes at once, often before its alert is read.
    return Error{errc::certificate_refused,
                 std::string(phase) + ": " +
                     (saved_errno != 0 ? std::strerror(saved_errno) : "connection closed") +
                     " right after the TLS handshake: did the broker refuse our certificate "
                     "(or need one: ssl.certificate.location, ssl.key.location)?"};
  }
  if (ssl_error == SSL_ERROR_SYSCALL) {
    return Error{errc::io_failed,
                 std::string(phase) + ": " +
                     (saved_errno != 0 ? std::strerror(saved_errno) : "I/O error") +
                     (errors.empty() ? "" : " (" + errors + ")")};
  }
  std::string message =
      std::string(phase) + " failed: " + (errors.empty() ? "unknown TLS error" : errors);
  if (handshaking && looks_like_not_tls(errors))
    message += context_->is_server()
                   ? " (the client does not speak TLS: a plaintext client?)"
                   : " (the broker does not speak TLS here: a PLAINTEXT listener?)";
  bool certificate_alert = errors.find("alert certificate required") != std::string::npos ||
                           errors.find("alert bad certificate") != std::string::npos ||
                           errors.find("alert unknown ca") != std::string::npos ||
                           errors.find("alert certificate expired") != std::string::npos;
  if (certificate_alert) {
    message +=
        " (the peer refused our certificate, or needs one: ssl.certificate.location, "
        "ssl.key.location)";
    return Error{errc::certificate_refused, message};
  }
  return Error{handshaking ? errc::handshake_failed : errc::io_failed, message};
}

Result<Want> TlsTransport::handshake() {
  if (done_) return Want::nothing;
  ERR_clear_error();
  errno = 0;
  int r = SSL_do_handshake(ssl_);
  if (r == 1) {
    done_ = true;
    return Want::nothing;
  }
  int e = SSL_get_error(ssl_, r);
  if (e == SSL_ERROR_WANT_READ) return Want::read;
  if (e == SSL_ERROR_WANT_WRITE) return Want::write;
  return failure(e, r, "TLS handshake");
}

Result<IoStatus> TlsTransport::read(std::span<std::byte> buffer) {
  if (!fd_) return Error{errc::io_failed, "read on a closed transport"};
  IoStatus status;
  while (status.bytes < buffer.size()) {
    std::size_t room = buffer.size() - status.bytes;
    // Stop before a record could only partly fit (see the header): the rest stays in the
    // kernel, where the loop sees it.
    if (status.bytes > 0 && room < kMinReadBuffer) break;
    ERR_clear_error();
    errno = 0;
    int n = SSL_read(ssl_, buffer.data() + status.bytes,
                     static_cast<int>(std::min<std::size_t>(room, INT_MAX)));
    if (n > 0) {
      status.bytes += static_cast<std::size_t>(n);
      received_data_ = true;
      continue;
    }
    int e = SSL_get_error(ssl_, n);
    if (e == SSL_ERROR_WANT_READ) {
      status.want = Want::read;
      break;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
      status.want = Want::write;
      break;
    }
    if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && n == 0 && ERR_peek_error() == 0)) {
      status.eof = true;
      break;
    }
    if (status.bytes > 0) break;  // deliver these; the error comes back on the next call
    return failure(e, n, "TLS read");
  }
  return status;
}

Result<IoStatus> TlsTransport::write(std::span<const std::byte> data) {
  if (!fd_) return Error{errc::io_failed, "write on a closed transport"};
  if (data.empty()) return IoStatus{};
  ERR_clear_error();
  errno = 0;
  int n =
      SSL_write(ssl_, data.data(), static_cast<int>(std::min<std::size_t>(data.size(), INT_MAX)));
  if (n > 0) return IoStatus{.bytes = static_cast<std::size_t>(n)};
  int e = SSL_get_error(ssl_, n);
  if (e == SSL_ERROR_WANT_WRITE) return IoStatus{.want = Want::write};
  if (e == SSL_ERROR_WANT_READ) return IoStatus{.want = Want::read};
  return failure(e, n, "TLS write");
}

void TlsTransport::close() {
  if (!fd_) return;
  if (done_) {
    // One non-blocking attempt at close_notify; a full socket or a peer already gone
    // just loses it (the peer sees a plain EOF, which Kafka peers accept).
    ERR_clear_error();
    (void)SSL_shutdown(ssl_);
    ERR_clear_error();
  }
  fd_.reset();
}

std::string TlsTransport::protocol_version() const {
  return done_ ? SSL_get_version(ssl_) : "";
}

std::string TlsTransport::cipher() const {
  const char* name = done_ ? SSL_get_cipher_name(ssl_) : nullptr;
  return name != nullptr ? name : "";
}

std::string TlsTransport::peer_subject() const {
  if (!done_) return "";
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (cert == nullptr) return "";
  std::string out;
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    // RFC 2253 order, as Kafka's default principal builder prints it ("CN=client,O=...").
    X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* text = nullptr;
    long len = BIO_get_mem_data(bio, &text);
    if (len > 0) out.assign(text, static_cast<std::size_t>(len));
    BIO_free(bio);
  }
  X509_free(cert);
  return out;
}

}  // namespace kafkit::net::tls
