#pragma once
// Segment: one piece of a partition log — `<base offset, 20 digits>.log` holding whole
// record batches back to back, with its sparse `.index` and `.timeindex` (Kafka's layout,
// so an operator's tools and habits apply). The segment also keeps in memory what its
// files imply and appends need: its size, next offset, largest timestamp and the
// timestamp its roll age is measured from.
//
// Owned by the PartitionLog, which decides when to roll, retain and recover; the segment
// only knows how to append, look up and undo.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker/storage/batch_scanner.hpp"
#include "broker/storage/file_handle.hpp"
#include "broker/storage/offset_index.hpp"
#include "broker/storage/time_index.hpp"
#include "common/result.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

/// "00000000000000000042.log" for base 42 and extension ".log".
std::string segment_file_name(int64_t base_offset, const char* extension);
/// The base offset of a file named like segment_file_name(), if `name` has `extension`.
std::optional<int64_t> parse_segment_file_name(const std::string& name, const char* extension);

/// What the log learnt about a batch it is appending (after assigning its offsets).
struct AppendedBatch {
  int64_t last_offset = 0;
  int64_t max_timestamp = -1;
  int64_t size = 0;
};

/// The in-memory state of a segment, derived from its files (see log_recovery.hpp).
struct SegmentState {
  int64_t size = 0;
  int64_t next_offset = 0;  // one past the last offset in the segment (= base when empty)
  int64_t max_timestamp = -1;
  int64_t offset_of_max_timestamp = -1;  // last offset of the first batch holding it
  /// The first batch's max timestamp: segment.ms measures the segment's age from it
  /// (Kafka's rollingBasedTimestamp); -1 when the segment is empty.
  int64_t rolling_timestamp = -1;
  /// Log bytes appended since the last index entry (index.interval.bytes).
  int64_t bytes_since_index_entry = 0;
};

class Segment {
 public:
  /// Creates a new empty segment (truncating files of that name left from before).
  static Result<std::unique_ptr<Segment>> create(const std::filesystem::path& dir,
                                                 int64_t base_offset, int64_t now_ms);
  /// Opens an existing segment's files without reading them; recovery fills the state.
  static Result<std::unique_ptr<Segment>> open(const std::filesystem::path& dir,
                                               int64_t base_offset, int64_t now_ms);

  int64_t base_offset() const noexcept { return base_; }
  const SegmentState& state() const noexcept { return state_; }
  void set_state(const SegmentState& state) noexcept { state_ = state; }
  int64_t size() const noexcept { return state_.size; }
  int64_t next_offset() const noexcept { return state_.next_offset; }
  bool empty() const noexcept { return state_.size == 0; }
  int64_t created_ms() const noexcept { return created_ms_; }

  /// Milliseconds the segment has been open for writes by segment.ms's measure: from the
  /// first batch's max timestamp to `reference_ms` (the new batches' max timestamp, as
  /// Kafka's timeWaitedForRoll does), or from creation to `now_ms` while empty or when
  /// batches carry no timestamp.
  int64_t age_ms(int64_t reference_ms, int64_t now_ms) const noexcept;
  /// The largest timestamp for retention.ms: the max record timestamp, or the file's
  /// modification time when no record has one (Kafka's LogSegment.largestTimestamp).
  int64_t retention_timestamp() const;

  /// Writes `bytes` (whole batches, offsets assigned; `batches` describes them in order) at
  /// the end of the .log and adds index entries every `index_interval` bytes. On failure
  /// the files and the state are rolled back to what they were.
  Result<void> append(std::span<const std::byte> bytes, const std::vector<AppendedBatch>& batches,
                      int32_t index_interval);

  /// The batch holding `offset`, or the first batch after it; nullopt when none is at or
  /// after `offset` in this segment. Uses the offset index, then scans batch headers.
  Result<std::optional<BatchInfo>> find_batch(int64_t offset) const;
  /// Where a scan for `offset` may start: the offset index's entry at or before it.
  int64_t scan_start(int64_t offset) const noexcept;
  Result<protocol::Bytes> read(int64_t position, int64_t length) const;

  /// Truncates the .log to `position` and drops index entries beyond it; `state` is what
  /// the segment holds afterwards.
  Result<void> truncate_to(int64_t position, const SegmentState& state);
  /// A roll or close makes the segment inactive: its time index gets a last entry with
  /// the largest timestamp (Kafka's onBecomeInactiveSegment).
  Result<void> seal();
  /// fsyncs the .log and both indexes.
  Result<void> sync();
  /// Removes the three files.
  Result<void> remove_files();

  const FileHandle& log_file() const noexcept { return *log_; }
  /// The .log file, shared: a FileSlice keeps it open after the segment is gone.
  std::shared_ptr<const FileHandle> shared_log_file() const noexcept { return log_; }
  OffsetIndex& offset_index() noexcept { return offset_index_; }
  TimeIndex& time_index() noexcept { return time_index_; }
  const OffsetIndex& offset_index() const noexcept { return offset_index_; }
  const TimeIndex& time_index() const noexcept { return time_index_; }

 private:
  Segment() = default;
  static Result<std::unique_ptr<Segment>> open_files(const std::filesystem::path& dir,
                                                     int64_t base_offset, int64_t now_ms,
                                                     bool truncate);

  std::filesystem::path dir_;
  int64_t base_ = 0;
  int64_t created_ms_ = 0;
  std::shared_ptr<FileHandle> log_;  // never null; shared with FileSlices
  OffsetIndex offset_index_;
  TimeIndex time_index_;
  SegmentState state_;
};

}  // namespace kafkit::broker
