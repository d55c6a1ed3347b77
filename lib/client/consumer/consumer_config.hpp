#pragma once
// ConsumerConfig: the consumer's settings, parsed from kafkit::Config by their librdkafka
// and Java names (aliases map to one field). Defaults are librdkafka's, except
// check.crcs=true (Java's default: a corrupt batch must be noticed, not handed out) and
// fetch.max.bytes 52428800 (both clients agree).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "client/cluster/cluster_config.hpp"
#include "common/result.hpp"
#include "kafkit/config.hpp"
#include "kafkit/producer.hpp"

namespace kafkit::client {

enum class OffsetReset : std::uint8_t { earliest, latest, none };

struct ConsumerConfig {
  ClusterConfig cluster;
  std::string group_id;  // "" = no group (assign-only, no commits)
  std::optional<std::string> group_instance_id;
  std::chrono::milliseconds session_timeout{45000};
  std::chrono::milliseconds heartbeat_interval{3000};
  std::chrono::milliseconds max_poll_interval{300000};
  std::string assignment_strategy = "range,roundrobin";
  bool enable_auto_commit = true;
  std::chrono::milliseconds auto_commit_interval{5000};
  OffsetReset auto_offset_reset = OffsetReset::latest;
  std::int32_t fetch_min_bytes = 1;
  std::int32_t fetch_max_bytes = 52428800;
  std::chrono::milliseconds fetch_max_wait{500};
  std::int32_t max_partition_fetch_bytes = 1048576;
  /// queued.max.messages.kbytes, in bytes: the one budget for all prefetched data.
  std::size_t queued_max_bytes = std::size_t{65536} * 1024;
  std::int32_t queued_min_messages = 100000;
  std::int32_t max_poll_records = 500;
  bool read_committed = true;
  bool check_crcs = true;
  bool enable_partition_eof = false;
  std::string client_rack;
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds retry_backoff{100};
  std::chrono::milliseconds retry_backoff_max{1000};
  std::chrono::milliseconds fetch_error_backoff{500};

  /// Throws nothing: an unknown property, a producer-only one or a bad value is an
  /// invalid_argument Error that names it.
  static Result<ConsumerConfig> parse(const Config& config);
};

/// Every property ConsumerConfig::parse accepts.
std::span<const PropertyInfo> consumer_properties() noexcept;

}  // namespace kafkit::client
