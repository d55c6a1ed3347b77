#pragma once
// Throwaway PKI for TLS tests, made at test time with the OpenSSL API into a temporary
// directory (nothing secret is committed): a CA, a server certificate for 127.0.0.1 and
// localhost, a client certificate, an expired server certificate, a server certificate for
// another host, and a second CA nobody trusts with a server certificate of its own.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace kafkit::test::tls {

struct KeyAndCert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
};

inline EVP_PKEY* new_key() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

inline void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) throw std::runtime_error("bad extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

/// `issuer` null: self-signed (a CA). Validity from now + not_before_s to now + not_after_s.
inline KeyAndCert make_cert(const std::string& cn, const std::string& san, const KeyAndCert* issuer,
                            bool ca, long not_before_s = -3600, long not_after_s = 86400) {
  static long serial = 1;
  KeyAndCert out{new_key(), X509_new()};
  X509_set_version(out.cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(out.cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(out.cert), not_before_s);
  X509_gmtime_adj(X509_getm_notAfter(out.cert), not_after_s);
  X509_set_pubkey(out.cert, out.key);
  X509_NAME* name = X509_get_subject_name(out.cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("kafkit test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert : out.cert;
  X509_set_issuer_name(out.cert, X509_get_subject_name(issuer_cert));
  if (ca) {
    add_ext(out.cert, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(out.cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(out.cert, issuer_cert, NID_basic_constraints, "CA:FALSE");
    add_ext(out.cert, issuer_cert, NID_ext_key_usage, "serverAuth,clientAuth");
  }
  add_ext(out.cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (!san.empty()) add_ext(out.cert, issuer_cert, NID_subject_alt_name, san);
  if (X509_sign(out.cert, issuer ? issuer->key : out.key, EVP_sha256()) == 0)
    throw std::runtime_error("X509_sign failed");
  return out;
}

inline void write_cert(const std::filesystem::path& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error("cannot write " + path.string());
  PEM_write_X509(f, cert);
  std::fclose(f);
}

inline void write_key(const std::filesystem::path& path, EVP_PKEY* key,
                      const std::string& password = "") {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error("cannot write " + path.string());
  if (password.empty()) {
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_PrivateKey(f, key, EVP_aes_256_cbc(),
                         reinterpret_cast<const unsigned char*>(password.data()),
                         static_cast<int>(password.size()), nullptr, nullptr);
  }
  std::fclose(f);
}

/// Files written into `dir`: ca.pem; server.pem/.key (127.0.0.1, localhost); client.pem/.key
/// and client-enc.key (password "secret"); expired.pem/.key; otherhost.pem/.key
/// (broker.example.com only); rogue-ca.pem and rogue-server.pem/.key (signed by rogue-ca).
struct TestPki {
  std::filesystem::path dir;
  explicit TestPki(std::filesystem::path d) : dir(std::move(d)) {
    KeyAndCert ca = make_cert("kafkit test CA", "", nullptr, true);
    write_cert(dir / "ca.pem", ca.cert);
    auto leaf = [&](const std::string& base, const std::string& cn, const std::string& san,
                    const KeyAndCert& issuer, long nb = -3600, long na = 86400) {
      KeyAndCert kc = make_cert(cn, san, &issuer, false, nb, na);
      write_cert(dir / (base + ".pem"), kc.cert);
      write_key(dir / (base + ".key"), kc.key);
      return kc;
    };
    auto free_kc = [](KeyAndCert& kc) {
      X509_free(kc.cert);
      EVP_PKEY_free(kc.key);
    };
    KeyAndCert server = leaf("server", "localhost", "DNS:localhost,IP:127.0.0.1", ca);
    KeyAndCert client = leaf("client", "kafkit-client", "DNS:kafkit-client", ca);
    write_key(dir / "client-enc.key", client.key, "secret");
    KeyAndCert expired =
        leaf("expired", "localhost", "DNS:localhost,IP:127.0.0.1", ca, -3 * 86400, -86400);
    KeyAndCert other = leaf("otherhost", "broker.example.com", "DNS:broker.example.com", ca);
    KeyAndCert rogue_ca = make_cert("rogue CA", "", nullptr, true);
    write_cert(dir / "rogue-ca.pem", rogue_ca.cert);
    KeyAndCert rogue = leaf("rogue-server", "localhost", "DNS:localhost,IP:127.0.0.1", rogue_ca);
    KeyAndCert rogue_client = leaf("rogue-client", "rogue", "DNS:rogue", rogue_ca);
    for (KeyAndCert* kc :
         {&ca, &server, &client, &expired, &other, &rogue_ca, &rogue, &rogue_client})
      free_kc(*kc);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

}  // namespace kafkit::test::tls
