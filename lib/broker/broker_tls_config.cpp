#include "broker/broker_tls_config.hpp"

#include <string>

#include "common/property_values.hpp"

namespace kafkit::broker {

bool is_broker_tls_property(std::string_view key) noexcept {
  return key.starts_with("ssl.");
}

Result<void> set_broker_tls_property(net::tls::TlsConfig& tls, std::string_view key,
                                     std::string_view value) {
  if (net::tls::set_tls_string_property(tls, key, value)) return {};
  if (key == "ssl.client.auth") {
    if (value == "none") {
      tls.client_auth = net::tls::ClientAuth::none;
    } else if (value == "requested") {
      tls.client_auth = net::tls::ClientAuth::requested;
    } else if (value == "required") {
      tls.client_auth = net::tls::ClientAuth::required;
    } else {
      return bad_property_value(key, value, "none, requested or required");
    }
    return {};
  }
  if (key.starts_with("ssl.keystore.") || key.starts_with("ssl.truststore."))
    return Error{errc::invalid_argument,
                 std::string(key) +
                     ": Java keystores are not read here; give PEM files with "
                     "ssl.certificate.location, ssl.key.location and ssl.ca.location"};
  // Settings of Java's SSLEngine with no effect here.
  if (key == "ssl.protocol" || key == "ssl.endpoint.identification.algorithm" ||
      key == "ssl.secure.random.implementation" || key == "ssl.keymanager.algorithm" ||
      key == "ssl.trustmanager.algorithm" || key == "ssl.engine.factory.class" ||
      key == "ssl.principal.mapping.rules")
    return {};
  return Error{errc::invalid_argument, "unknown broker property \"" + std::string(key) + "\""};
}

}  // namespace kafkit::broker
