#pragma once
// PartitionLog: one partition's append-only log on disk — a directory of segment files
// (<base offset, 20 digits>.log) each with a sparse offset index (.index) and time index
// (.timeindex), as Kafka lays them out. Owned by one thread (the broker's loop thread);
// not thread-safe.
//
// Appends take record batches the caller has already validated (framing, CRC, magic 2,
// sizes); the log assigns offsets, rewrites base offset / leader epoch in place (neither is
// covered by the CRC) and, for LogAppendTime topics, the max timestamp (recomputing the
// CRC). Reads return whole batches starting with the one that holds the requested offset,
// so a fetch from the middle of a batch gets that batch and the client skips ahead.
//
// Recovery: open() scans every segment after the last clean shutdown point (all of them if
// the shutdown was not clean), truncates at the first torn, short or CRC-failing batch and
// rebuilds the indexes of the segments it scanned. Data a flush policy promised durable is
// never lost; a torn tail never becomes visible.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker/storage/file_slice.hpp"
#include "broker/storage/log_config.hpp"
#include "common/result.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

struct AppendResult {
  int64_t base_offset = 0;       // offset given to the first record
  int64_t last_offset = 0;       // offset given to the last record
  int64_t log_append_time = -1;  // the broker time stamped on LogAppendTime topics, else -1
  int64_t log_start_offset = 0;
};

/// An offset and the timestamp of the record that holds it (ListOffsets answers).
struct OffsetAndTimestamp {
  int64_t offset = -1;
  int64_t timestamp = -1;
  int32_t leader_epoch = -1;
};

struct ReadResult {
  protocol::Bytes records;  // whole batches; empty when nothing is at or after `offset`
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
};

/// read_slice()'s answer: where the batches read() would return are, not their bytes.
struct SliceResult {
  FileSlice slice;  // whole batches of one segment; empty when read() would return nothing
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
};

class PartitionLog {
 public:
  /// Opens (creating if needed) the log in `dir` and recovers it. `now_ms` is the wall
  /// clock used for segment ages.
  static Result<std::unique_ptr<PartitionLog>> open(const std::filesystem::path& dir,
                                                    const LogConfig& config, int64_t now_ms);
  virtual ~PartitionLog() = default;

  /// Appends `batches` (one or more whole v2 batches, validated by the caller; rewritten in
  /// place). Rolls the segment first when needed and fsyncs as flush.messages / flush.ms
  /// require. On an I/O error nothing is appended (the tail is truncated back).
  virtual Result<AppendResult> append(std::span<std::byte> batches, int32_t leader_epoch,
                                      int64_t now_ms) = 0;

  /// Up to `max_bytes` of whole batches from the one holding `offset`; if `min_one_batch`,
  /// the first batch is returned even when it is larger than `max_bytes`. An offset below
  /// the log start or above the log end is OFFSET_OUT_OF_RANGE (error code 1).
  virtual Result<ReadResult> read(int64_t offset, size_t max_bytes, bool min_one_batch) = 0;
  /// read() without the copy: the same batches, as a region of the segment file for the
  /// caller to send with sendfile(2). The slice keeps the file open (see file_slice.hpp).
  virtual Result<SliceResult> read_slice(int64_t offset, size_t max_bytes, bool min_one_batch) = 0;

  virtual int64_t log_start_offset() const noexcept = 0;
  /// The next offset to be assigned (the high watermark of this single-replica log).
  virtual int64_t log_end_offset() const noexcept = 0;
  /// Bytes of all segments' .log files (Kafka's Log.size, what retention.bytes limits;
  /// the index files are not counted).
  virtual int64_t size_bytes() const noexcept = 0;

  /// ListOffsets by time: the first offset whose record timestamp is >= `timestamp`
  /// (nullopt when none is).
  virtual Result<std::optional<OffsetAndTimestamp>> offset_for_timestamp(int64_t timestamp) = 0;
  /// ListOffsets -3 (KIP-734): the offset of the record with the largest timestamp
  /// (the first such record), nullopt for an empty log.
  virtual Result<std::optional<OffsetAndTimestamp>> max_timestamp_offset() = 0;

  /// DeleteRecords: moves the log start to `offset` (<= log end), deleting segments that
  /// end below it. Persisted so a restart keeps it.
  virtual Result<int64_t> delete_records_before(int64_t offset) = 0;

  /// Applies segment.ms rolling, retention.ms and retention.bytes (never deleting the
  /// active segment) and flush.ms; call periodically.
  virtual Result<void> maintain(int64_t now_ms) = 0;

  virtual Result<void> flush() = 0;
  virtual void set_config(const LogConfig& config) = 0;
  virtual const LogConfig& config() const noexcept = 0;

  /// Flushes and writes the clean-shutdown marker (so the next open skips recovery).
  virtual Result<void> close() = 0;

  /// What open() found and repaired (torn tails cut, segments dropped, indexes rebuilt),
  /// one line each naming the file and byte position, for the broker's log. Empty when the
  /// files were as expected.
  virtual const std::vector<std::string>& recovery_notes() const noexcept = 0;
};

}  // namespace kafkit::broker
