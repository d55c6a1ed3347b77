#pragma once
// The security settings every client shares (issue 8): the sasl.* properties, and
// finish_cluster_security(), which a client's config parser calls once all properties are
// in, to check their combination and install the SASL setup step on every connection.
#include <string_view>

#include "client/cluster/cluster_config.hpp"
#include "common/result.hpp"
#include "kafkit/config.hpp"

namespace kafkit::client {

Result<void> set_security_protocol(ClusterConfig& c, std::string_view key, std::string_view value);
Result<void> set_sasl_mechanism(ClusterConfig& c, std::string_view key, std::string_view value);
Result<void> set_sasl_username(ClusterConfig& c, std::string_view key, std::string_view value);
Result<void> set_sasl_password(ClusterConfig& c, std::string_view key, std::string_view value);
Result<void> set_sasl_oauthbearer_config(ClusterConfig& c, std::string_view key,
                                         std::string_view value);
Result<void> set_sasl_oauthbearer_unsecure_jwt(ClusterConfig& c, std::string_view key,
                                               std::string_view value);

/// Checks what security.protocol needs (a supported sasl.mechanism and its credentials) and
/// adds the SASL setup step to c.connection. `config` supplies the callbacks (the
/// OAUTHBEARER token provider). Errors name the property.
Result<void> finish_cluster_security(ClusterConfig& c, const Config& config);

}  // namespace kafkit::client
