#pragma once
// Builds the producer's partitioner from its configuration (`partitioner` property).
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "client/partitioner/partitioner.hpp"
#include "common/result.hpp"

namespace kafkit::client {

struct PartitionerConfig {
  /// librdkafka names (random, consistent, consistent_random, murmur2, murmur2_random,
  /// fnv1a, fnv1a_random), kafkit's round_robin / sticky (KIP-480) / uniform_sticky
  /// (KIP-794, the Java 3.3+ default), and the Java class names of RoundRobinPartitioner
  /// and DefaultPartitioner. Default as in librdkafka: consistent_random.
  std::string name = "consistent_random";
  /// Seed of the partitioners' random draws; fixed in tests.
  uint64_t seed = 0;
  /// `sticky.partitioning.linger.ms` for the librdkafka partitioners.
  std::chrono::milliseconds sticky_linger{10};
  /// `batch.size`, the KIP-794 byte budget per sticky partition (Java default 16384).
  size_t batch_size = 16384;
  /// `partitioner.ignore.keys` for uniform_sticky.
  bool ignore_keys = false;
  /// A user-supplied partitioner; when set, it is used and `name` is not consulted.
  PartitionFunction user;
};

/// The names make_partitioner accepts, in the order its error message lists them.
std::span<const std::string_view> partitioner_names() noexcept;

/// The partitioner `config` asks for, or an invalid_argument error that names the
/// `partitioner` property, the rejected value and every accepted one.
Result<std::unique_ptr<Partitioner>> make_partitioner(const PartitionerConfig& config);

}  // namespace kafkit::client
