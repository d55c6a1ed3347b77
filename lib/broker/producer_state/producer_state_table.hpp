#pragma once
// ProducerStateTable: one partition's idempotent-producer state, the broker half of KIP-98
// (Kafka's ProducerStateManager / ProducerAppendInfo). Per producer id it keeps the epoch
// and the metadata of the last 5 batches appended, which is what lets the broker
//   * drop a retried batch it already has (the producer's in-flight window is at most 5)
//     and answer it with the offset it got the first time,
//   * refuse a gap in the sequence (a lost batch) and a zombie with a stale epoch.
//
// Entries expire `producer.id.expiration.ms` after the newest batch timestamp they hold
// (as Kafka does: the record time, not the broker's arrival time). They are deliberately
// not removed when retention or DeleteRecords deletes the batches they came from (KIP-360:
// the state outlives its data, so a slow producer is not told UNKNOWN_PRODUCER_ID).
//
// Owned by the broker's loop thread with its partition; not thread-safe.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "broker/kafka_error.hpp"
#include "protocol/records/record_batch.hpp"

namespace kafkit::broker {

/// Where one appended batch of a producer landed.
struct ProducerBatch {
  int32_t first_seq = 0;
  int32_t last_seq = 0;
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  int64_t timestamp = -1;  // the batch's max timestamp (or its log append time)

  bool operator==(const ProducerBatch&) const = default;
};

struct ProducerEntry {
  int16_t epoch = -1;
  std::deque<ProducerBatch> batches;  // oldest first, at most ProducerStateTable::kBatchesKept
  int64_t last_timestamp = -1;

  bool operator==(const ProducerEntry&) const = default;
};

/// What the table says about an incoming idempotent batch.
struct SequenceVerdict {
  ErrorCode error = ErrorCode::None;
  std::string message;
  /// Set when the batch is a retry of one already in the log: answer with its offsets and
  /// do not append (error stays None).
  std::optional<ProducerBatch> duplicate;

  bool append() const noexcept { return error == ErrorCode::None && !duplicate; }
};

class ProducerStateTable {
 public:
  /// Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN: the producer's in-flight limit.
  static constexpr size_t kBatchesKept = 5;

  /// The sequence of the last record of a batch, wrapping after INT32_MAX to 0.
  static int32_t last_sequence(int32_t base_sequence, int32_t last_offset_delta) noexcept;

  /// Checks a batch with a producer id (>= 0) before it is appended.
  SequenceVerdict check(const protocol::RecordBatchHeader& batch) const;
  /// Records a batch that was appended at [first_offset, last_offset] (also used to
  /// replay the log after a restart, where no check is made).
  void record(const protocol::RecordBatchHeader& batch, int64_t first_offset, int64_t last_offset,
              int64_t timestamp);

  /// Drops producers whose newest batch is `expiration_ms` or more older than `now_ms`.
  /// Returns how many were dropped.
  size_t expire(int64_t now_ms, int64_t expiration_ms);

  const ProducerEntry* find(int64_t producer_id) const;
  const std::map<int64_t, ProducerEntry>& entries() const noexcept { return entries_; }
  /// Replaces one producer's entry (snapshot loading).
  void put(int64_t producer_id, ProducerEntry entry);
  void clear() { entries_.clear(); }

  /// Changed since the last mark_saved().
  bool dirty() const noexcept { return dirty_; }
  /// A snapshot is due when the table changed or the log grew since the last one: the
  /// log after the snapshot is what a restart must replay, idempotent batches or not.
  bool snapshot_due(int64_t log_end_offset) const noexcept {
    return dirty_ || saved_offset_ != log_end_offset;
  }
  /// The table as it is now is on disk as the state at `offset`.
  void mark_saved(int64_t offset) noexcept {
    dirty_ = false;
    saved_offset_ = offset;
  }

 private:
  std::map<int64_t, ProducerEntry> entries_;
  bool dirty_ = false;
  int64_t saved_offset_ = -1;  // none yet
};

}  // namespace kafkit::broker
