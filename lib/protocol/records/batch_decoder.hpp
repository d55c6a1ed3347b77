#pragma once
// Internal to the record layer: the decoding steps that record_batch_view.cpp (v2) and
// legacy_message_set.cpp (magic 0/1) share, and the one place that may fill a
// RecordBatchView.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "protocol/reader.hpp"
#include "protocol/records/record_batch_view.hpp"
#include "protocol/records/record_cursor.hpp"

namespace kafkit::protocol {

struct BatchDecoder {
  /// decode_record_batch(): dispatches on the magic byte.
  static Result<void> decode(ByteView bytes, RecordBatchView& out, const ReadOptions& options,
                             size_t position);
  static Result<void> decode_v2(ByteView bytes, RecordBatchView& out, const ReadOptions& options,
                                size_t position);
  static Result<void> decode_legacy(ByteView bytes, RecordBatchView& out,
                                    const ReadOptions& options, size_t position);
  /// Parses the next legacy record of `batch` (validated) into `out`.
  static void next_legacy(const RecordBatchView& batch, detail::RecordCursor& c,
                          RecordView& out) noexcept;
};

namespace detail {

/// One v2 record as on the wire.
struct V2Record {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<ByteView> key;
  std::optional<ByteView> value;
  int32_t header_count = 0;
  ByteView headers;  // the header entries after the count
};

/// Reads one v2 record, length prefix included, never past the record's own length. With
/// `check_headers` every header is validated; otherwise the header entries are taken as a
/// whole (they were validated when the batch was decoded). False on failure, which `r` holds.
bool read_v2_record(RecordCursor& r, V2Record& out, bool check_headers) noexcept;

/// "record batch at byte 120 (base offset 7): " or "legacy message (magic 1) at byte 0
/// (offset 3): ", then `what`, as a corrupt_message_error.
Error batch_error(const RecordBatchHeader& header, size_t position, const std::string& what);
/// `what` for a failed reader: "record 3: negative length at byte 95 reading Record.keyLength".
template <class R>
std::string reader_failure(const R& r, const char* what, int64_t index, bool decompressed) {
  return std::string(what) + " " + std::to_string(index) + ": " + r.reason() + " at byte " +
         std::to_string(r.error_offset()) + (decompressed ? " of the decompressed records" : "") +
         " reading " + r.field();
}

/// "0x3abf9785"
std::string hex32(uint32_t v);

/// Offsets and timestamps wrap like Java longs; deltas come from untrusted input.
inline int64_t wrapping_add(int64_t a, int64_t b) noexcept {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t wrapping_sub(int64_t a, int64_t b) noexcept {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

}  // namespace detail
}  // namespace kafkit::protocol
