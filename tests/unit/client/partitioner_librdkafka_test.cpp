#include <doctest/doctest.h>

#include <set>
#include <string>

#include "client/partitioner/hash.hpp"
#include "client/partitioner/librdkafka_partitioner.hpp"

using namespace kafkit::client;
using kafkit::protocol::as_bytes;
using Kind = RdkafkaPartitionerKind;
using namespace std::chrono_literals;

namespace {
PartitionContext ctx_for(const Key& key, int32_t n = 17,
                         std::chrono::steady_clock::time_point now = {}) {
  PartitionContext ctx;
  ctx.topic = "t";
  ctx.key = key;
  ctx.partition_count = n;
  ctx.now = now;
  return ctx;
}
const Key null_key = std::nullopt;
const Key empty_key = kafkit::protocol::ByteView{};
}  // namespace

TEST_CASE("librdkafka keyed partitions follow the hash of each partitioner") {
  const Key k = as_bytes("some-key");
  const auto crc = crc32(as_bytes("some-key"));
  const auto mm = to_positive(murmur2(as_bytes("some-key")));
  const auto fnv = fnv1a(as_bytes("some-key"));
  CHECK(rdkafka_hash_partition(Kind::consistent, k, 17) == static_cast<int32_t>(crc % 17));
  CHECK(rdkafka_hash_partition(Kind::consistent_random, k, 17) == static_cast<int32_t>(crc % 17));
  CHECK(rdkafka_hash_partition(Kind::murmur2, k, 17) == mm % 17);
  CHECK(rdkafka_hash_partition(Kind::murmur2_random, k, 17) == mm % 17);
  CHECK(rdkafka_hash_partition(Kind::fnv1a, k, 17) == static_cast<int32_t>(fnv % 17));
  CHECK(rdkafka_hash_partition(Kind::fnv1a_random, k, 17) == static_cast<int32_t>(fnv % 17));
  CHECK_FALSE(rdkafka_hash_partition(Kind::random, k, 17));
}

TEST_CASE("librdkafka null and empty keys") {
  // Hashing partitioners hash a null key as no bytes; consistent_random treats empty as
  // null; the other _random ones hash an empty key.
  CHECK(rdkafka_hash_partition(Kind::consistent, null_key, 17) == 0);  // crc32("") = 0
  CHECK(rdkafka_hash_partition(Kind::consistent, empty_key, 17) == 0);
  CHECK(rdkafka_hash_partition(Kind::murmur2, null_key, 17) == 0x106e08d9 % 17);
  CHECK(rdkafka_hash_partition(Kind::fnv1a, null_key, 17) == 0x7ee3623b % 17);
  CHECK_FALSE(rdkafka_hash_partition(Kind::consistent_random, empty_key, 17));
  CHECK_FALSE(rdkafka_hash_partition(Kind::consistent_random, null_key, 17));
  CHECK(rdkafka_hash_partition(Kind::murmur2_random, empty_key, 17) == 0x106e08d9 % 17);
  CHECK_FALSE(rdkafka_hash_partition(Kind::murmur2_random, null_key, 17));
  CHECK(rdkafka_hash_partition(Kind::fnv1a_random, empty_key, 17) == 0x7ee3623b % 17);
  CHECK_FALSE(rdkafka_hash_partition(Kind::fnv1a_random, null_key, 17));
}

TEST_CASE("consistent, murmur2 and fnv1a never use the sticky partition") {
  for (Kind kind : {Kind::consistent, Kind::murmur2, Kind::fnv1a}) {
    LibrdkafkaPartitioner p(kind, PartitionRandom(1));
    const auto expected = rdkafka_hash_partition(kind, null_key, 17);
    for (int i = 0; i < 20; ++i) CHECK(p.partition(ctx_for(null_key)) == expected);
  }
}

TEST_CASE("sticky partition for null keys, re-drawn after sticky.partitioning.linger.ms") {
  for (Kind kind :
       {Kind::random, Kind::consistent_random, Kind::murmur2_random, Kind::fnv1a_random}) {
    LibrdkafkaPartitioner p(kind, PartitionRandom(42), 10ms);
    const std::chrono::steady_clock::time_point t0{};
    const int32_t first = p.partition(ctx_for(null_key, 17, t0));
    for (int i = 0; i < 9; ++i) CHECK(p.partition(ctx_for(null_key, 17, t0 + i * 1ms)) == first);
    // Over many linger periods, the sticky partition moves around.
    std::set<int32_t> seen;
    for (int i = 1; i <= 200; ++i) seen.insert(p.partition(ctx_for(null_key, 17, t0 + i * 10ms)));
    CHECK(seen.size() > 5);
  }
  // consistent_random's empty key is sticky too; murmur2_random's is hashed.
  LibrdkafkaPartitioner cr(Kind::consistent_random, PartitionRandom(3), 10ms);
  const int32_t s = cr.partition(ctx_for(null_key));
  CHECK(cr.partition(ctx_for(empty_key)) == s);
}

TEST_CASE("sticky.partitioning.linger.ms = 0: a random partition per null-key record") {
  LibrdkafkaPartitioner p(Kind::consistent_random, PartitionRandom(7), 0ms);
  std::set<int32_t> seen;
  for (int i = 0; i < 100; ++i) seen.insert(p.partition(ctx_for(null_key)));
  CHECK(seen.size() > 5);
}

TEST_CASE("random: a keyed record gets a random partition, deterministic by seed") {
  LibrdkafkaPartitioner a(Kind::random, PartitionRandom(9));
  LibrdkafkaPartitioner b(Kind::random, PartitionRandom(9));
  std::set<int32_t> seen;
  for (int i = 0; i < 100; ++i) {
    const int32_t pa = a.partition(ctx_for(as_bytes("k")));
    CHECK(pa == b.partition(ctx_for(as_bytes("k"))));
    CHECK(pa >= 0);
    CHECK(pa < 17);
    seen.insert(pa);
  }
  CHECK(seen.size() > 5);
}

TEST_CASE("a sticky partition that lost its leader is re-drawn at once") {
  LibrdkafkaPartitioner p(Kind::murmur2_random, PartitionRandom(5), 1000ms);
  PartitionContext ctx = ctx_for(null_key, 4);
  const int32_t first = p.partition(ctx);
  std::vector<int32_t> others;
  for (int32_t i = 0; i < 4; ++i) {
    if (i != first) others.push_back(i);
  }
  ctx.available = others;
  // librdkafka draws once more when a draw has no leader, so within a few records the
  // partition is an available one and then stays.
  int32_t now = -1;
  for (int i = 0; i < 20 && (now < 0 || now == first); ++i) now = p.partition(ctx);
  CHECK(now != first);
  CHECK(p.partition(ctx) == now);
}
