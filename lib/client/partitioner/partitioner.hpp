#pragma once
// The producer's partitioner interface: which partition a record without an explicit
// partition goes to. Pure decisions, no I/O: the producer passes what it knows about the
// topic (partition count, partitions with a leader, time) and reports batch events back.
//
// Thread-safety: a Partitioner is not thread-safe; the producer calls it from one thread
// (the one that appends to the accumulator) or under its own lock.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "protocol/random_source.hpp"
#include "protocol/types.hpp"

namespace kafkit::client {

/// A record key as the producer sees it: absent (null) is not the same as empty, for Java
/// (an empty key is hashed) and for librdkafka (depends on the partitioner).
using Key = std::optional<protocol::ByteView>;

/// Seeded so tests are deterministic; the producer seeds it from a random device.
using PartitionRandom = protocol::RandomSource;

/// What a partitioner may look at for one record.
struct PartitionContext {
  std::string_view topic;
  Key key;
  /// All partitions of the topic (> 0). Keyed hashing always uses this count, as Java and
  /// librdkafka do, so a key's partition does not move when a leader is unavailable.
  int32_t partition_count = 0;
  /// Partitions that currently have a leader, ascending; empty means "all of them".
  std::span<const int32_t> available = {};
  /// Only the time-based librdkafka sticky partitioner looks at this.
  std::chrono::steady_clock::time_point now = {};

  bool is_available(int32_t partition) const noexcept;
};

class Partitioner {
 public:
  virtual ~Partitioner() = default;

  /// The partition for a record without an explicit one, in [0, partition_count).
  virtual int32_t partition(const PartitionContext& ctx) = 0;

  /// KIP-480: the batch the producer was filling for `partition` of `topic` is closed
  /// (full or sent) and the next record would start a new one. Sticky partitioners move on.
  virtual void on_new_batch(std::string_view topic, int32_t partition) {
    (void)topic;
    (void)partition;
  }

  /// KIP-794: `bytes` were appended to `partition` of `topic`; `batch_closed` says whether
  /// that append filled or closed the batch (a batch boundary, where a switch is allowed).
  virtual void on_append(std::string_view topic, int32_t partition, size_t bytes,
                         bool batch_closed) {
    (void)topic;
    (void)partition;
    (void)bytes;
    (void)batch_closed;
  }

  /// KIP-794 adaptive partitioning: queued bytes (or batches) per partition, index =
  /// partition, so the next sticky partition avoids busy ones. Others ignore it.
  virtual void on_queue_sizes(std::string_view topic, std::span<const uint32_t> queued) {
    (void)topic;
    (void)queued;
  }
};

/// "Explicit partition wins": a record that names its partition goes there, and the
/// partitioner is not consulted (nor is its sticky state touched).
inline int32_t choose_partition(std::optional<int32_t> explicit_partition, Partitioner& p,
                                const PartitionContext& ctx) {
  return explicit_partition ? *explicit_partition : p.partition(ctx);
}

/// A uniformly random partition among the available ones (all when none is known to be).
int32_t random_available_partition(const PartitionContext& ctx, PartitionRandom& random) noexcept;

/// A user-supplied partitioner (Java's `partitioner.class`, librdkafka's `partitioner_cb`).
/// Its result is used as is; the producer rejects out-of-range partitions as it would an
/// explicit one.
using PartitionFunction = std::function<int32_t(const PartitionContext&)>;

class UserPartitioner final : public Partitioner {
 public:
  explicit UserPartitioner(PartitionFunction f) : f_(std::move(f)) {}
  int32_t partition(const PartitionContext& ctx) override { return f_(ctx); }

 private:
  PartitionFunction f_;
};

}  // namespace kafkit::client
