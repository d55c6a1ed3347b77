#pragma once
// The client side of TLS (issue 8): the ssl.* properties every client takes, and the step
// that turns them into a TlsContext once all properties are read (a key's password may
// come after the key), so that a bad file or PEM fails client construction naming the
// property, and every connection of the client then speaks TLS.
#include <string_view>

#include "client/cluster/cluster_config.hpp"
#include "common/result.hpp"

namespace kafkit::client {

/// Sets one ssl.* property on `config.tls`; false when `key` is not one of them.
bool is_tls_property(std::string_view key) noexcept;
Result<void> set_tls_property(ClusterConfig& config, std::string_view key, std::string_view value);

/// When security.protocol uses TLS: builds the context from config.tls and makes every
/// broker connection a TlsTransport (SNI and hostname verification against the broker's
/// host as dialled). Otherwise the ssl.* properties are ignored, as librdkafka does.
Result<void> apply_tls(ClusterConfig& config);

}  // namespace kafkit::client
