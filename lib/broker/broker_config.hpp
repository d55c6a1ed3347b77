#pragma once
// BrokerConfig: the broker-wide settings, read from Kafka's server.properties names so an
// operator's existing file mostly just works. Keys a real broker has but this one does not
// need (thread counts, ZooKeeper/KRaft quorum settings, cleaner tuning) are accepted and
// reported as ignored; a key nobody knows is an error at start-up.
#include <cstdint>
#include <string>
#include <vector>

#include "broker/authz/acl_rules.hpp"
#include "common/properties.hpp"
#include "common/property_values.hpp"
#include "common/result.hpp"
#include "common/security_protocol.hpp"
#include "net/tls/tls_config.hpp"

namespace kafkit::broker {

struct ListenerSpec {
  std::string host = "127.0.0.1";
  uint16_t port = 9092;  // 0 = let the kernel choose (tests)
  /// From the listener's scheme (PLAINTEXT:// when none is given).
  SecurityProtocol protocol = SecurityProtocol::plaintext;
};

struct BrokerConfig {
  int32_t node_id = 1;
  std::vector<ListenerSpec> listeners{ListenerSpec{}};
  /// Host put in Metadata; empty = the listener's host.
  std::string advertised_host;
  std::string data_dir = "kafkit-data";
  std::string cluster_id;  // empty = generated once and kept in <data_dir>/meta.properties
  int32_t num_partitions = 1;
  int16_t default_replication_factor = 1;
  bool auto_create_topics = true;
  bool delete_topic_enable = true;
  int32_t message_max_bytes = 1048588;
  int32_t socket_request_max_bytes = 100 * 1024 * 1024;
  /// connections.max.reauth.ms (KIP-368): when > 0, a SASL session lasts at most this long
  /// (less for an OAUTHBEARER token expiring sooner); the client must re-authenticate on
  /// the connection before then, or its next request closes it. 0 (Kafka's default): off.
  int64_t connections_max_reauth_ms = 0;
  int64_t retention_check_interval_ms = 300000;
  /// How long idempotent-producer state outlives the producer's last batch (KIP-854).
  int64_t producer_id_expiration_ms = 86400000;
  /// Classic group coordinator (group/group_coordinator.hpp): Kafka's names and defaults,
  /// except group.max.size (Kafka: Integer.MAX_VALUE), bounded here so one group's
  /// members and KIP-394 pending member ids cannot grow without limit.
  int64_t group_initial_rebalance_delay_ms = 3000;
  int32_t group_min_session_timeout_ms = 6000;
  int32_t group_max_session_timeout_ms = 1800000;
  int32_t group_max_size = 1000;
  /// offsets.retention.minutes: committed offsets of a group without members are kept
  /// this long (Kafka default 7 days), in milliseconds.
  int64_t offsets_retention_ms = 10080LL * 60 * 1000;
  /// offsets.retention.check.interval.ms: how often expired offsets are removed.
  int64_t offsets_retention_check_interval_ms = 600000;
  /// offset.metadata.max.bytes: the longest metadata string an OffsetCommit may carry.
  int32_t offset_metadata_max_bytes = 4096;
  /// ssl.*: the certificate SSL listeners present, and client authentication
  /// (broker_tls_config.hpp).
  net::tls::TlsConfig tls;
  /// authorizer.enabled / authorizer.class.name, super.users, allow.everyone.if.no.acl.found
  /// and acl.rules: simple authorization (authz/acl_rules.hpp); off by default.
  authz::AuthzConfig authz;
  /// Every property as given (log.* defaults of the topic configs are looked up here).
  Properties properties;
  /// Keys that were accepted but have no effect here (logged at start-up).
  std::vector<std::string> ignored;

  /// Validates and converts; errors name the property and the accepted values.
  static Result<BrokerConfig> from_properties(const Properties& props);
};

/// Parses "host:port", "PLAINTEXT://host:port" or "SSL://host:port" (SASL listeners are
/// refused until SASL arrives).
Result<ListenerSpec> parse_listener(std::string_view text);

}  // namespace kafkit::broker
