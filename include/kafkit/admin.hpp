#pragma once
// Admin: topics, configs, consumer groups, offsets and the cluster, as the Kafka admin APIs
// serve them.
//
// Every call blocks until the answer or its `timeout`; retriable failures (no broker yet,
// NOT_CONTROLLER, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, LEADER_NOT_AVAILABLE, ...)
// are retried with retry.backoff.ms within it. The Result fails only when the call as a
// whole failed (timeout, no broker reachable, an API the cluster does not serve); what
// Kafka says about each topic, partition, group or config resource is in that resource's
// `error` (code 0 = success), with the broker's message when it sent one.
//
// Thread-safety: every member may be called from any thread, concurrently; destroy the
// Admin only when no call is running. One background I/O thread owns the connections.
// Blocking: each call blocks its caller (sleeping, not spinning, between retries).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kafkit/config.hpp"
#include "kafkit/consumer.hpp"  // TopicPartition, TopicPartitionOffset, offsets::
#include "kafkit/producer.hpp"  // PropertyInfo
#include "kafkit/result.hpp"

namespace kafkit {

namespace client {
class AdminImpl;
}

/// What Kafka said about one resource: code 0 is success, else a Kafka error code (its
/// name and the broker's message in `message`).
struct ResourceError {
  int code = 0;
  std::string message;
  bool ok() const noexcept { return code == 0; }
};

struct NewTopic {
  std::string name;
  /// -1: the broker's num.partitions / default.replication.factor (KIP-464).
  std::int32_t partitions = -1;
  std::int16_t replication_factor = -1;
  std::map<std::string, std::string> configs = {};
};

struct TopicResult {
  std::string topic;
  ResourceError error;
};

struct ConfigEntry {
  std::string name;
  std::optional<std::string> value;  // null when sensitive
  bool read_only = false;
  bool is_default = false;
  bool is_sensitive = false;
  /// DescribeConfigs ConfigSource: 1 topic, 4 static broker, 5 default, ...
  std::int8_t source = -1;
};

struct PartitionDescription {
  std::int32_t partition = 0;
  std::int32_t leader = -1;
  std::vector<std::int32_t> replicas;
  std::vector<std::int32_t> isr;
  ResourceError error;
};

struct TopicDescription {
  std::string name;
  ResourceError error;
  bool internal = false;
  std::vector<PartitionDescription> partitions;
  /// Filled when describe_topics was asked for configs.
  std::vector<ConfigEntry> configs;
};

struct NewPartitions {
  std::string topic;
  std::int32_t total_count = 0;  // the new number of partitions, not the increment
};

/// DescribeConfigs / IncrementalAlterConfigs resource types.
enum class ConfigResourceType : std::int8_t { topic = 2, broker = 4 };

struct ConfigResource {
  ConfigResourceType type = ConfigResourceType::topic;
  std::string name;  // the topic, or the broker id in decimal
};

struct ConfigResourceResult {
  ConfigResource resource;
  ResourceError error;
  std::vector<ConfigEntry> entries;  // describe_configs only
};

/// KIP-339 operations.
enum class AlterConfigOp : std::int8_t { set = 0, remove = 1, append = 2, subtract = 3 };

struct ConfigAlteration {
  std::string name;
  AlterConfigOp op = AlterConfigOp::set;
  std::optional<std::string> value = {};  // ignored by remove
};

struct AlterConfigsRequest {
  ConfigResource resource;
  std::vector<ConfigAlteration> alterations;
};

struct GroupListing {
  std::string group_id;
  std::string protocol_type;
  std::string state;  // empty when the broker does not send it (ListGroups v<4)
};

struct GroupMemberDescription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  /// Decoded from the ConsumerProtocol assignment (empty for other protocol types).
  std::vector<TopicPartition> assignment;
};

struct GroupDescription {
  std::string group_id;
  ResourceError error;
  std::string state;
  std::string protocol_type;
  std::string protocol;  // the assignor chosen
  std::vector<GroupMemberDescription> members;
};

struct GroupResult {
  std::string group_id;
  ResourceError error;
};

/// One partition's offset in an answer (list_offsets, group offsets, delete_records).
struct PartitionOffset {
  std::string topic;
  std::int32_t partition = 0;
  /// The offset found, committed or set; -1 when none (a group with no commit). For
  /// delete_records: the new low watermark.
  std::int64_t offset = -1;
  std::int64_t timestamp = -1;  // list_offsets: the record's timestamp, when found by time
  std::optional<std::int32_t> leader_epoch;
  std::string metadata;  // group offsets: commit metadata
  ResourceError error;
};

/// Where reset_group_offsets moves a group: earliest, latest, the first offset at or after
/// a timestamp (ms), or an explicit offset.
struct OffsetResetSpec {
  enum class Kind : std::uint8_t { earliest, latest, timestamp, offset };
  Kind kind = Kind::latest;
  std::int64_t value = 0;
  static OffsetResetSpec earliest() { return {Kind::earliest, 0}; }
  static OffsetResetSpec latest() { return {Kind::latest, 0}; }
  static OffsetResetSpec at_time(std::int64_t ms) { return {Kind::timestamp, ms}; }
  static OffsetResetSpec to_offset(std::int64_t o) { return {Kind::offset, o}; }
};

