#pragma once
// ConsumerState: what the application thread and the I/O thread share about the assigned
// partitions, under one mutex. The application side moves positions (poll, seek), pauses
// and assigns; the fetcher resolves start offsets, fetches and queues FetchedChunks.
//
// A seek (or a new assignment) bumps the partition's seek_epoch: chunks and offset answers
// for an older epoch are dropped, so nothing fetched before a seek is ever returned after it.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "client/consumer/chunk_decoder.hpp"
#include "client/consumer/fetch_budget.hpp"
#include "kafkit/consumer.hpp"
#include "net/event_loop.hpp"

namespace kafkit::client {

struct PartitionState {
  /// -1 while the start offset is being resolved (`start` says how).
  std::int64_t position = -1;
  /// What position to resolve: offsets::stored / beginning / end, or a timestamp >= 0 is
  /// never used here (offsets_for_times() answers the application, which then seeks).
  std::int64_t start = offsets::stored;
  bool resolving = false;  // an OffsetFetch or ListOffsets for it is in flight
  /// The next offset to fetch (the fetcher's view; ahead of `position` when prefetched).
  std::int64_t fetch_offset = -1;
  bool fetching = false;  // a Fetch with this partition is in flight
  std::chrono::steady_clock::time_point retry_at{};
  bool paused = false;
  /// auto.offset.reset=none ran into OFFSET_OUT_OF_RANGE: nothing is fetched until a seek.
  bool stopped = false;
  std::uint64_t seek_epoch = 0;
  std::int32_t leader_epoch = -1;
  std::deque<std::shared_ptr<const FetchedChunk>> chunks;
  std::unique_ptr<ChunkDecoder> decoding;  // chunks.front(), partly handed out
  std::optional<std::int64_t> high_watermark;
  std::optional<std::int64_t> last_stable_offset;
  std::optional<std::int64_t> log_start_offset;
  bool eof_reported = false;
};

/// A completed asynchronous commit whose callback poll() must run.
struct CommitDone {
  Result<void> result;
  std::vector<TopicPartitionOffset> offsets;
  CommitCallback callback;  // empty: on_commit
};

struct ConsumerState {
  explicit ConsumerState(std::size_t budget_bytes) : budget(budget_bytes) {}

  std::mutex mutex;
  std::condition_variable changed;                      // chunks or events arrived
  std::map<TopicPartition, PartitionState> partitions;  /// guarded by mutex
  std::vector<ConsumerEvent> events;                    /// guarded by mutex
  std::vector<CommitDone> commits;                      /// guarded by mutex
  FetchBudget budget;

  /// Drops a partition's queued data (seek, unassign), giving its bytes back. Caller holds
  /// the mutex.
  void drop_fetched(PartitionState& p) {
    for (auto& c : p.chunks) budget.release(c->budget_bytes);
    p.chunks.clear();
    p.decoding.reset();
  }
  /// Caller holds the mutex.
  void post_error(Error e) {
    ConsumerEvent ev;
    ev.type = ConsumerEvent::Type::error;
    ev.error = std::move(e);
    events.push_back(std::move(ev));
    changed.notify_all();
  }
};

}  // namespace kafkit::client
