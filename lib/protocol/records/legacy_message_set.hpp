#pragma once
// Legacy message sets (magic 0 and 1), read-only: Kafka 4.0 no longer writes them, but old
// log segments are still served unchanged to Fetch v4+ clients, so a consumer must read
// them (protocol-facts §3.2). The RecordsReader presents each outer message as one
// RecordBatchView; this header has the layout and the single-message parser it uses.
//
//   MessageSet := repeated { offset INT64, messageSize INT32, message }
//   message v0 := crc UINT32, magic INT8 = 0, attributes INT8, key BYTES, value BYTES
//   message v1 := crc UINT32, magic INT8 = 1, attributes INT8, timestamp INT64, key, value
//
// The crc is CRC-32 (IEEE) over magic..end. A compressed message is a "wrapper" whose value
// is a compressed inner message set: magic 1 inner offsets are relative (the wrapper holds
// the absolute offset of the last inner message), magic 0 inner offsets are absolute.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "protocol/reader.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

namespace legacy_layout {
/// crc + magic + attributes + key length + value length.
inline constexpr int32_t min_message_size_v0 = 14;
/// v0 + the timestamp.
inline constexpr int32_t min_message_size_v1 = 22;
/// Attribute bits 0-2: codec (gzip 1, snappy 2, lz4 3; zstd is never valid here).
inline constexpr int8_t codec_mask = 0x07;
/// Attribute bit 3 (magic 1 only): timestamp type, 1 = LogAppendTime.
inline constexpr int8_t log_append_time = 0x08;
}  // namespace legacy_layout

/// One legacy message with its message-set framing, as views into the input.
struct LegacyMessage {
  int64_t offset = 0;
  int32_t size = 0;
  uint32_t crc = 0;
  int8_t magic = 0;
  int8_t attributes = 0;
  int64_t timestamp = -1;  // -1 for magic 0
  std::optional<ByteView> key;
  std::optional<ByteView> value;
  /// The bytes the CRC covers (magic..end).
  ByteView crc_covered;
};

/// Reads offset, size and one message from `r`, never past `size`. Checks the structure
/// (magic 0 or 1, the minimum size, key and value lengths inside the message, no bytes
/// after the value) but not the CRC. False on failure, which `r` then holds.
bool read_legacy_message(Reader& r, LegacyMessage& out) noexcept;

}  // namespace kafkit::protocol
