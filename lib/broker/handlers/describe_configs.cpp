// DescribeConfigs (key 32), advertised 1-4 (v0 is gone since KIP-896). Follows Kafka's
// ConfigHelper.describeConfigs per resource:
//   - TOPIC (2): an illegal name is INVALID_TOPIC_EXCEPTION, an unknown topic
//     UNKNOWN_TOPIC_OR_PARTITION; otherwise every topic config of topic_config_defs() with
//     its effective value, the source of that value (TOPIC_CONFIG, STATIC_BROKER_CONFIG,
//     DEFAULT_CONFIG), read_only false.
//   - BROKER (4): the name must be this node's id (the node that received the request) and
//     lists the broker properties this broker understands, read_only true (this broker
//     cannot change them at run time), STATIC_BROKER_CONFIG when set in the properties,
//     DEFAULT_CONFIG otherwise. An empty name asks for the cluster-wide *dynamic* defaults
//     (kafka-configs --entity-default): there are none here, so the list is empty, as on a
//     Kafka cluster where none were set. Any other name is INVALID_REQUEST.
//   - BROKER_LOGGER (8): same name rule; this broker has no adjustable loggers, so the
//     list is empty.
//   - any other type: INVALID_REQUEST.
// ConfigurationKeys null or empty means every config; otherwise only the named ones (an
// unknown name is simply absent). Synonyms (v1+, when asked for) list where the value could
// come from, most specific first: the topic's own setting, then every broker property that
// supplies it and is set (log.retention.ms, .minutes, .hours), then the built-in default —
// which Kafka names after the broker property that has a default (log.retention.hours=168
// for retention.ms). Documentation (v3+) only when asked for; ConfigType (v3+) always.
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/cluster_state.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/broker_resource_name.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "broker/topic_config.hpp"
#include "broker/topic_name.hpp"
#include "protocol/messages/describe_configs.hpp"

