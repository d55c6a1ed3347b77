#include <doctest/doctest.h>

#include <map>
#include <set>
#include <vector>

#include "client/partitioner/hash.hpp"
#include "client/partitioner/partitioner.hpp"
#include "client/partitioner/sticky_partitioners.hpp"

using namespace kafkit::client;
using kafkit::protocol::as_bytes;

namespace {
PartitionContext ctx_for(std::string_view topic, const Key& key, int32_t n,
                         std::span<const int32_t> available = {}) {
  PartitionContext ctx;
  ctx.topic = topic;
  ctx.key = key;
  ctx.partition_count = n;
  ctx.available = available;
  return ctx;
}
const Key null_key = std::nullopt;
}  // namespace

TEST_CASE("explicit partition wins") {
  RoundRobinPartitioner rr;
  CHECK(choose_partition(3, rr, ctx_for("t", null_key, 8)) == 3);
  // The partitioner was not consulted: its counter still starts at 0.
  CHECK(choose_partition(std::nullopt, rr, ctx_for("t", null_key, 8)) == 0);
}

TEST_CASE("round robin walks the partitions per topic, ignoring keys") {
  RoundRobinPartitioner rr;
  for (int i = 0; i < 10; ++i) CHECK(rr.partition(ctx_for("a", as_bytes("k"), 4)) == i % 4);
  CHECK(rr.partition(ctx_for("b", null_key, 4)) == 0);  // own counter per topic
  const int32_t avail[] = {1, 3, 6};
  RoundRobinPartitioner rr2;
  std::vector<int32_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(rr2.partition(ctx_for("a", null_key, 8, avail)));
  CHECK(got == std::vector<int32_t>{1, 3, 6, 1, 3, 6});
}

TEST_CASE("KIP-480 sticky: stays until the batch closes, then moves to another partition") {
  StickyPartitioner p(PartitionRandom(11));
  const int32_t first = p.partition(ctx_for("t", null_key, 6));
  for (int i = 0; i < 50; ++i) CHECK(p.partition(ctx_for("t", null_key, 6)) == first);
  // Keyed records use Java's murmur2 and do not disturb the sticky partition.
  CHECK(p.partition(ctx_for("t", as_bytes("foobar"), 6)) ==
        java_key_partition(as_bytes("foobar"), 6));
  // A new batch on another partition does not move it.
  p.on_new_batch("t", (first + 1) % 6);
  CHECK(p.partition(ctx_for("t", null_key, 6)) == first);
  // A new batch on the sticky partition does, and to a different one.
  p.on_new_batch("t", first);
  const int32_t second = p.partition(ctx_for("t", null_key, 6));
  CHECK(second != first);
  CHECK(p.partition(ctx_for("t", null_key, 6)) == second);
}

TEST_CASE("KIP-480 sticky picks only available partitions") {
  StickyPartitioner p(PartitionRandom(2));
  const int32_t avail[] = {2, 5};
  int32_t last = p.partition(ctx_for("t", null_key, 8, avail));
  for (int i = 0; i < 20; ++i) {
    CHECK((last == 2 || last == 5));
    p.on_new_batch("t", last);
    const int32_t next = p.partition(ctx_for("t", null_key, 8, avail));
    CHECK(next != last);
    last = next;
  }
}

TEST_CASE("KIP-794 uniform sticky: switches after batch.size bytes at a batch boundary") {
  UniformStickyPartitioner p(PartitionRandom(1), 1000);
  const int32_t first = p.partition(ctx_for("t", null_key, 8));
  // 900 bytes and a batch boundary: below batch.size, stays.
  p.on_append("t", first, 900, true);
  CHECK(p.partition(ctx_for("t", null_key, 8)) == first);
  // 1800 bytes, no boundary: stays (below 2 x batch.size).
  p.on_append("t", first, 900, false);
  CHECK(p.partition(ctx_for("t", null_key, 8)) == first);
  // Bytes to other partitions (keyed traffic) do not count.
  p.on_append("t", (first + 1) % 8, 5000, true);
  CHECK(p.partition(ctx_for("t", null_key, 8)) == first);
  // At a boundary with >= batch.size: a new choice is made (produced bytes reset).
  p.on_append("t", first, 100, true);
  const int32_t second = p.partition(ctx_for("t", null_key, 8));
  p.on_append("t", second, 10, true);
  CHECK(p.partition(ctx_for("t", null_key, 8)) == second);
}

TEST_CASE("KIP-794 uniform sticky: forced switch at 2 x batch.size without a boundary") {
  UniformStickyPartitioner p(PartitionRandom(4), 100);
  std::map<int32_t, int> counts;
  for (int i = 0; i < 4000; ++i) {
    const int32_t part = p.partition(ctx_for("t", null_key, 4));
    ++counts[part];
    p.on_append("t", part, 50, false);  // never a boundary: every 4th record forces it
  }
  // Uniform over 4 partitions in the long run (each draw is uniform).
  CHECK(counts.size() == 4);
  for (const auto& [part, n] : counts) CHECK(n > 600);
}

TEST_CASE("KIP-794 uniform sticky: keys hash with murmur2 unless ignore_keys") {
  UniformStickyPartitioner keyed(PartitionRandom(1), 100);
  CHECK(keyed.partition(ctx_for("t", as_bytes("foobar"), 10)) == 6);
  UniformStickyPartitioner ignoring(PartitionRandom(1), 100, true);
  const int32_t s = ignoring.partition(ctx_for("t", null_key, 10));
  CHECK(ignoring.partition(ctx_for("t", as_bytes("foobar"), 10)) == s);
}

TEST_CASE("KIP-794 adaptive: the next partition avoids busy ones") {
  UniformStickyPartitioner p(PartitionRandom(8), 10);
  const uint32_t queued[] = {100, 100, 100, 0};  // partition 3 is idle
  p.on_queue_sizes("t", queued);
  std::map<int32_t, int> counts;
  for (int i = 0; i < 1000; ++i) {
    const int32_t part = p.partition(ctx_for("t", null_key, 4));
    ++counts[part];
    p.on_append("t", part, 10, true);
  }
  // Weights are max + 1 - queue: 1, 1, 1, 101.
  CHECK(counts[3] > 900);
}

TEST_CASE("KIP-794: an unavailable sticky partition is replaced at once") {
  UniformStickyPartitioner p(PartitionRandom(3), 1 << 20);
  const int32_t first = p.partition(ctx_for("t", null_key, 3));
  std::vector<int32_t> rest;
  for (int32_t i = 0; i < 3; ++i) {
    if (i != first) rest.push_back(i);
  }
  const int32_t now = p.partition(ctx_for("t", null_key, 3, rest));
  CHECK(now != first);
}

TEST_CASE("user-supplied partitioner") {
  UserPartitioner p([](const PartitionContext& ctx) {
    return ctx.key ? static_cast<int32_t>(ctx.key->size()) % ctx.partition_count : 0;
  });
  CHECK(p.partition(ctx_for("t", as_bytes("abcde"), 3)) == 2);
  CHECK(p.partition(ctx_for("t", null_key, 3)) == 0);
  CHECK(choose_partition(1, p, ctx_for("t", as_bytes("abcde"), 3)) == 1);
}
