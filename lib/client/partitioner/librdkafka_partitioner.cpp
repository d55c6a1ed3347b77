#include "client/partitioner/librdkafka_partitioner.hpp"

#include "client/partitioner/hash.hpp"

namespace kafkit::client {

namespace {
using Kind = RdkafkaPartitionerKind;

// librdkafka hands a null key to the hash functions as (NULL, 0): the hash of no bytes.
protocol::ByteView bytes_of(const Key& key) noexcept {
  return key ? *key : protocol::ByteView{};
}
}  // namespace

std::optional<int32_t> rdkafka_hash_partition(Kind kind, const Key& key,
                                              int32_t partition_count) noexcept {
  const auto n = static_cast<uint32_t>(partition_count);
  switch (kind) {
    case Kind::random:
      return std::nullopt;
    case Kind::consistent_random:
      if (!key || key->empty()) return std::nullopt;  // tests keylen == 0, so null too
      [[fallthrough]];
    case Kind::consistent:
      return static_cast<int32_t>(crc32(bytes_of(key)) % n);
    case Kind::murmur2_random:
      if (!key) return std::nullopt;  // tests the pointer: an empty key is hashed
      [[fallthrough]];
    case Kind::murmur2:
      return to_positive(murmur2(bytes_of(key))) % partition_count;
    case Kind::fnv1a_random:
      if (!key) return std::nullopt;
      [[fallthrough]];
    case Kind::fnv1a:
      // rd_fnv1a returns uint32_t, so the modulo is unsigned (matters for 0x80000000).
      return static_cast<int32_t>(fnv1a(bytes_of(key)) % n);
  }
  return std::nullopt;
}

LibrdkafkaPartitioner::LibrdkafkaPartitioner(Kind kind, PartitionRandom random,
                                             std::chrono::milliseconds sticky_linger)
    : kind_(kind),
      random_(random),
      sticky_linger_(sticky_linger),
      // rdkafka_topic.c: the sticky partition is used only when the linger is positive and
      // the partitioner is not one of the three that map a null key by hashing it.
      no_sticky_(sticky_linger.count() <= 0 || kind == Kind::consistent || kind == Kind::murmur2 ||
                 kind == Kind::fnv1a) {}

int32_t LibrdkafkaPartitioner::random_partition(const PartitionContext& ctx) {
  // rd_kafka_msg_partitioner_random: one uniform draw over all partitions, and one more
  // (taken whatever it is) when the first has no leader.
  const auto n = static_cast<uint64_t>(ctx.partition_count);
  const auto p = static_cast<int32_t>(random_.below(n));
  if (ctx.is_available(p)) return p;
  return static_cast<int32_t>(random_.below(n));
}

int32_t LibrdkafkaPartitioner::sticky_partition(const PartitionContext& ctx) {
  auto it = sticky_.find(ctx.topic);
  if (it == sticky_.end()) it = sticky_.emplace(std::string(ctx.topic), Sticky{}).first;
  Sticky& s = it->second;
  // rd_kafka_msg_sticky_partition: re-draw when the sticky partition lost its leader or
  // sticky.partitioning.linger.ms has passed since the last draw.
  const bool expired = !s.drawn_at || ctx.now - *s.drawn_at >= sticky_linger_;
  if (expired || !ctx.is_available(s.partition) || s.partition >= ctx.partition_count) {
    s.partition = random_partition(ctx);
    s.drawn_at = ctx.now;
  }
  return s.partition;
}

int32_t LibrdkafkaPartitioner::partition(const PartitionContext& ctx) {
  // rd_kafka_msg_partition: null keys, and empty keys under consistent_random, take the
  // topic's sticky partition unless the partitioner is a "random_partitioner" one.
  const bool sticky_key = !ctx.key || (ctx.key->empty() && kind_ == Kind::consistent_random);
  if (!no_sticky_ && sticky_key) return sticky_partition(ctx);
  if (auto p = rdkafka_hash_partition(kind_, ctx.key, ctx.partition_count)) return *p;
  return random_partition(ctx);
}

}  // namespace kafkit::client
