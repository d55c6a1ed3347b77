#pragma once
// ClusterConfig: what every client needs to reach a cluster — bootstrap servers,
// connection and metadata settings.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/security_protocol.hpp"
#include "net/broker_connection.hpp"
#include "net/sasl_setup_step.hpp"
#include "net/tls/tls_config.hpp"

namespace kafkit::client {

struct BootstrapServer {
  std::string host;
  std::uint16_t port = 9092;
};

struct ClusterConfig {
  std::vector<BootstrapServer> bootstrap;
  /// Per-connection settings (client.id, request.timeout.ms, reconnect backoff, ...).
  net::BrokerConnectionConfig connection;
  /// metadata.max.age.ms / topic.metadata.refresh.interval.ms: periodic refresh.
  std::chrono::milliseconds metadata_max_age{300000};
  /// retry.backoff.ms between metadata requests asked for by errors.
  std::chrono::milliseconds metadata_retry_backoff{100};
  /// allow.auto.create.topics: whether Metadata may create a topic it asks for.
  bool allow_auto_create_topics = true;
  /// security.protocol: TLS and/or SASL on every connection.
  SecurityProtocol security_protocol = SecurityProtocol::plaintext;
  /// ssl.*: used when security_protocol uses TLS (cluster_tls.hpp).
  net::tls::TlsConfig tls;
  /// sasl.mechanism, sasl.username, sasl.password (client/cluster/cluster_security.hpp).
  net::SaslClientConfig sasl;
  /// sasl.oauthbearer.config and enable.sasl.oauthbearer.unsecure.jwt.
  std::string sasl_oauthbearer_config;
  bool sasl_oauthbearer_unsecure_jwt = false;
};

/// Parses "host:port,host:port" (IPv6 as [::1]:9092); a missing port is 9092.
Result<std::vector<BootstrapServer>> parse_bootstrap_servers(std::string_view value);

}  // namespace kafkit::client
