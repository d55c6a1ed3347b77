#pragma once
// The Java client's partitioning strategies: round-robin, the KIP-480 sticky partitioner
// (Java 2.4-3.2 DefaultPartitioner) and the KIP-794 uniform sticky one (Java 3.3+ built-in).
// Keyed records go by Java's murmur2 (hash.hpp) in the two sticky ones.
#include <map>
#include <string>
#include <vector>

#include "client/partitioner/partitioner.hpp"

namespace kafkit::client {

/// Java's RoundRobinPartitioner: keys are ignored; a per-topic counter walks the available
/// partitions (all of them when none is known to be available).
class RoundRobinPartitioner final : public Partitioner {
 public:
  int32_t partition(const PartitionContext& ctx) override;

 private:
  std::map<std::string, uint32_t, std::less<>> next_;  // per topic
};

/// KIP-480: a record without a key sticks to one partition per topic until the producer
/// reports that the batch for that partition is closed (on_new_batch), then a different
/// available partition is drawn at random.
class StickyPartitioner final : public Partitioner {
 public:
  explicit StickyPartitioner(PartitionRandom random) : random_(random) {}

  int32_t partition(const PartitionContext& ctx) override;
  void on_new_batch(std::string_view topic, int32_t partition) override;

 private:
  int32_t next_partition(const PartitionContext& ctx, int32_t previous);

  PartitionRandom random_;
  struct Topic {
    int32_t partition = -1;
    bool switch_pending = false;  // on_new_batch came for the sticky partition
    int32_t previous = -1;
  };
  std::map<std::string, Topic, std::less<>> topics_;
};

/// KIP-794 (Java BuiltInPartitioner): a record without a key (or every record, with
/// `ignore_keys`, Java's partitioner.ignore.keys) sticks to one partition until at least
/// `batch_size` bytes went to it and a batch boundary is reached, or 2 x batch_size bytes
/// regardless. The next partition is drawn among available ones, weighted against long
/// queues when queue sizes are reported (partitioner.adaptive.partitioning.enable).
class UniformStickyPartitioner final : public Partitioner {
 public:
  UniformStickyPartitioner(PartitionRandom random, size_t batch_size, bool ignore_keys = false)
      : random_(random), batch_size_(batch_size), ignore_keys_(ignore_keys) {}

  int32_t partition(const PartitionContext& ctx) override;
  void on_append(std::string_view topic, int32_t partition, size_t bytes,
                 bool batch_closed) override;
  void on_queue_sizes(std::string_view topic, std::span<const uint32_t> queued) override;

 private:
  struct Topic {
    int32_t partition = -1;
    size_t produced = 0;           // bytes appended to `partition` since it was chosen
    bool switch_due = false;       // the byte budget is used up; pick anew on the next record
    std::vector<uint32_t> queued;  // last reported queue sizes, index = partition
  };
  int32_t next_partition(const PartitionContext& ctx, const Topic& t);

  PartitionRandom random_;
  size_t batch_size_;
  bool ignore_keys_;
  std::map<std::string, Topic, std::less<>> topics_;
};

}  // namespace kafkit::client
