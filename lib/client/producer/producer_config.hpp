#pragma once
// ProducerConfig: the producer's settings, parsed from kafkit::Config by their librdkafka
// and Java names (aliases map to one field). Defaults follow librdkafka where the two
// clients differ on batching (batch.size 1000000, linger.ms 5: throughput first) and the
// Java client on safety (enable.idempotence=true, acks=all, delivery.timeout.ms 120000).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "client/cluster/cluster_config.hpp"
#include "client/partitioner/partitioner_factory.hpp"
#include "common/result.hpp"
#include "kafkit/config.hpp"
#include "kafkit/producer.hpp"
#include "protocol/codec/compression.hpp"

namespace kafkit::client {

struct ProducerConfig {
  ClusterConfig cluster;
  /// acks: 0, 1 or -1 (all).
  int16_t acks = -1;
  std::chrono::milliseconds linger{5};
  /// batch.size: bytes of records per batch before it is sent without waiting for linger.
  std::size_t batch_size = 1000000;
  /// batch.num.messages.
  int32_t batch_num_messages = 10000;
  protocol::CompressionCodec codec = protocol::CompressionCodec::none;
  /// compression.level; -1 = the codec's default.
  int compression_level = -1;
  bool idempotence = true;
  /// enable.idempotence was given: a broker without InitProducerId is then an error, not a
  /// reason to produce without idempotence.
  bool idempotence_explicit = false;
  int max_in_flight = 5;
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds delivery_timeout{120000};
  int32_t retries = INT32_MAX;
  std::chrono::milliseconds retry_backoff{100};
  std::chrono::milliseconds retry_backoff_max{1000};
  std::size_t max_messages = 100000;
  std::size_t max_bytes = std::size_t{1048576} * 1024;
  std::chrono::milliseconds max_block{60000};
  /// message.max.bytes / max.request.size: the largest batch (and record) sent.
  std::size_t max_request_size = 1000000;
  PartitionerConfig partitioner;

  /// Throws nothing: an unknown property or a bad value is an invalid_argument Error that
  /// names it.
  static Result<ProducerConfig> parse(const Config& config);
};

/// Every property ProducerConfig::parse accepts.
std::span<const PropertyInfo> producer_properties() noexcept;

}  // namespace kafkit::client
