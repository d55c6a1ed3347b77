#include "client/partitioner/partitioner_factory.hpp"

#include <array>

#include "client/partitioner/librdkafka_partitioner.hpp"
#include "client/partitioner/sticky_partitioners.hpp"

namespace kafkit::client {

namespace {
constexpr std::string_view java_round_robin =
    "org.apache.kafka.clients.producer.RoundRobinPartitioner";
constexpr std::string_view java_default =
    "org.apache.kafka.clients.producer.internals.DefaultPartitioner";

constexpr std::array<std::string_view, 12> names = {
    "random",         "consistent",     "consistent_random", "murmur2",
    "murmur2_random", "fnv1a",          "fnv1a_random",      "round_robin",
    "sticky",         "uniform_sticky", java_round_robin,    java_default,
};

struct RdkafkaName {
  std::string_view name;
  RdkafkaPartitionerKind kind;
};
constexpr std::array<RdkafkaName, 7> rdkafka_names = {{
    {"random", RdkafkaPartitionerKind::random},
    {"consistent", RdkafkaPartitionerKind::consistent},
    {"consistent_random", RdkafkaPartitionerKind::consistent_random},
    {"murmur2", RdkafkaPartitionerKind::murmur2},
    {"murmur2_random", RdkafkaPartitionerKind::murmur2_random},
    {"fnv1a", RdkafkaPartitionerKind::fnv1a},
    {"fnv1a_random", RdkafkaPartitionerKind::fnv1a_random},
}};
}  // namespace

std::span<const std::string_view> partitioner_names() noexcept {
  return names;
}

Result<std::unique_ptr<Partitioner>> make_partitioner(const PartitionerConfig& config) {
  using Ptr = std::unique_ptr<Partitioner>;
  if (config.user) return Ptr(std::make_unique<UserPartitioner>(config.user));
  const PartitionRandom random(config.seed);
  for (const auto& [name, kind] : rdkafka_names) {
    if (config.name == name) {
      return Ptr(std::make_unique<LibrdkafkaPartitioner>(kind, random, config.sticky_linger));
    }
  }
  if (config.name == "round_robin" || config.name == java_round_robin) {
    return Ptr(std::make_unique<RoundRobinPartitioner>());
  }
  if (config.name == "sticky" || config.name == java_default) {
    return Ptr(std::make_unique<StickyPartitioner>(random));
  }
  if (config.name == "uniform_sticky") {
    if (config.batch_size == 0) {
      return Error{errc::invalid_argument,
                   "batch.size: must be at least 1 for partitioner "
                   "uniform_sticky"};
    }
    return Ptr(
        std::make_unique<UniformStickyPartitioner>(random, config.batch_size, config.ignore_keys));
  }
  std::string message = "partitioner: unknown value \"" + config.name + "\"; accepted values: ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) message += ", ";
    message += names[i];
  }
  return Error{errc::invalid_argument, std::move(message)};
}

}  // namespace kafkit::client
