#include "protocol/records/record_batch_builder.hpp"

#include <cstring>
#include <limits>
#include <string>

#include "protocol/records/batch_decoder.hpp"
#include "protocol/writer.hpp"

namespace kafkit::protocol {

namespace L = batch_layout;
using detail::wrapping_sub;

namespace {

// Unchecked encoders into a region already sized with varint_size()/varlong_size().
std::byte* put_uleb(std::byte* p, uint64_t v) noexcept {
  while (v >= 0x80) {
    *p++ = std::byte(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  *p++ = std::byte(static_cast<uint8_t>(v));
  return p;
}
std::byte* put_varint(std::byte* p, int32_t v) noexcept {
  return put_uleb(p, (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}
std::byte* put_varlong(std::byte* p, int64_t v) noexcept {
  return put_uleb(p, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
std::byte* put_raw(std::byte* p, ByteView b) noexcept {
  if (!b.empty()) std::memcpy(p, b.data(), b.size());
  return p + b.size();
}
std::byte* put_nullable(std::byte* p, std::optional<ByteView> b) noexcept {
  if (!b) return put_varint(p, -1);
  return put_raw(put_varint(p, static_cast<int32_t>(b->size())), *b);
}

constexpr uint64_t max_length = uint64_t(std::numeric_limits<int32_t>::max());

// Size of a nullable length-prefixed field, or more than max_length when it cannot be written.
uint64_t nullable_size(std::optional<ByteView> b) noexcept {
  if (!b) return 1;
  if (b->size() > max_length) return max_length + 1;
  return varint_size(static_cast<int32_t>(b->size())) + b->size();
}

uint64_t header_list_size(std::span<const RecordHeader> headers) noexcept {
  uint64_t n = 0;
  for (const RecordHeader& h : headers)
    n += nullable_size(as_bytes(h.key)) + nullable_size(h.value);
  return n;
}

Error too_big(const char* what) {
  return Error{errc::invalid_argument, std::string("record batch: ") + what +
                                           " does not fit the wire format's INT32 limits"};
}

}  // namespace

/// The two forms headers come in: a list (append) or wire bytes (re-encoding a RecordView).
struct RecordBatchBuilder::Headers {
  std::span<const RecordHeader> list;
  ByteView wire;
  int32_t count = 0;
  bool is_wire = false;
};

BatchOptions BatchOptions::from_header(const RecordBatchHeader& h) {
  BatchOptions o;
  o.base_offset = h.base_offset;
  o.partition_leader_epoch = h.partition_leader_epoch;
  o.codec = h.codec();
  o.timestamp_type = h.timestamp_type() == TimestampType::log_append_time
                         ? TimestampType::log_append_time
                         : TimestampType::create_time;
  if (o.timestamp_type == TimestampType::log_append_time) o.log_append_time = h.max_timestamp;
  o.producer_id = h.producer_id;
  o.producer_epoch = h.producer_epoch;
  o.base_sequence = h.base_sequence;
  o.transactional = h.is_transactional();
  o.control = h.is_control();
  if (h.has_delete_horizon())
    o.delete_horizon_ms = h.base_timestamp;
  else
    o.base_timestamp = h.base_timestamp;
  o.last_offset_delta = h.last_offset_delta;
  return o;
}

RecordBatchBuilder::RecordBatchBuilder(BatchOptions options) : options_(std::move(options)) {
  reset();
}

void RecordBatchBuilder::reset() noexcept {
  buffer_.resize(L::header_size);  // keeps the capacity for the next batch
  count_ = 0;
  last_offset_delta_ = -1;
  max_timestamp_ = no_timestamp;
  has_base_timestamp_ = options_.delete_horizon_ms || options_.base_timestamp;
  base_timestamp_ = options_.delete_horizon_ms ? *options_.delete_horizon_ms
                    : options_.base_timestamp  ? *options_.base_timestamp
                                               : no_timestamp;
}

size_t RecordBatchBuilder::record_size(int32_t offset_delta, int64_t timestamp_delta,
                                       std::optional<ByteView> key, std::optional<ByteView> value,
                                       std::span<const RecordHeader> headers) noexcept {
  uint64_t body = 1 + varlong_size(timestamp_delta) + varint_size(offset_delta) +
                  nullable_size(key) + nullable_size(value) +
                  varint_size(static_cast<int32_t>(headers.size())) + header_list_size(headers);
  return static_cast<size_t>(varint_size(static_cast<int32_t>(body)) + body);
}

Result<void> RecordBatchBuilder::append(std::optional<ByteView> key, std::optional<ByteView> value,
                                        int64_t timestamp, std::span<const RecordHeader> headers) {
  if (last_offset_delta_ == std::numeric_limits<int32_t>::max()) return too_big("the offset delta");
  if (headers.size() > max_length) return too_big("the header count");
  Headers h;
  h.list = headers;
  h.count = static_cast<int32_t>(headers.size());
  return write(last_offset_delta_ + 1, timestamp, 0, key, value, h);
}

Result<void> RecordBatchBuilder::append(const RecordView& record) {
  int64_t delta = wrapping_sub(record.offset, options_.base_offset);
  if (delta < std::numeric_limits<int32_t>::min() || delta > std::numeric_limits<int32_t>::max())
    return Error{errc::invalid_argument, "record batch: offset " + std::to_string(record.offset) +
                                             " is too far from the base offset " +
                                             std::to_string(options_.base_offset)};
  Headers h;
  h.wire = record.headers.bytes();
  h.count = static_cast<int32_t>(record.headers.size());
  h.is_wire = true;
  return write(static_cast<int32_t>(delta), record.timestamp, record.attributes, record.key,
               record.value, h);
}

Result<void> RecordBatchBuilder::write(int32_t offset_delta, int64_t timestamp, int8_t attributes,
                                       std::optional<ByteView> key, std::optional<ByteView> value,
                                       const Headers& headers) {
  if (count_ == std::numeric_limits<int32_t>::max()) return too_big("the record count");
  int64_t base = has_base_timestamp_ ? base_timestamp_ : timestamp;
  int64_t timestamp_delta = wrapping_sub(timestamp, base);

  uint64_t headers_size = headers.is_wire ? headers.wire.size() : header_list_size(headers.list);
  uint64_t body = 1 + varlong_size(timestamp_delta) + varint_size(offset_delta) +
                  nullable_size(key) + nullable_size(value) + varint_size(headers.count) +
                  headers_size;
  if (body > max_length) return too_big("the record");
  uint64_t total = varint_size(static_cast<int32_t>(body)) + body;
  if (buffer_.size() - L::log_overhead + total > max_length) return too_big("the batch");

  size_t at = buffer_.size();
  buffer_.resize(at + static_cast<size_t>(total));
  std::byte* p = buffer_.data() + at;
  p = put_varint(p, static_cast<int32_t>(body));
  *p++ = std::byte(static_cast<uint8_t>(attributes));
  p = put_varlong(p, timestamp_delta);
  p = put_varint(p, offset_delta);
  p = put_nullable(p, key);
  p = put_nullable(p, value);
  p = put_varint(p, headers.count);
  if (headers.is_wire) {
    put_raw(p, headers.wire);
  } else {
    for (const RecordHeader& h : headers.list) {
      p = put_nullable(p, as_bytes(h.key));
      p = put_nullable(p, h.value);
    }
  }

  if (!has_base_timestamp_) {
    base_timestamp_ = timestamp;
    has_base_timestamp_ = true;
  }
  if (count_ == 0 || timestamp > max_timestamp_) max_timestamp_ = timestamp;
  last_offset_delta_ = offset_delta;
  ++count_;
  return {};
}

Result<Bytes> RecordBatchBuilder::finish() {
  RecordBatchHeader h;
  h.base_offset = options_.base_offset;
  h.partition_leader_epoch = options_.partition_leader_epoch;
  h.magic = magic_v2;
  h.attributes =
      make_batch_attributes(options_.codec, options_.timestamp_type, options_.transactional,
                            options_.control, options_.delete_horizon_ms.has_value());
  h.last_offset_delta = options_.last_offset_delta.value_or(last_offset_delta_);
  h.base_timestamp = has_base_timestamp_ ? base_timestamp_ : no_timestamp;
  h.max_timestamp = options_.timestamp_type == TimestampType::log_append_time
                        ? options_.log_append_time
                        : max_timestamp_;
  h.producer_id = options_.producer_id;
  h.producer_epoch = options_.producer_epoch;
  h.base_sequence = options_.base_sequence;
  h.record_count = count_;

  Bytes out;
  if (options_.codec == CompressionCodec::none) {
    out = std::move(buffer_);
    buffer_ = Bytes();
  } else {
    out.reserve(L::header_size + (buffer_.size() - L::header_size) / 2);
    out.resize(L::header_size);
    auto compressed =
        compress(options_.codec, ByteView(buffer_).subspan(L::header_size), out, options_.compress);
    if (!compressed.ok()) {
      reset();
      return compressed.error();
    }
  }
  reset();
  if (out.size() - L::log_overhead > max_length) return too_big("the compressed batch");
  h.batch_length = static_cast<int32_t>(out.size() - L::log_overhead);
  write_batch_header(h, out);
  h.crc = compute_batch_crc(out);
  write_batch_header(h, out);
  return out;
}

}  // namespace kafkit::protocol
