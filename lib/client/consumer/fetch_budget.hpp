#pragma once
// FetchBudget: the one byte budget (queued.max.messages.kbytes) for everything a consumer
// has fetched ahead and not yet handed out, over all partitions together — so a consumer
// of 1,000 lagging partitions holds at most the budget, not 1,000 partitions' worth.
//
// The fetcher reserves a fetch's max.bytes before sending it (so fetches in flight to
// several leaders cannot together exceed the budget), settles the reservation to the bytes
// that came back, and poll() releases a response's bytes once its records were handed out
// (or dropped by a seek). Only a broker's "at least one batch" rule (KIP-74: a first batch
// larger than max.bytes is still returned) can exceed it, by at most one batch per leader.
//
// Threading: any thread (atomics).
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace kafkit::client {

class FetchBudget {
 public:
  explicit FetchBudget(std::size_t limit) : limit_(static_cast<std::int64_t>(limit)) {}

  /// Reserves up to `want` bytes; returns what was granted (0 when the budget is used up).
  std::size_t reserve(std::size_t want) {
    std::int64_t used = used_.load();
    for (;;) {
      std::int64_t free = limit_ - used;
      if (free <= 0) return 0;
      std::int64_t grant = std::min<std::int64_t>(free, static_cast<std::int64_t>(want));
      if (used_.compare_exchange_weak(used, used + grant)) return static_cast<std::size_t>(grant);
    }
  }
  /// A reservation of `reserved` bytes turned into `actual` bytes held (may be more: the
  /// KIP-74 first batch).
  void settle(std::size_t reserved, std::size_t actual) {
    used_.fetch_add(static_cast<std::int64_t>(actual) - static_cast<std::int64_t>(reserved));
  }
  /// Bytes held are no longer held. Returns true when this brought the budget back from
  /// exhausted (the fetcher should be woken).
  bool release(std::size_t bytes) {
    std::int64_t before = used_.fetch_sub(static_cast<std::int64_t>(bytes));
    return before >= limit_ && before - static_cast<std::int64_t>(bytes) < limit_;
  }
  std::size_t used() const { return static_cast<std::size_t>(std::max<std::int64_t>(used_, 0)); }
  std::size_t limit() const { return static_cast<std::size_t>(limit_); }

 private:
  const std::int64_t limit_;
  std::atomic<std::int64_t> used_{0};
};

}  // namespace kafkit::client
