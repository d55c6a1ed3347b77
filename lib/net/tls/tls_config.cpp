#include "net/tls/tls_config.hpp"

#include <array>

namespace kafkit::net::tls {
namespace {

struct StringProperty {
  std::string_view name;
  std::string TlsConfig::*field;
};
// The ssl.* properties that are plain strings, named alike for clients (librdkafka) and
// the broker (Kafka).
constexpr std::array kStringProperties{
    StringProperty{"ssl.ca.location", &TlsConfig::ca_location},
    StringProperty{"ssl.ca.pem", &TlsConfig::ca_pem},
    StringProperty{"ssl.certificate.location", &TlsConfig::certificate_location},
    StringProperty{"ssl.certificate.pem", &TlsConfig::certificate_pem},
    StringProperty{"ssl.key.location", &TlsConfig::key_location},
    StringProperty{"ssl.key.pem", &TlsConfig::key_pem},
    StringProperty{"ssl.key.password", &TlsConfig::key_password},
    StringProperty{"ssl.cipher.suites", &TlsConfig::cipher_suites},
    StringProperty{"ssl.enabled.protocols", &TlsConfig::enabled_protocols},
};

}  // namespace

bool is_tls_string_property(std::string_view key) noexcept {
  for (const auto& p : kStringProperties)
    if (p.name == key) return true;
  return false;
}

bool set_tls_string_property(TlsConfig& config, std::string_view key, std::string_view value) {
  for (const auto& p : kStringProperties) {
    if (p.name == key) {
      config.*p.field = std::string(value);
      return true;
    }
  }
  return false;
}

}  // namespace kafkit::net::tls
