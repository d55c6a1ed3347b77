#pragma once
// TLS settings, as the ssl.* properties of librdkafka and the Java client name them. Plain
// strings: they are checked when a TlsContext is built from them (tls_context.hpp), which
// happens at client construction (and broker start-up) so a bad file fails there, naming
// the property, instead of at the first connection.
#include <string>
#include <string_view>

namespace kafkit::net::tls {

/// ssl.client.auth (broker): whether the broker asks for a client certificate.
enum class ClientAuth { none, requested, required };

struct TlsConfig {
  /// ssl.ca.location: a PEM file or a directory of hashed certificates (c_rehash).
  std::string ca_location;
  /// ssl.ca.pem: CA certificates as PEM text.
  std::string ca_pem;
  /// ssl.certificate.location / ssl.certificate.pem: our certificate (chain first-leaf).
  std::string certificate_location;
  std::string certificate_pem;
  /// ssl.key.location / ssl.key.pem and ssl.key.password for an encrypted key.
  std::string key_location;
  std::string key_pem;
  std::string key_password;
  /// ssl.endpoint.identification.algorithm: "https" checks that the peer certificate is
  /// for the host we dialled (client only; the Java client's default since Kafka 2.0).
  bool verify_hostname = true;
  /// enable.ssl.certificate.verification (librdkafka): false accepts any certificate.
  /// For development only; hostname verification is off too then.
  bool verify_certificate = true;
  /// ssl.cipher.suites: comma- or colon-separated; TLS 1.3 suites (TLS_AES_...,
  /// TLS_CHACHA20_...) and OpenSSL's TLS 1.2 names. Empty: OpenSSL's defaults.
  std::string cipher_suites;
  /// ssl.enabled.protocols: comma-separated from TLSv1.2 and TLSv1.3. Empty: both.
  std::string enabled_protocols;
  /// ssl.client.auth (broker side only).
  ClientAuth client_auth = ClientAuth::none;
};

/// The ssl.* properties held as plain strings (the CA, certificate, key, password, cipher
/// and protocol lists), which clients and the broker name alike.
bool is_tls_string_property(std::string_view key) noexcept;
/// Sets one of them; false when `key` is not one.
bool set_tls_string_property(TlsConfig& config, std::string_view key, std::string_view value);

}  // namespace kafkit::net::tls
