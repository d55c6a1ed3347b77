#include "broker/broker_config.hpp"

#include <array>
#include <charconv>
#include <limits>

#include "broker/broker_tls_config.hpp"
#include "broker/sasl/broker_sasl_config.hpp"
#include "broker/topic_config.hpp"

namespace kafkit::broker {
namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int32_t>::max();

// Server properties with a meaning for a multi-threaded, replicated, JVM broker only.
constexpr std::array<std::string_view, 23> kIgnoredPrefixesOrKeys{
    "num.network.threads",
    "num.io.threads",
    "socket.send.buffer.bytes",
    "socket.receive.buffer.bytes",
    "num.recovery.threads.per.data.dir",
    "offsets.topic.replication.factor",
    "transaction.state.log.replication.factor",
    "transaction.state.log.min.isr",
    "zookeeper.",
    "process.roles",
    "controller.",
    "inter.broker.listener.name",
    "listener.security.protocol.map",
    "log.cleaner.",
    "num.replica.fetchers",
    "replica.",
    "queued.max.requests",
    "background.threads",
    "metric.reporters",
    "offsets.topic.num.partitions",
    "log.cleanup.interval.mins",
    "unclean.leader.election.enable",
    "auto.leader.rebalance.enable"};

bool is_ignored(std::string_view key) {
  for (std::string_view k : kIgnoredPrefixesOrKeys) {
    if (k.back() == '.' ? key.starts_with(k) : key == k) return true;
  }
  return false;
}

Error bad(std::string_view key, std::string_view value, std::string_view expected) {
  return bad_property_value(key, value, expected);
}

}  // namespace

Result<ListenerSpec> parse_listener(std::string_view text) {
  std::string_view rest = text;
  auto protocol = SecurityProtocol::plaintext;
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    auto named = parse_security_protocol(rest.substr(0, scheme));
    if (!named)
      return Error{errc::invalid_argument,
                   "listener \"" + std::string(text) +
                       "\": the scheme must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"};
    protocol = *named;
    rest = rest.substr(scheme + 3);
  }
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos)
    return Error{errc::invalid_argument,
                 "listener \"" + std::string(text) + "\": expected host:port"};
  auto port = parse_long_property("listener port", rest.substr(colon + 1), 0, 65535);
  if (!port) return port.error();
  ListenerSpec spec;
  spec.host = std::string(rest.substr(0, colon));
  if (spec.host.size() >= 2 && spec.host.front() == '[' && spec.host.back() == ']')
    spec.host = spec.host.substr(1, spec.host.size() - 2);
  if (spec.host.empty()) spec.host = "0.0.0.0";
  spec.port = static_cast<uint16_t>(*port);
  spec.protocol = protocol;
  return spec;
}

