#include "net/tls/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace kafkit::net::tls {
namespace {

Error config_error(std::string_view property, std::string_view value, const std::string& what) {
  std::string shown =
      value.size() > 80 ? std::string(value.substr(0, 77)) + "..." : std::string(value);
  return Error{kafkit::errc::invalid_argument, std::string(property) + "=" + shown + ": " + what +
                                                   " (" + drain_openssl_errors() + ")"};
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr memory_bio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

int password_callback(char* buf, int size, int, void* userdata) {
  const auto* password = static_cast<const std::string*>(userdata);
  if (password == nullptr || size <= 0) return 0;
  int n = static_cast<int>(std::min<std::size_t>(password->size(), static_cast<std::size_t>(size)));
  std::memcpy(buf, password->data(), static_cast<std::size_t>(n));
  return n;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ',' || c == ':' || c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

Result<void> set_protocols(SSL_CTX* ctx, const TlsConfig& c) {
  int min = TLS1_2_VERSION, max = TLS1_3_VERSION;
  if (!c.enabled_protocols.empty()) {
    min = 0;
    max = 0;
    for (const std::string& p : split_list(c.enabled_protocols)) {
      int v = 0;
      if (p == "TLSv1.2")
        v = TLS1_2_VERSION;
      else if (p == "TLSv1.3")
        v = TLS1_3_VERSION;
      else
        return Error{kafkit::errc::invalid_argument,
                     "ssl.enabled.protocols=" + c.enabled_protocols + ": \"" + p +
                         "\" is not accepted; use TLSv1.2 and/or TLSv1.3 (older versions are "
                         "insecure and not offered)"};
      if (min == 0 || v < min) min = v;
      if (v > max) max = v;
    }
    if (min == 0)
      return Error{kafkit::errc::invalid_argument,
                   "ssl.enabled.protocols is empty; use TLSv1.2 and/or TLSv1.3"};
  }
  if (SSL_CTX_set_min_proto_version(ctx, min) != 1 || SSL_CTX_set_max_proto_version(ctx, max) != 1)
    return config_error("ssl.enabled.protocols", c.enabled_protocols, "cannot be set");
  return {};
}

Result<void> set_ciphers(SSL_CTX* ctx, const TlsConfig& c) {
  if (c.cipher_suites.empty()) return {};
  std::string tls13, tls12;
  for (const std::string& s : split_list(c.cipher_suites)) {
    bool is13 = s.starts_with("TLS_AES_") || s.starts_with("TLS_CHACHA20_");
    std::string& list = is13 ? tls13 : tls12;
    if (!list.empty()) list += ':';
    list += s;
  }
  // An empty list for one version disables that version's suites: a user listing only
  // TLS 1.2 suites gets TLS 1.3's defaults still (Java does the same with its names).
  if (!tls12.empty() && SSL_CTX_set_cipher_list(ctx, tls12.c_str()) != 1)
    return config_error("ssl.cipher.suites", c.cipher_suites, "no usable TLS 1.2 cipher");
  if (!tls13.empty() && SSL_CTX_set_ciphersuites(ctx, tls13.c_str()) != 1)
    return config_error("ssl.cipher.suites", c.cipher_suites, "no usable TLS 1.3 cipher suite");
  return {};
}

Result<void> load_cas(SSL_CTX* ctx, const TlsConfig& c, bool use_default) {
  if (!c.ca_location.empty()) {
    struct stat st {};
    if (::stat(c.ca_location.c_str(), &st) != 0)
      return Error{kafkit::errc::invalid_argument,
                   "ssl.ca.location=" + c.ca_location + ": " + std::strerror(errno)};
    bool dir = S_ISDIR(st.st_mode);
    if (SSL_CTX_load_verify_locations(ctx, dir ? nullptr : c.ca_location.c_str(),
                                      dir ? c.ca_location.c_str() : nullptr) != 1)
      return config_error("ssl.ca.location", c.ca_location, "cannot load CA certificates");
  }
  if (!c.ca_pem.empty()) {
    BioPtr bio = memory_bio(c.ca_pem);
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    int added = 0;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      if (X509_STORE_add_cert(store, cert) == 1) ++added;
      X509_free(cert);
    }
    ERR_clear_error();  // the end of the PEM text reads as "no start line"
    if (added == 0)
      return Error{kafkit::errc::invalid_argument,
                   "ssl.ca.pem: no PEM certificate found in the value"};
  }
  if (use_default && c.ca_location.empty() && c.ca_pem.empty() &&
      SSL_CTX_set_default_verify_paths(ctx) != 1)
    return config_error("ssl.ca.location", "", "cannot load the system's default CAs");
  return {};
}

Result<void> load_identity(SSL_CTX* ctx, const TlsConfig& c, bool required) {
  bool has_cert = !c.certificate_location.empty() || !c.certificate_pem.empty();
  bool has_key = !c.key_location.empty() || !c.key_pem.empty();
  if (!has_cert && !has_key) {
    if (required)
      return Error{kafkit::errc::invalid_argument,
                   "ssl.certificate.location (or .pem) and ssl.key.location (or .pem) are "
                   "required for an SSL listener"};
    return {};
  }
  if (!has_cert)
    return Error{kafkit::errc::invalid_argument,
                 "ssl.key.* is set but no ssl.certificate.location or ssl.certificate.pem"};
  if (!has_key)
    return Error{kafkit::errc::invalid_argument,
                 "ssl.certificate.* is set but no ssl.key.location or ssl.key.pem"};
  if (!c.certificate_location.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, c.certificate_location.c_str()) != 1)
      return config_error("ssl.certificate.location", c.certificate_location,
                          "cannot load the certificate");
  } else {
    BioPtr bio = memory_bio(c.certificate_pem);
    X509* leaf = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (leaf == nullptr || SSL_CTX_use_certificate(ctx, leaf) != 1) {
      X509_free(leaf);
      return config_error("ssl.certificate.pem", "<PEM>", "cannot load the certificate");
    }
    X509_free(leaf);
    while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) X509_free(extra);
    }
    ERR_clear_error();
  }
  auto* password = const_cast<std::string*>(&c.key_password);
  if (!c.key_location.empty()) {
    BioPtr bio(BIO_new_file(c.key_location.c_str(), "r"));
    if (!bio) return config_error("ssl.key.location", c.key_location, "cannot open the key file");
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback, password);
    if (key == nullptr)
      return config_error("ssl.key.location", c.key_location,
                          "cannot read the private key (wrong ssl.key.password?)");
    int ok = SSL_CTX_use_PrivateKey(ctx, key);
    EVP_PKEY_free(key);
    if (ok != 1) return config_error("ssl.key.location", c.key_location, "unusable private key");
  } else {
    BioPtr bio = memory_bio(c.key_pem);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback, password);
    if (key == nullptr)
      return config_error("ssl.key.pem", "<PEM>",
                          "cannot read the private key (wrong ssl.key.password?)");
    int ok = SSL_CTX_use_PrivateKey(ctx, key);
    EVP_PKEY_free(key);
    if (ok != 1) return config_error("ssl.key.pem", "<PEM>", "unusable private key");
  }
  if (SSL_CTX_check_private_key(ctx) != 1)
    return config_error(c.key_location.empty() ? "ssl.key.pem" : "ssl.key.location",
                        c.key_location.empty() ? "<PEM>" : c.key_location,
                        "the private key does not match the certificate");
  return {};
}

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};