struct BrokerDescription {
  std::int32_t id = -1;
  std::string host;
  std::int32_t port = 0;
  std::optional<std::string> rack;
};

struct ClusterDescription {
  std::string cluster_id;
  std::int32_t controller = -1;
  std::vector<BrokerDescription> brokers;
};

/// One Metadata answer as the broker gave it (what `kafkit -L` prints, like kcat -L):
/// brokers and topics in the answer's order, each topic's partitions by id.
struct ClusterMetadata {
  /// "host:port" of the connection that answered: a bootstrap server as configured, or a
  /// broker's advertised address once the client learned it.
  std::string answered_by;
  std::int32_t controller = -1;
  std::vector<BrokerDescription> brokers;
  std::vector<TopicDescription> topics;
};

class Admin {
 public:
  using Timeout = std::chrono::milliseconds;
  static constexpr Timeout default_timeout{30000};

  /// Properties: the shared client ones (bootstrap.servers, client.id, ...) plus
  /// request.timeout.ms and retry.backoff.ms. Throws std::invalid_argument naming an
  /// unknown or invalid property. Connects in the background.
  explicit Admin(const Config& config);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  /// Every property the constructor accepts.
  static std::span<const PropertyInfo> properties() noexcept;

  // Topics (sent to the controller).
  Result<std::vector<TopicResult>> create_topics(const std::vector<NewTopic>& topics,
                                                 bool validate_only = false,
                                                 Timeout timeout = default_timeout);
  Result<std::vector<TopicResult>> delete_topics(const std::vector<std::string>& topics,
                                                 Timeout timeout = default_timeout);
  Result<std::vector<TopicResult>> create_partitions(const std::vector<NewPartitions>& topics,
                                                     bool validate_only = false,
                                                     Timeout timeout = default_timeout);
  /// Empty `topics`: every topic in the cluster. With `include_configs` each topic's
  /// configs are described too.
  Result<std::vector<TopicDescription>> describe_topics(const std::vector<std::string>& topics,
                                                        bool include_configs = false,
                                                        Timeout timeout = default_timeout);

  // Configs.
  Result<std::vector<ConfigResourceResult>> describe_configs(
      const std::vector<ConfigResource>& resources, Timeout timeout = default_timeout);
  Result<std::vector<ConfigResourceResult>> incremental_alter_configs(
      const std::vector<AlterConfigsRequest>& requests, bool validate_only = false,
      Timeout timeout = default_timeout);

  // Consumer groups (sent to each group's coordinator; list_groups asks every broker).
  Result<std::vector<GroupListing>> list_groups(Timeout timeout = default_timeout);
  Result<std::vector<GroupDescription>> describe_groups(const std::vector<std::string>& groups,
                                                        Timeout timeout = default_timeout);
  Result<std::vector<GroupResult>> delete_groups(const std::vector<std::string>& groups,
                                                 Timeout timeout = default_timeout);
  /// OffsetFetch; empty `partitions`: every partition the group committed.
  Result<std::vector<PartitionOffset>> list_group_offsets(
      const std::string& group, const std::vector<TopicPartition>& partitions = {},
      Timeout timeout = default_timeout);
  /// OffsetCommit with generation -1 and no member: the coordinator accepts it only while
  /// the group has no active members (else UNKNOWN_MEMBER_ID / REBALANCE_IN_PROGRESS per
  /// partition). Each entry's `offset` is the offset to store.
  Result<std::vector<PartitionOffset>> alter_group_offsets(
      const std::string& group, const std::vector<TopicPartitionOffset>& offsets,
      Timeout timeout = default_timeout);
  /// Looks the target offsets up (ListOffsets) and commits them as alter_group_offsets.
  Result<std::vector<PartitionOffset>> reset_group_offsets(
      const std::string& group, const std::vector<TopicPartition>& partitions, OffsetResetSpec spec,
      Timeout timeout = default_timeout);

  // Partitions (sent to each partition's leader).
  /// Each query's `offset` is offsets::beginning (earliest), offsets::end (latest) or a
  /// timestamp in ms (the first offset at or after it; -1 in the answer when none).
  Result<std::vector<PartitionOffset>> list_offsets(const std::vector<TopicPartitionOffset>& query,
                                                    Timeout timeout = default_timeout);
  /// Deletes records before each entry's `offset` (offsets::end: up to the high watermark).
  Result<std::vector<PartitionOffset>> delete_records(
      const std::vector<TopicPartitionOffset>& before, Timeout timeout = default_timeout);

  // Cluster.
  Result<ClusterDescription> describe_cluster(Timeout timeout = default_timeout);
  /// One Metadata request to any broker, answered as it came: no retry of topic errors
  /// (LEADER_NOT_AVAILABLE stays in the topic's `error`), a topic that does not exist is
  /// listed with UNKNOWN_TOPIC_OR_PARTITION and is never created. nullopt: every topic.
  Result<ClusterMetadata> metadata(const std::optional<std::vector<std::string>>& topics,
                                   Timeout timeout = default_timeout);

 private:
  std::unique_ptr<client::AdminImpl> impl_;
};

}  // namespace kafkit
