#pragma once
// librdkafka 2.0.2's built-in partitioners, by their `partitioner` property names, with
// the same choices for every key (rdkafka_msg.c, rdkafka_topic.c; protocol-facts.md §5.3).
#include <chrono>
#include <map>
#include <string>

#include "client/partitioner/partitioner.hpp"

namespace kafkit::client {

enum class RdkafkaPartitionerKind {
  random,             // a random partition per message
  consistent,         // crc32(key) % n; a null key hashes as empty: partition 0
  consistent_random,  // crc32 for non-empty keys; empty and null keys sticky-random (default)
  murmur2,            // Java-compatible murmur2; a null key hashes as empty
  murmur2_random,     // murmur2 for keys (empty ones too); null keys sticky-random
  fnv1a,              // librdkafka's FNV-1a; a null key hashes as empty
  fnv1a_random,       // FNV-1a for keys (empty ones too); null keys sticky-random
};

/// The keyed part of a librdkafka partitioner: what `rd_kafka_msg_partitioner_<kind>`
/// returns for a key, before any sticky handling. For `random`, and for the `_random`
/// kinds with a key they treat as random, nullopt.
std::optional<int32_t> rdkafka_hash_partition(RdkafkaPartitionerKind kind, const Key& key,
                                              int32_t partition_count) noexcept;

class LibrdkafkaPartitioner final : public Partitioner {
 public:
  /// `sticky_linger` is `sticky.partitioning.linger.ms` (librdkafka default 10 ms; 0 turns
  /// the sticky behaviour off and each such record gets its own random partition).
  LibrdkafkaPartitioner(RdkafkaPartitionerKind kind, PartitionRandom random,
                        std::chrono::milliseconds sticky_linger = std::chrono::milliseconds(10));

  int32_t partition(const PartitionContext& ctx) override;
  RdkafkaPartitionerKind kind() const noexcept { return kind_; }

 private:
  struct Sticky {
    int32_t partition = -1;
    std::optional<std::chrono::steady_clock::time_point> drawn_at;
  };
  int32_t random_partition(const PartitionContext& ctx);
  int32_t sticky_partition(const PartitionContext& ctx);

  RdkafkaPartitionerKind kind_;
  PartitionRandom random_;
  std::chrono::milliseconds sticky_linger_;
  // librdkafka's rkt_conf.random_partitioner: true means null keys go to the partitioner
  // function itself instead of the topic's sticky partition.
  bool no_sticky_;
  std::map<std::string, Sticky, std::less<>> sticky_;  // per topic
};

}  // namespace kafkit::client
