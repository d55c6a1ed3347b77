// IncrementalAlterConfigs (key 44, KIP-339), advertised 0-1. Follows the KRaft controller
// (ConfigurationControlManager.incrementalAlterConfigs with ControllerConfigurationValidator)
// and ConfigAdminManager's request checks, per resource:
//   - a resource named twice in one request: every copy is INVALID_REQUEST;
//   - a config named twice in one resource: INVALID_REQUEST "Error due to duplicate config
//     keys"; an operation other than SET/DELETE/APPEND/SUBTRACT: INVALID_REQUEST; SET,
//     APPEND or SUBTRACT with a null value: INVALID_REQUEST "Null value not supported";
//   - TOPIC (2): an illegal name is INVALID_TOPIC_EXCEPTION, an unknown topic
//     UNKNOWN_TOPIC_OR_PARTITION. The operations are applied in order to the topic's own
//     settings: SET replaces, DELETE removes (back to the broker default), APPEND / SUBTRACT
//     add or remove list items of a LIST config (cleanup.policy), starting from the
//     effective value when the topic has none of its own; APPEND/SUBTRACT of a non-list
//     config is INVALID_CONFIG. The resulting settings are validated as a whole, as
//     LogConfig.validate does: an unknown name or a bad value is INVALID_CONFIG (deleting a
//     name the topic does not have is therefore harmless, as in Kafka).
//   - BROKER (4): the name must be this node's id, or empty for the cluster-wide default
//     (INVALID_REQUEST otherwise, as DescribeConfigs). Every broker property of this broker
//     is static (DescribeConfigs reports them read-only), so any alteration is refused the
//     way Kafka refuses a non-dynamic broker config: INVALID_REQUEST "Cannot update these
//     configs dynamically". An empty list of alterations succeeds.
//   - BROKER_LOGGER (8): same name rule; this broker has no loggers, so naming one is
//     INVALID_CONFIG ("Logger ... does not exist").
//   - any other type: INVALID_REQUEST.
// ValidateOnly runs every check and changes nothing. Applied topic configs are persisted
// with the topic (TopicStore::set_configs), so they survive a restart, take effect on the
// partition logs at once and show in DescribeConfigs.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "broker/cluster_state.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/broker_resource_name.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "broker/topic_config.hpp"
#include "broker/topic_name.hpp"
#include "protocol/messages/incremental_alter_configs.hpp"

