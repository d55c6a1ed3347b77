#pragma once
// PartitionLogImpl: the PartitionLog on segment files. Its work is split by concern:
//   partition_log.cpp      append, read, flush, close, roll
//   log_loader.cpp         open(): finding segments, recovery, checkpoints
//   log_retention.cpp      maintain(): segment.ms, retention, flush.ms; DeleteRecords
//   timestamp_lookup.cpp   ListOffsets by timestamp and max timestamp
// /// @thread the broker's loop thread owns the object and everything in it.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "broker/storage/partition_log.hpp"
#include "broker/storage/segment.hpp"

namespace kafkit::broker {

/// Files of a partition directory besides the segments.
namespace log_files {
/// Kafka's name for the marker a clean shutdown leaves; present = skip CRC recovery.
inline constexpr const char* clean_shutdown = ".kafka_cleanshutdown";
inline constexpr const char* log_start_offset = "log-start-offset";
inline constexpr const char* recovery_point = "recovery-point-offset";
}  // namespace log_files

/// Kafka's OFFSET_OUT_OF_RANGE.
inline constexpr int offset_out_of_range_error = 1;
/// Kafka's MESSAGE_TOO_LARGE: a batch above max.message.bytes.
inline constexpr int message_too_large_error = 10;
/// Kafka's RECORD_LIST_TOO_LARGE: a batch that cannot fit in a segment.
inline constexpr int record_list_too_large_error = 18;

class PartitionLogImpl final : public PartitionLog {
 public:
  PartitionLogImpl(std::filesystem::path dir, const LogConfig& config)
      : dir_(std::move(dir)), config_(config) {}

  /// Loads the directory (log_loader.cpp).
  Result<void> load(int64_t now_ms);

  Result<AppendResult> append(std::span<std::byte> batches, int32_t leader_epoch,
                              int64_t now_ms) override;
  Result<ReadResult> read(int64_t offset, size_t max_bytes, bool min_one_batch) override;
  Result<SliceResult> read_slice(int64_t offset, size_t max_bytes, bool min_one_batch) override;
  int64_t log_start_offset() const noexcept override { return log_start_; }
  int64_t log_end_offset() const noexcept override { return active().next_offset(); }
  int64_t size_bytes() const noexcept override;
  Result<std::optional<OffsetAndTimestamp>> offset_for_timestamp(int64_t timestamp) override;
  Result<std::optional<OffsetAndTimestamp>> max_timestamp_offset() override;
  Result<int64_t> delete_records_before(int64_t offset) override;
  Result<void> maintain(int64_t now_ms) override;
  Result<void> flush() override;
  void set_config(const LogConfig& config) override { config_ = config; }
  const LogConfig& config() const noexcept override { return config_; }
  Result<void> close() override;
  const std::vector<std::string>& recovery_notes() const noexcept override { return notes_; }

 private:
  using Segments = std::map<int64_t, std::unique_ptr<Segment>>;

  Segment& active() noexcept { return *segments_.rbegin()->second; }
  const Segment& active() const noexcept { return *segments_.rbegin()->second; }
  Result<void> check_open() const;
  std::string describe() const { return dir_.string(); }

  /// What read() and read_slice() return: bytes [start, end) of `segment` (null when
  /// nothing is to be read), the range check and batch selection shared by both.
  struct Located {
    const Segment* segment = nullptr;
    int64_t start = 0;
    int64_t end = 0;
  };
  Result<Located> locate(int64_t offset, size_t max_bytes, bool min_one_batch) const;

  /// Starts a new active segment at the log end (no-op when the active one is empty).
  Result<void> roll(int64_t now_ms);
  /// fsyncs every segment holding offsets at or above the recovery point, then moves it.
  Result<void> flush_segments();
  Result<void> persist_recovery_point();
  Result<void> persist_log_start();
  /// Deletes the oldest segment (never the active one), advancing the log start past it.
  Result<void> delete_oldest_segment();
  /// Deletes non-active segments whose offsets are all below the log start.
  Result<void> delete_segments_below_log_start();

  /// The first record at or after the log start in `segment` with timestamp >= `timestamp`.
  Result<std::optional<OffsetAndTimestamp>> search_segment(const Segment& segment,
                                                           int64_t timestamp) const;

  std::filesystem::path dir_;
  LogConfig config_;
  Segments segments_;  // by base offset; the last one is active; never empty once loaded
  int64_t log_start_ = 0;
  /// Offsets below this are fsynced (Kafka's recovery point).
  int64_t recovery_point_ = 0;
  int64_t persisted_recovery_point_ = -1;
  /// When data above the recovery point was first appended (flush.ms measures from it).
  int64_t first_unflushed_ms_ = 0;
  bool closed_ = false;
  std::vector<std::string> notes_;
};

}  // namespace kafkit::broker
