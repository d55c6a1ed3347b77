#pragma once
// BatchScanner: walks the batch headers of a segment's .log file from a byte position,
// reading through a buffer so that a scan over many small batches costs few syscalls.
// It checks framing only (length, magic 2, a plausible header); recovery adds the CRC.
//
// Everything the scan finds wrong is reported as a step (torn or invalid, with the file
// and byte position in the reason), never as a crash: segment files are untrusted input
// after a crash or a careless operator.
#include <cstddef>
#include <cstdint>
#include <string>

#include "broker/storage/file_handle.hpp"
#include "common/result.hpp"
#include "protocol/records/record_batch.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

/// One batch found in a .log file.
struct BatchInfo {
  int64_t position = 0;  // where the batch starts in the file
  protocol::RecordBatchHeader header;

  int64_t size() const noexcept { return static_cast<int64_t>(header.size_in_bytes()); }
  int64_t end() const noexcept { return position + size(); }
};

enum class ScanStatus : uint8_t {
  batch,    // `batch` holds the next batch
  end,      // clean end: no bytes left before the scan's end position
  torn,     // the bytes left are the beginning of a batch, cut short (an interrupted write)
  invalid,  // the bytes at the position are not a batch (bad length, magic or header)
};

struct ScanStep {
  ScanStatus status = ScanStatus::end;
  BatchInfo batch;
  std::string reason;  // for torn / invalid: file, byte position and what was wrong
};

class BatchScanner {
 public:
  /// Scans `file` from `start` up to (not including) `end`, normally the segment size.
  BatchScanner(const FileHandle& file, int64_t start, int64_t end) noexcept
      : file_(&file), pos_(start), end_(end) {}

  /// The next batch, or why there is none. Only I/O failures are errors. After a torn or
  /// invalid step the scanner stays where it is.
  Result<ScanStep> next();
  /// Where the next batch starts (after a torn/invalid step: where the bad bytes start).
  int64_t position() const noexcept { return pos_; }

 private:
  /// Makes sure buf_ holds `len` bytes from `pos` (the caller checked they exist).
  Result<void> fill(int64_t pos, size_t len);

  static constexpr size_t buffer_size = 64 * 1024;

  const FileHandle* file_;
  int64_t pos_;
  int64_t end_;
  protocol::Bytes buf_;
  int64_t buf_start_ = 0;
};

/// Reads `batch`'s bytes from `file`.
Result<protocol::Bytes> read_batch_bytes(const FileHandle& file, const BatchInfo& batch);

}  // namespace kafkit::broker
