#include "client/partitioner/sticky_partitioners.hpp"

#include <algorithm>

#include "client/partitioner/hash.hpp"

namespace kafkit::client {

namespace {
template <class Map>
auto& topic_entry(Map& map, std::string_view topic) {
  auto it = map.find(topic);
  if (it == map.end()) it = map.emplace(std::string(topic), typename Map::mapped_type{}).first;
  return it->second;
}
}  // namespace

int32_t RoundRobinPartitioner::partition(const PartitionContext& ctx) {
  // Java: toPositive(counter.getAndIncrement()) % size, over the available partitions.
  const uint32_t value = topic_entry(next_, ctx.topic)++ & 0x7fffffffu;
  if (!ctx.available.empty()) return ctx.available[value % ctx.available.size()];
  return static_cast<int32_t>(value % static_cast<uint32_t>(ctx.partition_count));
}

int32_t StickyPartitioner::next_partition(const PartitionContext& ctx, int32_t previous) {
  // StickyPartitionCache.nextPartition: a different partition than the one just left
  // whenever there is a choice.
  const size_t choices =
      ctx.available.empty() ? static_cast<size_t>(ctx.partition_count) : ctx.available.size();
  if (choices <= 1) return random_available_partition(ctx, random_);
  for (;;) {
    const int32_t p = random_available_partition(ctx, random_);
    if (p != previous) return p;
  }
}

int32_t StickyPartitioner::partition(const PartitionContext& ctx) {
  if (ctx.key) return java_key_partition(*ctx.key, ctx.partition_count);
  Topic& t = topic_entry(topics_, ctx.topic);
  if (t.partition < 0 || t.switch_pending || t.partition >= ctx.partition_count) {
    t.partition = next_partition(ctx, t.partition);
    t.switch_pending = false;
  }
  return t.partition;
}

void StickyPartitioner::on_new_batch(std::string_view topic, int32_t partition) {
  // Java switches only when the closed batch belongs to the current sticky partition:
  // a keyed record's new batch elsewhere does not move the null-key traffic.
  auto it = topics_.find(topic);
  if (it != topics_.end() && it->second.partition == partition) it->second.switch_pending = true;
}

int32_t UniformStickyPartitioner::next_partition(const PartitionContext& ctx, const Topic& t) {
  // BuiltInPartitioner.nextPartition: with queue sizes, weight each available partition by
  // (max queue + 1 - its queue), so an idle partition is the likeliest and the busiest
  // still possible; otherwise uniform over the available partitions.
  if (t.queued.empty()) return random_available_partition(ctx, random_);
  std::vector<int32_t> candidates;
  if (ctx.available.empty()) {
    for (int32_t p = 0; p < ctx.partition_count; ++p) candidates.push_back(p);
  } else {
    candidates.assign(ctx.available.begin(), ctx.available.end());
  }
  auto queued = [&](int32_t p) {
    return static_cast<size_t>(p) < t.queued.size() ? t.queued[static_cast<size_t>(p)] : 0u;
  };
  uint64_t max_queue = 0;
  for (int32_t p : candidates) max_queue = std::max<uint64_t>(max_queue, queued(p));
  std::vector<uint64_t> cumulative;
  uint64_t total = 0;
  for (int32_t p : candidates) {
    total += max_queue + 1 - queued(p);
    cumulative.push_back(total);
  }
  const uint64_t pick = random_.below(total);
  const auto at = std::upper_bound(cumulative.begin(), cumulative.end(), pick);
  return candidates[static_cast<size_t>(at - cumulative.begin())];
}

int32_t UniformStickyPartitioner::partition(const PartitionContext& ctx) {
  if (ctx.key && !ignore_keys_) return java_key_partition(*ctx.key, ctx.partition_count);
  Topic& t = topic_entry(topics_, ctx.topic);
  if (t.partition < 0 || t.switch_due || t.partition >= ctx.partition_count ||
      !ctx.is_available(t.partition)) {
    t.partition = next_partition(ctx, t);
    t.produced = 0;
    t.switch_due = false;
  }
  return t.partition;
}

void UniformStickyPartitioner::on_append(std::string_view topic, int32_t partition, size_t bytes,
                                         bool batch_closed) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || it->second.partition != partition) return;  // keyed traffic
  Topic& t = it->second;
  t.produced += bytes;
  // BuiltInPartitioner.updatePartitionInfo: switch at a batch boundary once batch.size
  // bytes were produced, or unconditionally at twice that (so huge batches still rotate).
  if ((t.produced >= batch_size_ && batch_closed) || t.produced >= 2 * batch_size_) {
    t.switch_due = true;
  }
}

void UniformStickyPartitioner::on_queue_sizes(std::string_view topic,
                                              std::span<const uint32_t> queued) {
  topic_entry(topics_, topic).queued.assign(queued.begin(), queued.end());
}

}  // namespace kafkit::client