Result<BrokerConfig> BrokerConfig::from_properties(const Properties& props) {
  BrokerConfig c;
  c.properties = props;
  for (const auto& entry : props) {
    // Named references, not a structured binding: clang 14 cannot capture those.
    const std::string& key = entry.first;
    const std::string& value = entry.second;
    auto as_long = [&](int64_t min, int64_t max) {
      return parse_long_property(key, value, min, max);
    };
    if (key == "node.id" || key == "broker.id") {
      auto v = as_long(0, kMaxInt);
      if (!v) return v.error();
      c.node_id = static_cast<int32_t>(*v);
    } else if (key == "listeners") {
      c.listeners.clear();
      std::string_view rest = value;
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        auto l = parse_listener(rest.substr(0, comma));
        if (!l) return l.error();
        c.listeners.push_back(*l);
        rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
      }
      if (c.listeners.empty()) return bad(key, value, "at least one host:port");
    } else if (key == "advertised.listeners" || key == "advertised.host.name") {
      auto l = parse_listener(value.substr(0, value.find(',')));
      if (!l) return l.error();
      c.advertised_host = l->host;
    } else if (key == "log.dirs" || key == "log.dir") {
      if (value.empty() || value.find(',') != std::string::npos)
        return bad(key, value, "one directory");
      c.data_dir = value;
    } else if (key == "cluster.id") {
      c.cluster_id = value;
    } else if (key == "num.partitions") {
      auto v = as_long(1, 100000);
      if (!v) return v.error();
      c.num_partitions = static_cast<int32_t>(*v);
    } else if (key == "default.replication.factor") {
      auto v = as_long(1, 32767);
      if (!v) return v.error();
      c.default_replication_factor = static_cast<int16_t>(*v);
    } else if (key == "auto.create.topics.enable" || key == "delete.topic.enable") {
      auto v = parse_bool_property(key, value);
      if (!v) return v.error();
      (key == "auto.create.topics.enable" ? c.auto_create_topics : c.delete_topic_enable) = *v;
    } else if (key == "message.max.bytes") {
      auto v = as_long(0, kMaxInt);
      if (!v) return v.error();
      c.message_max_bytes = static_cast<int32_t>(*v);
    } else if (key == "socket.request.max.bytes") {
      auto v = as_long(1024, kMaxInt);
      if (!v) return v.error();
      c.socket_request_max_bytes = static_cast<int32_t>(*v);
    } else if (key == "connections.max.reauth.ms") {
      auto v = as_long(0, std::numeric_limits<int64_t>::max());
      if (!v) return v.error();
      c.connections_max_reauth_ms = *v;
    } else if (key == "log.retention.check.interval.ms") {
      auto v = as_long(1, std::numeric_limits<int64_t>::max());
      if (!v) return v.error();
      c.retention_check_interval_ms = *v;
    } else if (key == "producer.id.expiration.ms") {
      auto v = as_long(1, kMaxInt);  // an INT in Kafka, at least 1
      if (!v) return v.error();
      c.producer_id_expiration_ms = *v;
    } else if (key == "group.initial.rebalance.delay.ms") {
      auto v = as_long(0, kMaxInt);
      if (!v) return v.error();
      c.group_initial_rebalance_delay_ms = *v;
    } else if (key == "group.min.session.timeout.ms" || key == "group.max.session.timeout.ms") {
      auto v = as_long(0, kMaxInt);
      if (!v) return v.error();
      (key == "group.min.session.timeout.ms" ? c.group_min_session_timeout_ms
                                             : c.group_max_session_timeout_ms) =
          static_cast<int32_t>(*v);
    } else if (key == "group.max.size") {
      auto v = as_long(1, kMaxInt);
      if (!v) return v.error();
      c.group_max_size = static_cast<int32_t>(*v);
    } else if (key == "offsets.retention.minutes") {
      auto v = as_long(1, kMaxInt);  // an INT in Kafka, at least 1
      if (!v) return v.error();
      c.offsets_retention_ms = *v * 60 * 1000;
    } else if (key == "offsets.retention.check.interval.ms") {
      auto v = as_long(1, std::numeric_limits<int64_t>::max());
      if (!v) return v.error();
      c.offsets_retention_check_interval_ms = *v;
    } else if (key == "offset.metadata.max.bytes") {
      auto v = as_long(0, kMaxInt);
      if (!v) return v.error();
      c.offset_metadata_max_bytes = static_cast<int32_t>(*v);
    } else if (is_broker_tls_property(key)) {
      if (auto r = set_broker_tls_property(c.tls, key, value); !r) return r.error();
    } else if (is_broker_log_default(key)) {
      // Validated as the topic config it is the default of.
      if (auto r = validate_broker_log_default(key, value); !r) return r.error();
    } else if (authz::is_authz_property(key)) {
      if (auto r = authz::set_authz_property(c.authz, key, value); !r) return r.error();
    } else if (is_sasl_property(key)) {
      if (auto r = validate_sasl_property(key, value); !r) return r.error();
    } else if (is_ignored(key)) {
      c.ignored.push_back(key);
    } else {
      return Error{errc::invalid_argument, "unknown broker property \"" + key + "\""};
    }
  }
  if (c.group_min_session_timeout_ms > c.group_max_session_timeout_ms)
    return bad("group.min.session.timeout.ms", std::to_string(c.group_min_session_timeout_ms),
               "at most group.max.session.timeout.ms (" +
                   std::to_string(c.group_max_session_timeout_ms) + ")");
  return c;
}

}  // namespace kafkit::broker