namespace kafkit::broker {
namespace {

using protocol::DescribeConfigsRequest;
using protocol::DescribeConfigsResponse;
using Entry = DescribeConfigsResponse::DescribeConfigsResourceResult;
using Synonym = DescribeConfigsResponse::DescribeConfigsSynonym;
using Resource = DescribeConfigsRequest::DescribeConfigsResource;

constexpr int8_t kTopic = 2;
constexpr int8_t kBroker = 4;
constexpr int8_t kBrokerLogger = 8;

struct Options {
  bool synonyms = false;
  bool documentation = false;
};

bool wanted(const Resource& r, std::string_view name) {
  if (!r.configuration_keys || r.configuration_keys->empty()) return true;
  for (const std::string& k : *r.configuration_keys)
    if (k == name) return true;
  return false;
}

Synonym synonym(std::string_view name, std::string value, ConfigSource source) {
  Synonym s;
  s.name = std::string(name);
  s.value = std::move(value);
  s.source = static_cast<int8_t>(source);
  return s;
}

Entry entry(std::string_view name, std::string value, ConfigSource source, ConfigType type,
            bool read_only, std::string_view doc, const Options& o) {
  Entry e;
  e.name = std::string(name);
  e.value = std::move(value);
  e.read_only = read_only;
  e.config_source = static_cast<int8_t>(source);
  e.is_default = source == ConfigSource::default_;
  e.is_sensitive = false;
  e.config_type = static_cast<int8_t>(type);
  if (o.documentation)
    e.documentation = std::string(doc);
  else
    e.documentation = std::nullopt;
  return e;
}

// ---- topics ----

/// Coarser broker spellings of a topic config's default, after its broker_key, in Kafka's
/// precedence order; and the broker property whose built-in default Kafka reports.
struct BrokerSynonyms {
  std::string_view topic_config;
  std::array<std::string_view, 2> coarser;
  std::string_view default_key;
  std::string_view default_value;
};
constexpr std::array<BrokerSynonyms, 2> kSynonyms{{
    {"retention.ms",
     {"log.retention.minutes", "log.retention.hours"},
     "log.retention.hours",
     "168"},
    {"segment.ms", {"log.roll.hours", ""}, "log.roll.hours", "168"},
}};

std::vector<Synonym> topic_synonyms(const TopicConfigDef& def, const Topic& topic,
                                    const Properties& broker) {
  std::vector<Synonym> out;
  if (auto it = topic.configs.find(def.name); it != topic.configs.end())
    out.push_back(synonym(def.name, it->second, ConfigSource::topic));
  std::string_view broker_key = def.broker_key.empty() ? def.name : def.broker_key;
  std::vector<std::string_view> keys{broker_key};
  std::string_view default_key = broker_key;
  std::string_view default_value = def.default_value;
  for (const BrokerSynonyms& s : kSynonyms) {
    if (s.topic_config != def.name) continue;
    for (std::string_view k : s.coarser)
      if (!k.empty()) keys.push_back(k);
    default_key = s.default_key;
    default_value = s.default_value;
  }
  for (std::string_view k : keys)
    if (auto it = broker.find(k); it != broker.end())
      out.push_back(synonym(k, it->second, ConfigSource::static_broker));
  out.push_back(synonym(default_key, std::string(default_value), ConfigSource::default_));
  return out;
}

std::vector<Entry> topic_configs(const ClusterState& cluster, const Topic& topic, const Resource& r,
                                 const Options& o) {
  std::vector<Entry> out;
  for (const TopicConfigDef& def : topic_config_defs()) {
    if (!wanted(r, def.name)) continue;
    EffectiveConfig eff = effective_topic_config(def, topic.configs, cluster.config.properties);
    Entry e = entry(def.name, eff.value, eff.source, def.type, false, def.doc, o);
    if (o.synonyms) e.synonyms = topic_synonyms(def, topic, cluster.config.properties);
    out.push_back(std::move(e));
  }
  return out;
}

// ---- brokers ----

struct BrokerProperty {
  std::string_view name;
  std::string value;
  std::string default_value;
  ConfigType type;
  std::string_view doc;
  std::vector<std::string_view> keys;  // the property names that set it
};

std::vector<BrokerProperty> broker_properties(const ClusterState& cluster, int32_t node_id) {
  const BrokerConfig& c = cluster.config;
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  BrokerConfig d;  // the built-in defaults
  std::vector<BrokerProperty> out{
      {"node.id",
       std::to_string(node_id),
       std::to_string(d.node_id),
       ConfigType::int_,
       "this node's id (node i of a multi-node process is node.id + i)",
       {"node.id", "broker.id"}},
      {"log.dirs",
       c.data_dir,
       d.data_dir,
       ConfigType::string,
       "the data directory holding every partition log",
       {"log.dirs", "log.dir"}},
      {"num.partitions",
       std::to_string(c.num_partitions),
       std::to_string(d.num_partitions),
       ConfigType::int_,
       "partition count of topics created with the default",
       {"num.partitions"}},
      {"default.replication.factor",
       std::to_string(c.default_replication_factor),
       std::to_string(d.default_replication_factor),
       ConfigType::short_,
       "replication factor of topics created with the default",
       {"default.replication.factor"}},
      {"auto.create.topics.enable",
       b(c.auto_create_topics),
       b(d.auto_create_topics),
       ConfigType::boolean,
       "whether Metadata requests may create topics",
       {"auto.create.topics.enable"}},
      {"delete.topic.enable",
       b(c.delete_topic_enable),
       b(d.delete_topic_enable),
       ConfigType::boolean,
       "whether DeleteTopics may delete topics",
       {"delete.topic.enable"}},
      {"message.max.bytes",
       std::to_string(c.message_max_bytes),
       std::to_string(d.message_max_bytes),
       ConfigType::int_,
       "largest record batch a producer may append (default of max.message.bytes)",
       {"message.max.bytes"}},
      {"socket.request.max.bytes",
       std::to_string(c.socket_request_max_bytes),
       std::to_string(d.socket_request_max_bytes),
       ConfigType::int_,
       "largest request frame the broker reads",
       {"socket.request.max.bytes"}},
  };
  for (const TopicConfigDef& def : topic_config_defs()) {
    std::string_view key = def.broker_key.empty() ? def.name : def.broker_key;
    bool listed = false;
    for (const BrokerProperty& p : out) listed = listed || p.name == key;
    if (listed) continue;
    // The effective value for a topic with no settings of its own is the broker's value
    // (coarser spellings such as log.retention.hours included).
    std::string value = effective_topic_config(def, {}, c.properties).value;
    out.push_back({key, value, std::string(def.default_value), def.type, def.doc, {key}});
  }
  return out;
}

std::vector<Entry> broker_configs(const ClusterState& cluster, int32_t node_id, const Resource& r,
                                  const Options& o) {
  std::vector<Entry> out;
  for (BrokerProperty& p : broker_properties(cluster, node_id)) {
    if (!wanted(r, p.name)) continue;
    std::optional<std::string_view> set_by;
    for (std::string_view k : p.keys)
      if (!set_by && cluster.config.properties.count(k) != 0) set_by = k;
    ConfigSource source = set_by ? ConfigSource::static_broker : ConfigSource::default_;
    Entry e = entry(p.name, p.value, source, p.type, true, p.doc, o);
    if (o.synonyms) {
      if (set_by)
        e.synonyms.push_back(
            synonym(*set_by, cluster.config.properties.find(*set_by)->second, source));
      e.synonyms.push_back(synonym(p.name, p.default_value, ConfigSource::default_));
    }
    out.push_back(std::move(e));
  }
  return out;
}

DescribeConfigsResponse::DescribeConfigsResult describe(HandlerContext& ctx, const Resource& r,
                                                        const Options& o) {
  DescribeConfigsResponse::DescribeConfigsResult out;
  out.resource_type = r.resource_type;
  out.resource_name = r.resource_name;
  out.error_code = code(ErrorCode::None);
  out.error_message = std::nullopt;
  auto fail = [&](const Error& e) {
    out.error_code = wire_code(e);
    out.error_message = e.message;
    out.configs.clear();
    return out;
  };
  int32_t node_id = ctx.request.node_id;
  if (auto e = config_resource_refusal(ctx, authz::Operation::describe_configs, r.resource_type,
                                       r.resource_name))
    return fail(*e);
  switch (r.resource_type) {
    case kTopic: {
      if (auto reason = invalid_topic_name_reason(r.resource_name))
        return fail(kafka_error(ErrorCode::InvalidTopicException, *reason));
      Topic* topic = ctx.cluster.topics->find(r.resource_name);
      if (topic == nullptr)
        return fail(kafka_error(ErrorCode::UnknownTopicOrPartition,
                                "The topic '" + r.resource_name + "' does not exist."));
      out.configs = topic_configs(ctx.cluster, *topic, r, o);
      return out;
    }
    case kBroker:
      if (r.resource_name.empty()) return out;  // no dynamic cluster-wide defaults
      if (auto e = check_broker_name(r.resource_name, node_id)) return fail(*e);
      out.configs = broker_configs(ctx.cluster, node_id, r, o);
      return out;
    case kBrokerLogger:
      if (auto e = check_broker_name(r.resource_name, node_id)) return fail(*e);
      return out;
    default:
      return fail(kafka_error(ErrorCode::InvalidRequest,
                              "Unsupported resource type: " + std::to_string(r.resource_type)));
  }
}

void handle_describe_configs(HandlerContext& ctx) {
  auto req = ctx.request.decode<DescribeConfigsRequest>();
  if (!req) return ctx.responder.close("cannot parse DescribeConfigs: " + req.error().message);
  Options o{req->include_synonyms, req->include_documentation};
  DescribeConfigsResponse resp;
  resp.throttle_time_ms = 0;
  for (const Resource& r : req->resources) resp.results.push_back(describe(ctx, r, o));
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler describe_configs_api{DescribeConfigsRequest::api_key, 1, 4,
                                      &handle_describe_configs};

}  // namespace kafkit::broker
