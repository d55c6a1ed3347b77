#pragma once
// Topic configs: the per-topic settings Kafka defines (retention.ms, segment.bytes, ...),
// each with the broker property that supplies its default (log.retention.ms, ...). One
// table serves CreateTopics validation, DescribeConfigs (value, source, synonyms, type)
// and the storage settings of a partition.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "broker/storage/log_config.hpp"
#include "common/properties.hpp"
#include "common/result.hpp"

namespace kafkit::broker {

/// DescribeConfigs ConfigType (KIP-569).
enum class ConfigType : int8_t {
  boolean = 1,
  string = 2,
  int_ = 3,
  short_ = 4,
  long_ = 5,
  list = 7
};
/// DescribeConfigs ConfigSource.
enum class ConfigSource : int8_t { topic = 1, static_broker = 4, default_ = 5 };

struct TopicConfigDef {
  std::string_view name;
  std::string_view broker_key;  // the log.* default, "" when the name itself is the key
  ConfigType type;
  std::string_view default_value;
  std::string_view doc;
};

std::span<const TopicConfigDef> topic_config_defs();
const TopicConfigDef* find_topic_config(std::string_view name);

/// Checks a topic config value (CreateTopics, AlterConfigs); errors say what is accepted.
Result<void> validate_topic_config(std::string_view name, std::string_view value);

/// True for a broker property that is the default of a topic config (log.retention.ms,
/// log.retention.hours, ...), and its validation.
bool is_broker_log_default(std::string_view key);
Result<void> validate_broker_log_default(std::string_view key, std::string_view value);

/// A config's effective value for a topic and where it comes from.
struct EffectiveConfig {
  std::string value;
  ConfigSource source;
  std::string synonym_key;  // the broker key when source is static_broker
};
EffectiveConfig effective_topic_config(const TopicConfigDef& def, const Properties& topic,
                                       const Properties& broker);

/// The storage settings for a topic.
LogConfig make_log_config(const Properties& topic, const Properties& broker);

}  // namespace kafkit::broker
