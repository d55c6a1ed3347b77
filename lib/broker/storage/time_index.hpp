#pragma once
// TimeIndex: a segment's sparse time index (.timeindex). Each entry is (timestamp INT64,
// relative offset INT32), big-endian, as Kafka writes them: "up to `offset`, no record of
// this segment has a timestamp above `timestamp`". Entries are only added when the
// segment's max timestamp so far grows, so timestamps (and offsets) increase strictly and a
// binary search finds where a ListOffsets-by-time scan may start.
//
// When a segment stops being active (roll, close) its max timestamp is appended once more
// regardless of the index interval, so the last entry is the segment's largest timestamp.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "broker/storage/index_file.hpp"
#include "common/result.hpp"

namespace kafkit::broker {

struct TimestampOffset {
  int64_t timestamp = 0;
  int64_t offset = 0;  // absolute offset
  bool operator==(const TimestampOffset&) const = default;
};

class TimeIndex {
 public:
  static constexpr size_t entry_size = 12;

  TimeIndex() = default;
  static Result<TimeIndex> open(const std::filesystem::path& path, int64_t base_offset);

  /// Reads the entries from the file; fails (leaving it empty) when the file is torn or
  /// timestamps/offsets do not increase.
  Result<void> load();

  /// The last entry whose timestamp is <= `timestamp`, if any.
  std::optional<TimestampOffset> lookup(int64_t timestamp) const noexcept;
  /// Appends (timestamp, offset) if `timestamp` is above the last entry's (and the offset is
  /// not below it); otherwise does nothing.
  Result<void> maybe_append(int64_t timestamp, int64_t offset);
  /// Drops entries whose offset is >= `next_offset` (after a log truncation).
  Result<void> truncate_to_offset(int64_t next_offset);
  Result<void> rewrite(const std::vector<TimestampOffset>& entries);

  bool is_full(int32_t max_index_bytes) const noexcept {
    return (entries_.size() + 1) * entry_size > static_cast<size_t>(max_index_bytes);
  }
  std::optional<TimestampOffset> last_entry() const noexcept {
    if (entries_.empty()) return std::nullopt;
    return entries_.back();
  }
  const std::vector<TimestampOffset>& entries() const noexcept { return entries_; }
  Result<void> sync() { return file_.sync(); }
  const std::filesystem::path& path() const noexcept { return file_.path(); }

 private:
  TimeIndex(IndexFile file, int64_t base) noexcept : file_(std::move(file)), base_(base) {}
  std::array<std::byte, entry_size> encode(const TimestampOffset& e) const noexcept;

  IndexFile file_;
  int64_t base_ = 0;
  std::vector<TimestampOffset> entries_;
};

}  // namespace kafkit::broker
