#include "broker/topic_config.hpp"

#include <array>
#include <limits>

#include "broker/broker_config.hpp"

namespace kafkit::broker {
namespace {

constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

// Defaults are Kafka's. "cleanup.policy=compact" is accepted and kept, but this broker
// does not compact: keeping every record is a state a compacted log may legally be in.
// "compression.type" other than producer is accepted and reported but batches are stored
// as the producer compressed them.
constexpr std::array<TopicConfigDef, 14> kDefs{{
    {"cleanup.policy", "log.cleanup.policy", ConfigType::list, "delete",
     "delete or compact (compaction is not performed by this broker)"},
    {"compression.type", "compression.type", ConfigType::string, "producer",
     "the final compression of the topic's batches"},
    {"delete.retention.ms", "log.cleaner.delete.retention.ms", ConfigType::long_, "86400000",
     "how long delete tombstones are kept on compacted topics"},
    {"file.delete.delay.ms", "log.segment.delete.delay.ms", ConfigType::long_, "60000",
     "delay before a deleted segment's files are removed"},
    {"flush.messages", "log.flush.interval.messages", ConfigType::long_, "9223372036854775807",
     "fsync after this many messages (1 = before acknowledging each append)"},
    {"flush.ms", "log.flush.interval.ms", ConfigType::long_, "9223372036854775807",
     "fsync when unflushed data is older than this"},
    {"index.interval.bytes", "log.index.interval.bytes", ConfigType::int_, "4096",
     "log bytes between two offset-index entries"},
    {"max.message.bytes", "message.max.bytes", ConfigType::int_, "1048588",
     "largest record batch a producer may append"},
    {"message.timestamp.type", "log.message.timestamp.type", ConfigType::string, "CreateTime",
     "CreateTime or LogAppendTime"},
    {"min.insync.replicas", "min.insync.replicas", ConfigType::int_, "1",
     "replicas that must acknowledge an acks=all write"},
    {"retention.bytes", "log.retention.bytes", ConfigType::long_, "-1",
     "size above which old segments are deleted, per partition (-1 = unlimited)"},
    {"retention.ms", "log.retention.ms", ConfigType::long_, "604800000",
     "age after which old segments are deleted (-1 = forever)"},
    {"segment.bytes", "log.segment.bytes", ConfigType::int_, "1073741824",
     "size at which a segment file rolls"},
    {"segment.ms", "log.roll.ms", ConfigType::long_, "604800000",
     "age at which a segment file rolls"},
}};

struct Range {
  int64_t min, max;
};

Range range_of(std::string_view name) {
  if (name == "segment.bytes") return {14, kIntMax};
  if (name == "index.interval.bytes" || name == "max.message.bytes") return {0, kIntMax};
  if (name == "min.insync.replicas") return {1, kIntMax};
  if (name == "retention.ms" || name == "retention.bytes") return {-1, kLongMax};
  if (name == "flush.messages" || name == "segment.ms") return {1, kLongMax};
  return {0, kLongMax};
}

// log.retention.minutes/hours and log.roll.hours are coarser spellings of the .ms keys.
struct Alias {
  std::string_view key;
  std::string_view ms_key;
  int64_t factor;
};
constexpr std::array<Alias, 3> kAliases{{{"log.retention.minutes", "log.retention.ms", 60000},
                                         {"log.retention.hours", "log.retention.ms", 3600000},
                                         {"log.roll.hours", "log.roll.ms", 3600000}}};

std::optional<std::string> broker_value(const Properties& broker, std::string_view key,
                                        std::string* used_key) {
  if (auto it = broker.find(key); it != broker.end()) {
    *used_key = std::string(key);
    return it->second;
  }
  // Kafka's precedence: ms, then minutes, then hours.
  for (const Alias& a : kAliases) {
    if (a.ms_key != key) continue;
    auto it = broker.find(a.key);
    if (it == broker.end()) continue;
    auto v = parse_long_property(a.key, it->second, -1, kLongMax / a.factor);
    if (!v) continue;
    *used_key = std::string(a.key);
    return std::to_string(*v < 0 ? -1 : *v * a.factor);
  }
  return std::nullopt;
}

int64_t long_value(const TopicConfigDef& def, const Properties& topic, const Properties& broker) {
  auto v = parse_long_property(def.name, effective_topic_config(def, topic, broker).value,
                               std::numeric_limits<int64_t>::min(), kLongMax);
  return v ? *v : 0;
}

}  // namespace

std::span<const TopicConfigDef> topic_config_defs() {
  return kDefs;
}

const TopicConfigDef* find_topic_config(std::string_view name) {
  for (const auto& d : kDefs)
    if (d.name == name) return &d;
  return nullptr;
}

Result<void> validate_topic_config(std::string_view name, std::string_view value) {
  const TopicConfigDef* def = find_topic_config(name);
  if (def == nullptr)
    return Error{errc::invalid_argument, "unknown topic config \"" + std::string(name) + "\""};
  auto bad = [&](std::string_view expected) {
    return Error{errc::invalid_argument, "invalid value \"" + std::string(value) + "\" for " +
                                             std::string(name) + ": expected " +
                                             std::string(expected)};
  };
  if (name == "cleanup.policy") {
    if (value != "delete" && value != "compact" && value != "compact,delete" &&
        value != "delete,compact")
      return bad("delete, compact or both");
    return {};
  }
  if (name == "compression.type") {
    for (std::string_view ok : {"producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"})
      if (value == ok) return {};
    return bad("producer, uncompressed, gzip, snappy, lz4 or zstd");
  }
  if (name == "message.timestamp.type") {
    if (value != "CreateTime" && value != "LogAppendTime")
      return bad("CreateTime or LogAppendTime");
    return {};
  }
  Range r = range_of(name);
  auto v = parse_long_property(name, value, r.min, r.max);
  if (!v) return v.error();
  return {};
}

bool is_broker_log_default(std::string_view key) {
  for (const auto& d : kDefs)
    if (d.broker_key == key) return true;
  for (const Alias& a : kAliases)
    if (a.key == key) return true;
  return false;
}

Result<void> validate_broker_log_default(std::string_view key, std::string_view value) {
  for (const Alias& a : kAliases) {
    if (a.key != key) continue;
    auto v = parse_long_property(key, value, -1, kLongMax / a.factor);
    if (!v) return v.error();
    return {};
  }
  for (const auto& d : kDefs) {
    if (d.broker_key != key) continue;
    auto r = validate_topic_config(d.name, value);
    if (!r)
      return Error{errc::invalid_argument,
                   "invalid value \"" + std::string(value) + "\" for " + std::string(key)};
    return {};
  }
  return Error{errc::invalid_argument, "unknown broker property \"" + std::string(key) + "\""};
}

EffectiveConfig effective_topic_config(const TopicConfigDef& def, const Properties& topic,
                                       const Properties& broker) {
  if (auto it = topic.find(def.name); it != topic.end())
    return {it->second, ConfigSource::topic, ""};
  std::string used;
  if (auto v = broker_value(broker, def.broker_key, &used))
    return {*v, ConfigSource::static_broker, used};
  return {std::string(def.default_value), ConfigSource::default_, ""};
}

LogConfig make_log_config(const Properties& topic, const Properties& broker) {
  auto get = [&](std::string_view name) {
    return long_value(*find_topic_config(name), topic, broker);
  };
  LogConfig c;
  c.segment_bytes = get("segment.bytes");
  c.segment_ms = get("segment.ms");
  c.retention_ms = get("retention.ms");
  c.retention_bytes = get("retention.bytes");
  c.flush_messages = get("flush.messages");
  c.flush_ms = get("flush.ms");
  c.index_interval_bytes = static_cast<int32_t>(get("index.interval.bytes"));
  c.max_message_bytes = static_cast<int32_t>(get("max.message.bytes"));
  c.log_append_time =
      effective_topic_config(*find_topic_config("message.timestamp.type"), topic, broker).value ==
      "LogAppendTime";
  return c;
}

}  // namespace kafkit::broker
