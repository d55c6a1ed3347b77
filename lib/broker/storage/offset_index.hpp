#pragma once
// OffsetIndex: a segment's sparse offset index (.index). Each entry maps an offset to the
// byte position of the batch holding it: relative offset INT32 (offset - segment base) and
// file position INT32, big-endian, as Kafka writes them. An entry is added at most every
// index.interval.bytes of log, keyed by the batch's last offset (Kafka's LogSegment.append),
// so lookups land on a batch boundary at or before the wanted offset and a short scan of
// batch headers finishes the job.
//
// The entries are kept in memory (8 bytes each; at most segment.index.bytes) and mirrored
// to the file by appends.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "broker/storage/index_file.hpp"
#include "common/result.hpp"

namespace kafkit::broker {

struct OffsetPosition {
  int64_t offset = 0;    // absolute offset
  int64_t position = 0;  // byte position in the segment's .log
  bool operator==(const OffsetPosition&) const = default;
};

class OffsetIndex {
 public:
  static constexpr size_t entry_size = 8;

  OffsetIndex() = default;
  /// Opens (creating) the index file. Does not load it: see load().
  static Result<OffsetIndex> open(const std::filesystem::path& path, int64_t base_offset);

  /// Reads the entries from the file. Fails (leaving the index empty) when the file is torn
  /// or its entries do not increase strictly in offset and position; the caller rebuilds.
  Result<void> load();

  /// The last entry whose offset is <= `offset`, if any.
  std::optional<OffsetPosition> lookup(int64_t offset) const noexcept;
  /// Appends an entry; offsets and positions must increase (a non-increasing entry is
  /// ignored, as Kafka's index refuses it).
  Result<void> append(int64_t offset, int64_t position);
  /// Drops entries whose position is at or beyond `log_size` (after a log truncation).
  Result<void> truncate_to_position(int64_t log_size);
  /// Replaces all entries (index rebuild).
  Result<void> rewrite(const std::vector<OffsetPosition>& entries);

  bool is_full(int32_t max_index_bytes) const noexcept {
    return (entries_.size() + 1) * entry_size > static_cast<size_t>(max_index_bytes);
  }
  const std::vector<OffsetPosition>& entries() const noexcept { return entries_; }
  Result<void> sync() { return file_.sync(); }
  const std::filesystem::path& path() const noexcept { return file_.path(); }

 private:
  OffsetIndex(IndexFile file, int64_t base) noexcept : file_(std::move(file)), base_(base) {}
  std::array<std::byte, entry_size> encode(const OffsetPosition& e) const noexcept;

  IndexFile file_;
  int64_t base_ = 0;
  std::vector<OffsetPosition> entries_;
};

}  // namespace kafkit::broker
