// PartitionLogImpl: the periodic work (segment.ms, retention.ms, retention.bytes, flush.ms)
// and DeleteRecords. Both only ever remove whole segments, oldest first, never the active
// one, and move the log start offset — persisted before any file goes, so a crash between
// the two leaves a checkpoint that tells the next open() which files are garbage.
#include <algorithm>

#include "broker/storage/checkpoint_file.hpp"
#include "broker/storage/partition_log_impl.hpp"

namespace kafkit::broker {

Result<void> PartitionLogImpl::delete_oldest_segment() {
  if (segments_.size() < 2) return {};
  auto oldest = segments_.begin();
  const int64_t next_base = std::next(oldest)->first;
  if (next_base > log_start_) {
    log_start_ = next_base;
    if (auto r = persist_log_start(); !r) return r;
  }
  if (auto r = oldest->second->remove_files(); !r) return r;
  segments_.erase(oldest);
  return {};
}

Result<void> PartitionLogImpl::delete_segments_below_log_start() {
  // Kafka's deleteLogStartOffsetBreachedSegments: a segment goes when the next one starts
  // at or below the log start, i.e. none of its offsets can be read any more.
  while (segments_.size() > 1 && std::next(segments_.begin())->first <= log_start_)
    if (auto r = delete_oldest_segment(); !r) return r;
  return {};
}

Result<int64_t> PartitionLogImpl::delete_records_before(int64_t offset) {
  if (auto r = check_open(); !r) return r.error();
  if (offset < 0 || offset > log_end_offset())
    return Error{offset_out_of_range_error,
                 "cannot delete records before offset " + std::to_string(offset) + " of " +
                     describe() + ": the log ends at " + std::to_string(log_end_offset())};
  if (offset > log_start_) {
    log_start_ = offset;
    if (auto r = persist_log_start(); !r) return r.error();
    if (auto r = delete_segments_below_log_start(); !r) return r.error();
  }
  return log_start_;
}

Result<void> PartitionLogImpl::maintain(int64_t now_ms) {
  if (auto r = check_open(); !r) return r;

  // segment.ms: an idle active segment is rolled too, so time retention can reach its
  // data without waiting for the next append.
  if (!active().empty() && active().age_ms(now_ms, now_ms) > config_.segment_ms)
    if (auto r = roll(now_ms); !r) return r;

  // retention.ms (Kafka's deleteRetentionMsBreachedSegments): oldest first, stopping at
  // the first segment that is young enough.
  if (config_.retention_ms >= 0) {
    while (segments_.size() > 1 &&
           segments_.begin()->second->retention_timestamp() < now_ms - config_.retention_ms)
      if (auto r = delete_oldest_segment(); !r) return r;
  }

  // retention.bytes (deleteRetentionSizeBreachedSegments): delete a segment only if the
  // log stays at or above the limit without it.
  if (config_.retention_bytes >= 0) {
    int64_t excess = size_bytes() - config_.retention_bytes;
    while (segments_.size() > 1 && excess - segments_.begin()->second->size() >= 0) {
      excess -= segments_.begin()->second->size();
      if (auto r = delete_oldest_segment(); !r) return r;
    }
  }

  // flush.ms: unflushed data older than this is fsynced.
  if (log_end_offset() > recovery_point_ && now_ms - first_unflushed_ms_ >= config_.flush_ms)
    if (auto r = flush_segments(); !r) return r;
  // Kafka checkpoints the recovery point periodically; maintain() is our period.
  return persist_recovery_point();
}

}  // namespace kafkit::broker
