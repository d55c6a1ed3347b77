#include "client/cluster/cluster_properties.hpp"

#include <array>

#include "client/cluster/cluster_security.hpp"
#include "client/cluster/cluster_tls.hpp"
#include "common/property_values.hpp"

namespace kafkit::client {
namespace {

Result<void> set_ms(std::chrono::milliseconds& field, std::string_view key, std::string_view value,
                    int64_t min, int64_t max) {
  auto v = parse_long_property(key, value, min, max);
  if (!v) return v.error();
  field = std::chrono::milliseconds(*v);
  return {};
}

#define KAFKIT_SETTER(body)                                                  \
  []([[maybe_unused]] ClusterConfig& c, [[maybe_unused]] std::string_view k, \
     [[maybe_unused]] std::string_view v) -> Result<void> { body; }

const std::array kProperties{
    ClusterProperty{
        {"bootstrap.servers", "", "Initial brokers, host:port[,host:port...] (required)"},
        KAFKIT_SETTER(auto s = parse_bootstrap_servers(v); if (!s) return s.error();
                      c.bootstrap = std::move(*s); return {})},
    ClusterProperty{{"metadata.broker.list", "", "Alias of bootstrap.servers"}, nullptr},
    ClusterProperty{{"client.id", "kafkit", "Client id sent to brokers (logs, quotas)"},
                    KAFKIT_SETTER(c.connection.connection.client_id = std::string(v); return {})},
    ClusterProperty{{"metadata.max.age.ms", "300000", "Metadata refresh interval"},
                    KAFKIT_SETTER(return set_ms(c.metadata_max_age, k, v, 1, INT32_MAX))},
    ClusterProperty{
        {"topic.metadata.refresh.interval.ms", "300000", "Alias of metadata.max.age.ms"}, nullptr},
    ClusterProperty{{"reconnect.backoff.ms", "100", "First wait before reconnecting to a broker"},
                    KAFKIT_SETTER(return set_ms(c.connection.reconnect_backoff, k, v, 0, 3600000))},
    ClusterProperty{
        {"reconnect.backoff.max.ms", "10000", "Largest wait before reconnecting"},
        KAFKIT_SETTER(return set_ms(c.connection.reconnect_backoff_max, k, v, 0, 3600000))},
    ClusterProperty{
        {"socket.connection.setup.timeout.ms", "30000", "TCP connect timeout"},
        KAFKIT_SETTER(return set_ms(c.connection.connect_timeout, k, v, 1000, INT32_MAX))},
    ClusterProperty{
        {"receive.message.max.bytes", "100000000", "Largest response accepted"},
        KAFKIT_SETTER(auto n = parse_long_property(k, v, 1000, INT32_MAX); if (!n) return n.error();
                      c.connection.connection.receive_message_max_bytes =
                          static_cast<std::size_t>(*n);
                      return {})},
    ClusterProperty{
        {"security.protocol", "plaintext", "plaintext, ssl, sasl_plaintext or sasl_ssl"},
        set_security_protocol},
    ClusterProperty{{"sasl.mechanism", "PLAIN",
                     "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER (with sasl_*)"},
                    set_sasl_mechanism},
    ClusterProperty{{"sasl.mechanisms", "PLAIN", "Alias of sasl.mechanism (librdkafka)"}, nullptr},
    ClusterProperty{{"sasl.username", "", "SASL username (PLAIN, SCRAM)"}, set_sasl_username},
    ClusterProperty{{"sasl.password", "", "SASL password (PLAIN, SCRAM)"}, set_sasl_password},
    ClusterProperty{{"sasl.oauthbearer.config", "",
                     "Unsecured JWT: principal=<name> [scope=a,b] [lifeSeconds=n] "
                     "[extension_<k>=<v>]"},
                    set_sasl_oauthbearer_config},
    ClusterProperty{{"enable.sasl.oauthbearer.unsecure.jwt", "false",
                     "OAUTHBEARER with an unsigned token (development only)"},
                    set_sasl_oauthbearer_unsecure_jwt},
    // TLS (cluster_tls.cpp): read when security.protocol is ssl or sasl_ssl.
    ClusterProperty{{"ssl.ca.location", "",
                     "CA certificates: a PEM file or a hashed directory "
                     "(default: the system's CAs)"},
                    set_tls_property},
    ClusterProperty{{"ssl.ca.pem", "", "CA certificates as PEM text"}, set_tls_property},
    ClusterProperty{{"ssl.certificate.location", "", "Client certificate (PEM file) for mTLS"},
                    set_tls_property},
    ClusterProperty{{"ssl.certificate.pem", "", "Client certificate as PEM text"},
                    set_tls_property},
    ClusterProperty{{"ssl.key.location", "", "Client private key (PEM file)"}, set_tls_property},
    ClusterProperty{{"ssl.key.pem", "", "Client private key as PEM text"}, set_tls_property},
    ClusterProperty{{"ssl.key.password", "", "Password of an encrypted private key"},
                    set_tls_property},
    ClusterProperty{{"ssl.endpoint.identification.algorithm", "https",
                     "https: the broker's certificate must name its host; none: no check"},
                    set_tls_property},
    ClusterProperty{{"enable.ssl.certificate.verification", "true",
                     "false accepts any broker certificate (development only)"},
                    set_tls_property},
    ClusterProperty{{"ssl.cipher.suites", "", "Cipher suites (OpenSSL names; TLS 1.3 TLS_AES_...)"},
                    set_tls_property},
    ClusterProperty{{"ssl.enabled.protocols", "TLSv1.2,TLSv1.3", "TLS versions offered"},
                    set_tls_property},
};

#undef KAFKIT_SETTER

struct Alias {
  std::string_view name, target;
};
constexpr std::array kAliases{
    Alias{"metadata.broker.list", "bootstrap.servers"},
    Alias{"topic.metadata.refresh.interval.ms", "metadata.max.age.ms"},
    Alias{"sasl.mechanisms", "sasl.mechanism"},
};

}  // namespace

std::span<const ClusterProperty> cluster_properties() noexcept {
  return kProperties;
}

const ClusterProperty* find_cluster_property(std::string_view name) noexcept {
  for (const Alias& a : kAliases)
    if (a.name == name) name = a.target;
  for (const ClusterProperty& p : kProperties)
    if (p.info.name == name) return &p;
  return nullptr;
}

}  // namespace kafkit::client
