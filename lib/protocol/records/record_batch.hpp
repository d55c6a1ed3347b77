#pragma once
// RecordBatch v2 (magic 2): the fixed 61-byte header, its attribute bits and the layout
// constants shared by the batch reader and builder. Layout: protocol-facts §3.1
// (DefaultRecordBatch); legacy magic 0/1 entries reuse this struct with synthesized fields.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/result.hpp"
#include "protocol/codec/compression.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

/// Kafka's CORRUPT_MESSAGE (2): what a broker answers for a batch that fails its CRC or
/// structure checks and what a consumer reports, so every record-layer decoding error
/// carries it (the message says which batch, which byte and what was wrong).
inline constexpr int corrupt_message_error = 2;

namespace batch_layout {
// Field offsets inside a v2 batch. The first 17 bytes (offset, length, leader epoch or
// legacy crc, magic) are common ground with magic 0/1, which is why the magic byte is
// read before anything else is interpreted.
inline constexpr size_t base_offset = 0;
inline constexpr size_t batch_length = 8;
inline constexpr size_t partition_leader_epoch = 12;
inline constexpr size_t magic = 16;
inline constexpr size_t crc = 17;
inline constexpr size_t attributes = 21;
inline constexpr size_t last_offset_delta = 23;
inline constexpr size_t base_timestamp = 27;
inline constexpr size_t max_timestamp = 35;
inline constexpr size_t producer_id = 43;
inline constexpr size_t producer_epoch = 51;
inline constexpr size_t base_sequence = 53;
inline constexpr size_t record_count = 57;
inline constexpr size_t records = 61;

/// Offset + length: the bytes in front of what batchLength counts.
inline constexpr size_t log_overhead = 12;
/// Bytes needed to see the magic byte.
inline constexpr size_t header_size_up_to_magic = 17;
/// A v2 batch with no records; batchLength is at least this minus the log overhead (49).
inline constexpr size_t header_size = 61;
inline constexpr int32_t min_batch_length = int32_t(header_size - log_overhead);
}  // namespace batch_layout

inline constexpr int8_t magic_v0 = 0;
inline constexpr int8_t magic_v1 = 1;
inline constexpr int8_t magic_v2 = 2;

/// Sentinels of the wire format: no producer id/epoch/sequence, no timestamp, no epoch.
inline constexpr int64_t no_producer_id = -1;
inline constexpr int16_t no_producer_epoch = -1;
inline constexpr int32_t no_sequence = -1;
inline constexpr int64_t no_timestamp = -1;
inline constexpr int32_t no_partition_leader_epoch = -1;

namespace batch_attr {
inline constexpr int16_t codec_mask = 0x07;          // bits 0-2
inline constexpr int16_t log_append_time = 0x08;     // bit 3: timestamp type
inline constexpr int16_t transactional = 0x10;       // bit 4
inline constexpr int16_t control = 0x20;             // bit 5
inline constexpr int16_t has_delete_horizon = 0x40;  // bit 6 (KIP-534)
}  // namespace batch_attr

/// Which clock a record timestamp comes from. `none` is magic 0, which has no timestamps.
enum class TimestampType : int8_t { none = -1, create_time = 0, log_append_time = 1 };

/// The header of one batch, field for field as on the wire. For a legacy (magic 0/1) entry
/// the reader fills it from the message: attributes keep the codec and timestamp-type bits
/// (same positions as v2), the producer fields are the "none" sentinels, and offsets,
/// timestamps and the record count describe the records the entry holds.
struct RecordBatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = no_partition_leader_epoch;
  int8_t magic = magic_v2;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = -1;
  int64_t base_timestamp = no_timestamp;
  int64_t max_timestamp = no_timestamp;
  int64_t producer_id = no_producer_id;
  int16_t producer_epoch = no_producer_epoch;
  int32_t base_sequence = no_sequence;
  int32_t record_count = 0;

  /// The codec bits; values 5-7 are rejected when a batch is decoded.
  CompressionCodec codec() const noexcept {
    return static_cast<CompressionCodec>(attributes & batch_attr::codec_mask);
  }
  TimestampType timestamp_type() const noexcept {
    if (magic == magic_v0) return TimestampType::none;
    return (attributes & batch_attr::log_append_time) != 0 ? TimestampType::log_append_time
                                                           : TimestampType::create_time;
  }
  bool is_transactional() const noexcept { return (attributes & batch_attr::transactional) != 0; }
  bool is_control() const noexcept { return (attributes & batch_attr::control) != 0; }
  bool has_delete_horizon() const noexcept {
    return (attributes & batch_attr::has_delete_horizon) != 0;
  }
  /// KIP-534: with bit 6 set, baseTimestamp holds the delete horizon, not a record time.
  std::optional<int64_t> delete_horizon_ms() const noexcept {
    if (!has_delete_horizon()) return std::nullopt;
    return base_timestamp;
  }
  /// Offsets wrap like Java's long arithmetic: a hostile header cannot cause overflow UB.
  int64_t last_offset() const noexcept {
    return static_cast<int64_t>(static_cast<uint64_t>(base_offset) +
                                static_cast<uint64_t>(int64_t(last_offset_delta)));
  }
  int64_t next_offset() const noexcept {
    return static_cast<int64_t>(static_cast<uint64_t>(last_offset()) + 1);
  }
  /// Bytes the batch occupies in a RECORDS blob, log overhead included.
  size_t size_in_bytes() const noexcept {
    return batch_layout::log_overhead + static_cast<size_t>(batch_length < 0 ? 0 : batch_length);
  }

  bool operator==(const RecordBatchHeader&) const = default;
};

/// Attributes for a v2 batch.
int16_t make_batch_attributes(CompressionCodec codec, TimestampType timestamp_type,
                              bool transactional, bool control, bool has_delete_horizon) noexcept;

/// Reads the 61 header bytes of a v2 batch. Fails when fewer bytes are given or the magic
/// byte is not 2; checks nothing else (decode_record_batch() does the full validation).
Result<RecordBatchHeader> parse_batch_header(ByteView batch);

/// Writes the 61 header bytes of `header` to `out` (which must hold at least 61 bytes).
/// The CRC is written as given; see compute_batch_crc().
void write_batch_header(const RecordBatchHeader& header, std::span<std::byte> out) noexcept;

/// CRC-32C over attributes..end, which is what the crc field must hold. `batch` is the
/// whole batch (at least 61 bytes).
uint32_t compute_batch_crc(ByteView batch) noexcept;

/// In-place rewrites a broker makes when appending a batch to its log. Neither field is
/// covered by the CRC (it starts at the attributes), so the CRC stays valid. `batch` must
/// hold at least the 17 bytes up to the magic.
void set_base_offset(std::span<std::byte> batch, int64_t base_offset) noexcept;
void set_partition_leader_epoch(std::span<std::byte> batch, int32_t epoch) noexcept;
/// Stamps a finished batch with its idempotent producer's id, epoch and first sequence
/// (assigned when the producer first sends it, KIP-98) and rewrites the CRC they are
/// covered by. `batch` is the whole batch.
void set_producer_state(std::span<std::byte> batch, int64_t producer_id, int16_t producer_epoch,
                        int32_t base_sequence) noexcept;

}  // namespace kafkit::protocol