Result<std::unique_ptr<SSL_CTX, CtxFree>> common_context(const TlsConfig& c, bool server) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, CtxFree> ctx(
      SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()));
  if (!ctx)
    return Error{kafkit::errc::invalid_argument,
                 "cannot create a TLS context: " + drain_openssl_errors()};
  if (auto r = set_protocols(ctx.get(), c); !r) return r.error();
  if (auto r = set_ciphers(ctx.get(), c); !r) return r.error();
  // Partial writes and a moving buffer: the caller's output buffer may grow (and move)
  // between a write that wanted more room and its retry; renegotiation is refused.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
  // Kafka peers close TCP without close_notify; after the handshake that is a plain EOF.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
  return ctx;
}

}  // namespace

std::string drain_openssl_errors(const std::string& fallback) {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? fallback : out;
}

Result<std::shared_ptr<TlsContext>> TlsContext::client(const TlsConfig& c) {
  auto ctx = common_context(c, false);
  if (!ctx) return ctx.error();
  if (c.verify_certificate) {
    if (auto r = load_cas(ctx->get(), c, true); !r) return r.error();
    SSL_CTX_set_verify(ctx->get(), SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx->get(), SSL_VERIFY_NONE, nullptr);
  }
  if (auto r = load_identity(ctx->get(), c, false); !r) return r.error();
  return std::shared_ptr<TlsContext>(
      new TlsContext(ctx->release(), false, c.verify_certificate && c.verify_hostname));
}

Result<std::shared_ptr<TlsContext>> TlsContext::server(const TlsConfig& c) {
  auto ctx = common_context(c, true);
  if (!ctx) return ctx.error();
  if (auto r = load_identity(ctx->get(), c, true); !r) return r.error();
  if (c.client_auth != ClientAuth::none) {
    if (c.ca_location.empty() && c.ca_pem.empty())
      return Error{kafkit::errc::invalid_argument,
                   "ssl.client.auth needs ssl.ca.location (or ssl.ca.pem): the CAs client "
                   "certificates are checked against"};
    if (auto r = load_cas(ctx->get(), c, false); !r) return r.error();
    int mode = SSL_VERIFY_PEER;
    if (c.client_auth == ClientAuth::required) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx->get(), mode, nullptr);
    // The CA names sent in the CertificateRequest help clients pick a certificate.
    if (!c.ca_location.empty()) {
      if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(c.ca_location.c_str()))
        SSL_CTX_set_client_CA_list(ctx->get(), names);
      ERR_clear_error();
    }
  } else {
    SSL_CTX_set_verify(ctx->get(), SSL_VERIFY_NONE, nullptr);
  }
  // Sessions are not resumed: every connection is verified in full (and there is no
  // session cache to size or expire).
  SSL_CTX_set_session_cache_mode(ctx->get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx->get(), 0);
  return std::shared_ptr<TlsContext>(new TlsContext(ctx->release(), true, false));
}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}

}  // namespace kafkit::net::tls
