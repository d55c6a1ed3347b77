#pragma once
// RecordBatchBuilder: writes one RecordBatch v2, what a producer sends and a broker stores.
//
// Records are encoded straight into the batch buffer as they are appended (behind a 61-byte
// header left blank); finish() fills the header in place, so an uncompressed batch is
// written exactly once. With a codec the records section is compressed in one call at
// finish(). Sizes that the wire format cannot express (a record or batch over 2 GiB, more
// than INT32_MAX records, an offset delta out of range) are errors, not exceptions.
//
// Thread-safety: none; one builder belongs to one thread (the producer's accumulator).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/result.hpp"
#include "protocol/codec/compression.hpp"
#include "protocol/records/record_batch.hpp"
#include "protocol/records/record_view.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

struct BatchOptions {
  /// Producers write 0; a broker assigns the real offset on append (set_base_offset()).
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = no_partition_leader_epoch;
  CompressionCodec codec = CompressionCodec::none;
  CompressOptions compress;
  TimestampType timestamp_type = TimestampType::create_time;
  /// For LogAppendTime batches: the broker's append time, written as maxTimestamp (which
  /// then is every record's timestamp for readers).
  int64_t log_append_time = no_timestamp;
  /// Idempotence (KIP-98): the producer id, epoch and the sequence of the first record.
  int64_t producer_id = no_producer_id;
  int16_t producer_epoch = no_producer_epoch;
  int32_t base_sequence = no_sequence;
  bool transactional = false;
  /// Control batches hold transaction markers (see control_record.hpp).
  bool control = false;
  /// KIP-534: sets attribute bit 6 and writes the horizon as baseTimestamp.
  std::optional<int64_t> delete_horizon_ms;
  /// baseTimestamp; by default the first record's timestamp, as Java and librdkafka write.
  std::optional<int64_t> base_timestamp;
  /// lastOffsetDelta; by default the last record's offset delta (-1 for no records).
  /// Compaction keeps a batch's original value, which may be larger.
  std::optional<int32_t> last_offset_delta;

  /// Options that rebuild a decoded v2 batch with the same header fields.
  static BatchOptions from_header(const RecordBatchHeader& header);
};

class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(BatchOptions options = {});

  /// Appends a record at the next offset (base offset + record count so far).
  Result<void> append(std::optional<ByteView> key, std::optional<ByteView> value, int64_t timestamp,
                      std::span<const RecordHeader> headers = {});
  /// Appends a decoded record as it is: its offset (relative to this batch's base offset,
  /// which must be within an INT32 offset delta), timestamp, attributes, key, value and
  /// headers (copied as their wire bytes). Offsets are not required to increase: this is
  /// the faithful re-encoding path (compaction, re-compression, tests).
  Result<void> append(const RecordView& record);

  int32_t record_count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  /// Size of the batch so far if it were written uncompressed (header included): what a
  /// producer compares with batch.size.
  size_t size_in_bytes() const noexcept { return buffer_.size(); }
  /// Reserves room for `bytes` of batch (header included) to avoid regrowth.
  void reserve(size_t bytes) { buffer_.reserve(bytes); }

  /// The finished batch. The builder is then empty again, with the same options. A codec
  /// failure is returned as it is and also leaves the builder empty.
  Result<Bytes> finish();

  /// Bytes one record takes in a batch (length prefix included).
  static size_t record_size(int32_t offset_delta, int64_t timestamp_delta,
                            std::optional<ByteView> key, std::optional<ByteView> value,
                            std::span<const RecordHeader> headers) noexcept;

 private:
  struct Headers;
  Result<void> write(int32_t offset_delta, int64_t timestamp, int8_t attributes,
                     std::optional<ByteView> key, std::optional<ByteView> value,
                     const Headers& headers);
  void reset() noexcept;

  BatchOptions options_;
  Bytes buffer_;  // header placeholder + uncompressed records
  int32_t count_ = 0;
  int32_t last_offset_delta_ = -1;
  int64_t base_timestamp_ = no_timestamp;
  int64_t max_timestamp_ = no_timestamp;
  bool has_base_timestamp_ = false;
};

}  // namespace kafkit::protocol
