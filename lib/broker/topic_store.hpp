#pragma once
// TopicStore: every topic of the cluster, its partitions and their logs, kept on disk so
// that topics, their ids, configs and data survive a restart.
//
// On disk, in the data directory:
//   meta.properties                   cluster.id (generated once)
//   producer-ids.properties           producer ids reserved so far (ProducerIdAllocator)
//   .kafkit-topics/<topic>.properties topic.id, partition count, replica lists, configs
//   <topic>-<partition>/              the partition's PartitionLog
// A topic file is written to a temporary name, fsynced and renamed, so a crash leaves the
// old or the new description, never half of one.
//
// Owned by the broker's loop thread; not thread-safe. Errors carry Kafka error codes.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "broker/broker_config.hpp"
#include "broker/producer_state/producer_id_allocator.hpp"
#include "broker/producer_state/producer_state_table.hpp"
#include "broker/storage/partition_log.hpp"
#include "common/properties.hpp"
#include "common/result.hpp"
#include "protocol/random_source.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

struct Partition {
  int32_t index = 0;
  std::vector<int32_t> replicas;  // preferred leader first
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::unique_ptr<PartitionLog> log;
  ProducerStateTable producers;  // idempotent producers (producer_state/producer_snapshot.hpp)
};

struct Topic {
  std::string name;
  protocol::Uuid id;
  Properties configs;  // only what was set on the topic; defaults come from the broker
  std::vector<Partition> partitions;
};

class TopicStore {
 public:
  /// Opens the data directory (creating it), loads every topic and recovers its logs.
  static Result<std::unique_ptr<TopicStore>> open(const BrokerConfig& config,
                                                  std::vector<int32_t> node_ids, int64_t now_ms);

  const std::string& cluster_id() const noexcept { return cluster_id_; }
  const std::map<std::string, Topic, std::less<>>& topics() const noexcept { return topics_; }
  Topic* find(std::string_view name);
  Topic* find(const protocol::Uuid& id);

  /// CreateTopics semantics: name, partition count, replication factor (-1 = the
  /// broker defaults) and configs are validated; errors are Kafka's
  /// (TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS,
  /// INVALID_REPLICATION_FACTOR, INVALID_CONFIG). `validate_only` checks without creating.
  Result<Topic*> create(std::string_view name, int32_t partitions, int16_t replication_factor,
                        const Properties& configs, bool validate_only, int64_t now_ms);
  Result<void> remove(std::string_view name);
  /// CreatePartitions: grows a topic to `count` partitions.
  Result<void> add_partitions(std::string_view name, int32_t count, bool validate_only,
                              int64_t now_ms);
  /// Replaces a topic's configs (already validated) and applies them to its logs.
  Result<void> set_configs(std::string_view name, Properties configs);

  /// Rolling, retention and timed flushes of every log.
  void maintain(int64_t now_ms);
  /// Flushes and closes every log cleanly.
  void close();

  /// What recovery repaired while opening logs (one line each), taken by the caller to log.
  std::vector<std::string> take_recovery_notes() { return std::move(recovery_notes_); }

  /// Cluster-wide producer ids for InitProducerId.
  ProducerIdAllocator& producer_ids() noexcept { return *producer_ids_; }

  const BrokerConfig& config() const noexcept { return config_; }
  const std::vector<int32_t>& node_ids() const noexcept { return node_ids_; }

 private:
  TopicStore(BrokerConfig config, std::vector<int32_t> node_ids);
  std::filesystem::path partition_dir(std::string_view topic, int32_t partition) const;
  std::filesystem::path topic_file(std::string_view topic) const;
  Result<void> save(const Topic& topic) const;
  Result<void> load(const std::filesystem::path& file, int64_t now_ms);
  Result<void> open_partition(Topic& topic, Partition& p, int64_t now_ms);
  std::vector<int32_t> assign_replicas(int32_t partition, int16_t replication_factor,
                                       int32_t start) const;

  BrokerConfig config_;
  std::vector<int32_t> node_ids_;
  std::filesystem::path dir_;
  std::string cluster_id_;
  std::map<std::string, Topic, std::less<>> topics_;  /// @thread loop
  protocol::RandomSource random_;
  std::vector<std::string> recovery_notes_;
  std::unique_ptr<ProducerIdAllocator> producer_ids_;
  int64_t last_producer_snapshot_ms_ = 0;
};

/// Kafka's 22-character rendering of a random cluster or topic id.
protocol::Uuid random_uuid(protocol::RandomSource& random);

}  // namespace kafkit::broker
