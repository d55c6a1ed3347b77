#include "client/partitioner/partitioner.hpp"

#include <algorithm>

namespace kafkit::client {

bool PartitionContext::is_available(int32_t partition) const noexcept {
  if (available.empty()) return partition >= 0 && partition < partition_count;
  return std::binary_search(available.begin(), available.end(), partition);
}

int32_t random_available_partition(const PartitionContext& ctx, PartitionRandom& random) noexcept {
  if (!ctx.available.empty()) return ctx.available[random.below(ctx.available.size())];
  return static_cast<int32_t>(random.below(static_cast<uint64_t>(ctx.partition_count)));
}

}  // namespace kafkit::client
