#pragma once
// The broker's ssl.* properties (issue 8), in PEM form: Kafka's Java brokers read keystores
// (ssl.keystore.*, ssl.truststore.*), which OpenSSL does not; those keys are refused with a
// pointer to the PEM names. Checked for real when an SSL listener builds its context at
// start-up (net/tls/tls_context.hpp).
#include <string_view>

#include "common/result.hpp"
#include "net/tls/tls_config.hpp"

namespace kafkit::broker {

/// Whether `key` is an ssl.* broker property (also the refused keystore ones).
bool is_broker_tls_property(std::string_view key) noexcept;
/// ssl.certificate.location/.pem, ssl.key.location/.pem, ssl.key.password,
/// ssl.ca.location/.pem (client certificates' CAs), ssl.client.auth=none|requested|required,
/// ssl.cipher.suites, ssl.enabled.protocols.
Result<void> set_broker_tls_property(net::tls::TlsConfig& tls, std::string_view key,
                                     std::string_view value);

}  // namespace kafkit::broker
