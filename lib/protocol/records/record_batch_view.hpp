#pragma once
// RecordBatchView: one decoded and validated batch of a RECORDS blob (a v2 batch, or one
// legacy magic 0/1 entry), with zero-copy iteration of its records.
//
// Decoding checks everything up front: framing, magic, CRC (unless the caller opts out),
// codec, decompression (capped), and every record (lengths inside the batch, varints in
// range, no negative lengths other than -1, no null header keys, exactly recordCount
// records and no trailing bytes). Iteration afterwards cannot fail and allocates nothing.
#include <cstddef>
#include <cstdint>
#include <iterator>

#include "common/result.hpp"
#include "protocol/codec/compression.hpp"
#include "protocol/records/record_batch.hpp"
#include "protocol/records/record_cursor.hpp"
#include "protocol/records/record_view.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

struct ReadOptions {
  /// Checks the CRC-32C of v2 batches (CRC-32 of legacy messages). A consumer that trusts
  /// its transport may turn this off for speed, like Java's `check.crcs=false`.
  bool verify_crc = true;
  /// Cap on the decompressed size of one batch; a batch that would inflate beyond it is an
  /// error, never an allocation.
  size_t max_decompressed_size = default_max_decompressed_size;
};

class RecordBatchView;

/// Input iteration over the records of a decoded batch, in wire order.
class RecordIterator {
 public:
  using value_type = RecordView;
  using difference_type = std::ptrdiff_t;
  using iterator_concept = std::input_iterator_tag;

  RecordIterator() = default;
  // By value (a few words, trivially copyable): a reference into the iterator would dangle
  // in `*batch.records().begin()`. `for (const RecordView& r : batch.records())` is free.
  RecordView operator*() const noexcept { return current_; }
  const RecordView* operator->() const noexcept { return &current_; }
  RecordIterator& operator++() noexcept {
    advance();
    return *this;
  }
  void operator++(int) noexcept { advance(); }
  bool operator==(std::default_sentinel_t) const noexcept { return left_ < 0; }

 private:
  friend class RecordRange;
  explicit RecordIterator(const RecordBatchView& batch) noexcept;
  void advance() noexcept;

  const RecordBatchView* batch_ = nullptr;
  detail::RecordCursor cursor_;
  int32_t left_ = -1;  // records not yet parsed; -1 once past the end
  RecordView current_;
};

class RecordRange {
 public:
  explicit RecordRange(const RecordBatchView& batch) noexcept : batch_(&batch) {}
  RecordIterator begin() const noexcept;
  std::default_sentinel_t end() const noexcept { return {}; }
  size_t size() const noexcept;

 private:
  const RecordBatchView* batch_;
};

class RecordBatchView {
 public:
  RecordBatchView() = default;
  // Not copyable: the record views may point into the owned decompression buffer. Moving
  // keeps that buffer's storage, so views stay valid across a move.
  RecordBatchView(const RecordBatchView&) = delete;
  RecordBatchView& operator=(const RecordBatchView&) = delete;
  RecordBatchView(RecordBatchView&&) noexcept = default;
  RecordBatchView& operator=(RecordBatchView&&) noexcept = default;

  const RecordBatchHeader& header() const noexcept { return header_; }
  /// The batch as it is in the input, log overhead included.
  ByteView bytes() const noexcept { return bytes_; }
  /// Where the batch starts in the RECORDS blob it was read from.
  size_t position() const noexcept { return position_; }
  bool is_legacy() const noexcept { return header_.magic < magic_v2; }
  /// The uncompressed record section: a view into bytes() or into the owned buffer.
  ByteView record_bytes() const noexcept { return records_; }
  /// The records; views into this object or the input bytes, valid while both live and
  /// until this object is decoded into again.
  RecordRange records() const noexcept { return RecordRange(*this); }

 private:
  friend class RecordIterator;
  friend struct BatchDecoder;  // record_batch_view.cpp, legacy_message_set.cpp
  friend size_t RecordRange::size() const noexcept;

  RecordBatchHeader header_;
  ByteView bytes_;
  ByteView records_;
  size_t position_ = 0;
  // Where records_ starts in the blob, or in the decompressed data, for error messages.
  size_t records_position_ = 0;
  Bytes decompressed_;
  // Legacy compressed entries: magic 1 inner offsets are relative to this base (the wrapper
  // offset minus the last inner offset); magic 0 inner offsets are absolute.
  int64_t legacy_offset_base_ = 0;
  bool legacy_relative_offsets_ = false;
  // Legacy magic 1 wrappers with LogAppendTime give every inner record their timestamp.
  bool legacy_wrapper_time_ = false;
  bool legacy_wrapper_ = false;
};

/// Decodes the one batch (or legacy entry) that fills `bytes` exactly into `out`, reusing
/// its decompression buffer. `position` is where `bytes` start in the enclosing blob, used
/// in error messages. Errors carry corrupt_message_error and say which batch (byte position
/// and base offset), which byte and what was wrong.
Result<void> decode_record_batch(ByteView bytes, RecordBatchView& out,
                                 const ReadOptions& options = {}, size_t position = 0);

}  // namespace kafkit::protocol