namespace kafkit::broker {
namespace {

using protocol::IncrementalAlterConfigsRequest;
using protocol::IncrementalAlterConfigsResponse;
using Resource = IncrementalAlterConfigsRequest::AlterConfigsResource;
using Outcome = IncrementalAlterConfigsResponse::AlterConfigsResourceResponse;

constexpr int8_t kTopic = 2;
constexpr int8_t kBroker = 4;
constexpr int8_t kBrokerLogger = 8;

enum Op : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

const char* op_name(int8_t op) {
  switch (op) {
    case kSet:
      return "SET";
    case kDelete:
      return "DELETE";
    case kAppend:
      return "APPEND";
    case kSubtract:
      return "SUBTRACT";
    default:
      return "UNKNOWN";
  }
}

std::string resource_text(const Resource& r) {
  const char* type = r.resource_type == kTopic    ? "TOPIC"
                     : r.resource_type == kBroker ? "BROKER"
                                                  : "BROKER_LOGGER";
  return std::string("ConfigResource(type=") + type + ", name='" + r.resource_name + "')";
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item(text.substr(start, comma - start));
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

/// The request-level checks ConfigAdminManager makes before any resource is looked at.
std::optional<Error> check_alterations(const Resource& r) {
  std::set<std::string> seen;
  for (const auto& c : r.configs) {
    if (!seen.insert(c.name).second)
      return kafka_error(ErrorCode::InvalidRequest, "Error due to duplicate config keys");
    if (c.config_operation < kSet || c.config_operation > kSubtract)
      return kafka_error(ErrorCode::InvalidRequest,
                         "Unknown operation type " + std::to_string(c.config_operation));
    if (c.config_operation != kDelete && !c.value)
      return kafka_error(ErrorCode::InvalidRequest, "Null value not supported for : " + c.name);
  }
  return std::nullopt;
}

/// The topic's settings after the alterations, validated, or the error for the resource.
Result<Properties> altered_topic_configs(const ClusterState& cluster, const Topic& topic,
                                         const Resource& r) {
  Properties configs = topic.configs;
  for (const auto& c : r.configs) {
    switch (c.config_operation) {
      case kSet:
        configs[c.name] = *c.value;
        break;
      case kDelete:
        configs.erase(c.name);
        break;
      case kAppend:
      case kSubtract: {
        const TopicConfigDef* def = find_topic_config(c.name);
        if (def == nullptr)
          return kafka_error(ErrorCode::InvalidConfig, "Unknown topic config name: " + c.name);
        if (def->type != ConfigType::list)
          return kafka_error(ErrorCode::InvalidConfig,
                             std::string("Can't ") + op_name(c.config_operation) + " to key " +
                                 c.name + " because its type is not LIST.");
        std::vector<std::string> items =
            split_list(effective_topic_config(*def, configs, cluster.config.properties).value);
        for (const std::string& v : split_list(*c.value)) {
          auto at = std::find(items.begin(), items.end(), v);
          if (c.config_operation == kAppend && at == items.end()) items.push_back(v);
          if (c.config_operation == kSubtract && at != items.end()) items.erase(at);
        }
        configs[c.name] = join_list(items);
        break;
      }
    }
  }
  for (const auto& [name, value] : configs) {
    if (find_topic_config(name) == nullptr)
      return kafka_error(ErrorCode::InvalidConfig, "Unknown topic config name: " + name);
    if (auto ok = validate_topic_config(name, value); !ok)
      return kafka_error(ErrorCode::InvalidConfig, ok.error().message);
  }
  return configs;
}

std::optional<Error> alter_one(HandlerContext& ctx, const Resource& r, bool validate_only) {
  if (auto e = config_resource_refusal(ctx, authz::Operation::alter_configs, r.resource_type,
                                       r.resource_name))
    return e;
  if (auto e = check_alterations(r)) return e;
  int32_t node_id = ctx.request.node_id;
  switch (r.resource_type) {
    case kTopic: {
      if (auto reason = invalid_topic_name_reason(r.resource_name))
        return kafka_error(ErrorCode::InvalidTopicException, *reason);
      Topic* topic = ctx.cluster.topics->find(r.resource_name);
      if (topic == nullptr)
        return kafka_error(ErrorCode::UnknownTopicOrPartition,
                           "The topic '" + r.resource_name + "' does not exist.");
      auto configs = altered_topic_configs(ctx.cluster, *topic, r);
      if (!configs) return configs.error();
      if (validate_only) return std::nullopt;
      if (auto saved = ctx.cluster.topics->set_configs(r.resource_name, std::move(*configs));
          !saved)
        return saved.error();
      std::string changes;
      for (const auto& c : r.configs)
        changes += (changes.empty() ? "" : ", ") + std::string(op_name(c.config_operation)) + " " +
                   c.name + (c.value && c.config_operation != kDelete ? "=" + *c.value : "");
      ctx.cluster.log("altered configs of topic " + r.resource_name + " (" + changes +
                      ") at the request of " + ctx.request.peer);
      return std::nullopt;
    }
    case kBroker: {
      if (auto e = check_broker_name(r.resource_name, node_id, true)) return e;
      if (r.configs.empty()) return std::nullopt;
      std::string names;
      for (const auto& c : r.configs) names += (names.empty() ? "" : ", ") + c.name;
      return kafka_error(ErrorCode::InvalidRequest,
                         "Invalid config value for resource " + resource_text(r) +
                             ": Cannot update these configs dynamically: Set(" + names +
                             ") (every kafkit-broker property is static)");
    }
    case kBrokerLogger:
      if (auto e = check_broker_name(r.resource_name, node_id, false)) return e;
      if (r.configs.empty()) return std::nullopt;
      return kafka_error(ErrorCode::InvalidConfig,
                         "Logger " + r.configs.front().name + " does not exist");
    default:
      return kafka_error(ErrorCode::InvalidRequest,
                         "Unexpected resource type " + std::to_string(r.resource_type));
  }
}

void handle_incremental_alter_configs(HandlerContext& ctx) {
  auto req = ctx.request.decode<IncrementalAlterConfigsRequest>();
  if (!req)
    return ctx.responder.close("cannot parse IncrementalAlterConfigs: " + req.error().message);
  std::map<std::pair<int8_t, std::string>, int> count;
  for (const Resource& r : req->resources) ++count[{r.resource_type, r.resource_name}];

  IncrementalAlterConfigsResponse resp;
  resp.throttle_time_ms = 0;
  for (const Resource& r : req->resources) {
    Outcome o;
    o.resource_type = r.resource_type;
    o.resource_name = r.resource_name;
    o.error_code = code(ErrorCode::None);
    o.error_message = std::nullopt;
    std::optional<Error> e;
    if (count[{r.resource_type, r.resource_name}] > 1)
      e = kafka_error(ErrorCode::InvalidRequest,
                      "Duplicate resource " + resource_text(r) + " in the request");
    else
      e = alter_one(ctx, r, req->validate_only);
    if (e) {
      o.error_code = wire_code(*e);
      o.error_message = e->message;
    }
    resp.responses.push_back(std::move(o));
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler incremental_alter_configs_api{IncrementalAlterConfigsRequest::api_key, 0, 1,
                                               &handle_incremental_alter_configs};

}  // namespace kafkit::broker
