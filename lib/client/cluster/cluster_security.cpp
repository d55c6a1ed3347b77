#include "client/cluster/cluster_security.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "client/cluster/cluster_tls.hpp"
#include "common/property_values.hpp"
#include "net/sasl/unsecured_jwt.hpp"
#include "net/sasl_setup_step.hpp"

namespace kafkit::client {

Result<void> set_security_protocol(ClusterConfig& c, std::string_view key, std::string_view value) {
  auto p = parse_security_protocol(value);
  if (!p) return bad_property_value(key, value, "plaintext, ssl, sasl_plaintext or sasl_ssl");
  c.security_protocol = *p;
  return {};
}

Result<void> set_sasl_mechanism(ClusterConfig& c, std::string_view key, std::string_view value) {
  const auto& names = net::sasl::supported_mechanisms();
  if (std::find(names.begin(), names.end(), value) == names.end())
    return bad_property_value(key, value, "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER");
  c.sasl.mechanism = std::string(value);
  return {};
}

Result<void> set_sasl_username(ClusterConfig& c, std::string_view, std::string_view value) {
  c.sasl.credentials.username = std::string(value);
  return {};
}

Result<void> set_sasl_password(ClusterConfig& c, std::string_view, std::string_view value) {
  c.sasl.credentials.password = std::string(value);
  return {};
}

Result<void> set_sasl_oauthbearer_config(ClusterConfig& c, std::string_view key,
                                         std::string_view value) {
  // Checked now so a typo fails at construction, not at the first connection. Empty is the
  // default (finish_cluster_security asks for it when OAUTHBEARER needs it).
  if (value.empty()) {
    c.sasl_oauthbearer_config.clear();
    return {};
  }
  if (auto parsed = net::sasl::parse_unsecured_jwt_config(value); !parsed.ok())
    return Error{errc::invalid_argument, std::string(key) + ": " + parsed.error().message};
  c.sasl_oauthbearer_config = std::string(value);
  return {};
}

Result<void> set_sasl_oauthbearer_unsecure_jwt(ClusterConfig& c, std::string_view key,
                                               std::string_view value) {
  auto v = parse_bool_property(key, value);
  if (!v) return v.error();
  c.sasl_oauthbearer_unsecure_jwt = *v;
  return {};
}

Result<void> finish_cluster_security(ClusterConfig& c, const Config& app) {
  if (auto tls = apply_tls(c); !tls) return tls.error();
  if (!uses_sasl(c.security_protocol)) return {};
  auto config = std::make_shared<net::SaslClientConfig>(c.sasl);
  const std::string& mechanism = config->mechanism;
  if (mechanism == "OAUTHBEARER" && app.oauthbearer_token_provider()) {
    // The application's provider (kafkit/oauthbearer.hpp) is the one token source; the
    // development shortcut must not be mixed in by accident.
    if (c.sasl_oauthbearer_unsecure_jwt)
      return Error{errc::invalid_argument,
                   "enable.sasl.oauthbearer.unsecure.jwt=true and an OAUTHBEARER token provider "
                   "are both set; use one"};
    config->oauthbearer_token = app.oauthbearer_token_provider();
  } else if (mechanism == "OAUTHBEARER") {
    if (!c.sasl_oauthbearer_unsecure_jwt)
      return Error{errc::invalid_argument,
                   "sasl.mechanism=OAUTHBEARER needs a token provider "
                   "(Config::set_oauthbearer_token_provider) or, for development, "
                   "enable.sasl.oauthbearer.unsecure.jwt=true (with sasl.oauthbearer.config)"};
    auto parsed = net::sasl::parse_unsecured_jwt_config(c.sasl_oauthbearer_config);
    if (!parsed.ok())
      return Error{errc::invalid_argument, "sasl.oauthbearer.config: " + parsed.error().message};
    // A fresh token per authentication: iat is now, so exp never lies in the past.
    config->oauthbearer_token =
        [spec = parsed.value().spec,
         extensions = parsed.value().extensions]() mutable -> Result<OAuthBearerToken> {
      spec.issued_at = std::chrono::system_clock::now();
      auto jwt = net::sasl::build_unsecured_jwt(spec);
      if (!jwt.ok()) return jwt.error();
      OAuthBearerToken token;
      token.value = std::move(jwt.value());
      token.expiry = spec.issued_at + spec.lifetime;
      token.principal = spec.principal;
      token.extensions.insert(extensions.begin(), extensions.end());
      return token;
    };
  } else if (config->credentials.username.empty() || config->credentials.password.empty()) {
    return Error{errc::invalid_argument,
                 "sasl.mechanism=" + mechanism + " needs sasl.username and sasl.password"};
  }
  c.connection.connection.setup_steps.push_back(net::make_sasl_setup_step(std::move(config)));
  return {};
}

}  // namespace kafkit::client
