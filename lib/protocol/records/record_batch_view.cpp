#include "protocol/records/record_batch_view.hpp"

#include <string>

#include "protocol/codec/crc32c.hpp"
#include "protocol/records/batch_decoder.hpp"
#include "protocol/records/byte_order.hpp"

namespace kafkit::protocol {

namespace L = batch_layout;
using detail::batch_error;
using detail::wrapping_add;

namespace detail {

namespace {
// A length prefix of a key, value or header value: -1 is null, other negatives are corrupt.
// Forced inline: it runs twice per record on the decode hot path.
[[gnu::always_inline]] inline std::optional<ByteView> read_nullable(
    RecordCursor& r, const char* length_field, const char* data_field) noexcept {
  int32_t n = r.varint(length_field);
  if (n < 0) {
    if (n != -1) r.fail("negative length other than -1", length_field);
    return std::nullopt;
  }
  return r.take(size_t(n), data_field);
}
}  // namespace

bool read_v2_record(RecordCursor& r, V2Record& out, bool check_headers) noexcept {
  int32_t length = r.varint("Record.length");
  if (!r.ok()) return false;
  if (length < 0) {
    r.fail("negative record length", "Record.length");
    return false;
  }
  size_t body_at = r.position();
  ByteView body = r.take(size_t(length), "Record.length");
  if (!r.ok()) return false;

  // Every field is read inside the record's own bytes, so a field that runs past the
  // record is caught even when the batch has more bytes after it.
  RecordCursor f(body, body_at);
  out.attributes = f.i8("Record.attributes");
  out.timestamp_delta = f.varlong("Record.timestampDelta");
  out.offset_delta = f.varint("Record.offsetDelta");
  out.key = read_nullable(f, "Record.keyLength", "Record.key");
  out.value = read_nullable(f, "Record.valueLength", "Record.value");
  out.header_count = f.varint("Record.headerCount");
  if (f.ok() && out.header_count < 0) f.fail("negative header count", "Record.headerCount");
  if (!f.ok()) {
    r.fail_from(f);
    return false;
  }
  size_t headers_at = body.size() - f.remaining();
  if (check_headers) {
    // Each header takes at least two bytes, so this loop ends within the record's bytes.
    for (int32_t i = 0; i < out.header_count && f.ok(); ++i) {
      int32_t key_length = f.varint("Header.keyLength");
      if (f.ok() && key_length < 0) {
        f.fail(key_length == -1 ? "null header key" : "negative length", "Header.keyLength");
        break;
      }
      f.take(size_t(key_length), "Header.key");
      read_nullable(f, "Header.valueLength", "Header.value");
    }
    if (f.ok() && !f.at_end()) f.fail("record length disagrees with its fields", "Record.length");
    if (!f.ok()) {
      r.fail_from(f);
      return false;
    }
  }
  out.headers = body.subspan(headers_at);
  return true;
}

Error batch_error(const RecordBatchHeader& header, size_t position, const std::string& what) {
  std::string where;
  if (header.magic >= magic_v2)
    where = "record batch at byte " + std::to_string(position) + " (base offset " +
            std::to_string(header.base_offset) + "): ";
  else
    where = "legacy message (magic " + std::to_string(header.magic) + ") at byte " +
            std::to_string(position) + " (offset " + std::to_string(header.base_offset) + "): ";
  return Error{corrupt_message_error, where + what};
}

std::string hex32(uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xf];
  return s;
}

}  // namespace detail

Result<void> BatchDecoder::decode_v2(ByteView bytes, RecordBatchView& out,
                                     const ReadOptions& options, size_t position) {
  out.position_ = position;
  out.bytes_ = bytes;
  out.records_ = {};
  out.legacy_wrapper_ = false;
  auto header = parse_batch_header(bytes);
  if (!header.ok()) {
    out.header_ = RecordBatchHeader{};
    if (bytes.size() >= L::log_overhead)
      out.header_.base_offset = detail::load_be<int64_t>(bytes.data());
    return batch_error(out.header_, position, header.error().message);
  }
  RecordBatchHeader& h = out.header_ = *header;

  if (h.batch_length < L::min_batch_length)
    return batch_error(h, position,
                       "batchLength " + std::to_string(h.batch_length) + " is below the minimum " +
                           std::to_string(L::min_batch_length));
  if (h.size_in_bytes() != bytes.size())
    return batch_error(h, position,
                       "batchLength " + std::to_string(h.batch_length) + " says " +
                           std::to_string(h.size_in_bytes()) + " bytes but " +
                           std::to_string(bytes.size()) + " were given");
  if (options.verify_crc) {
    uint32_t actual = compute_batch_crc(bytes);
    if (actual != h.crc)
      return batch_error(h, position,
                         "CRC-32C mismatch: header says " + detail::hex32(h.crc) + ", computed " +
                             detail::hex32(actual));
  }
  auto codec = static_cast<unsigned>(h.codec());
  if (codec > static_cast<unsigned>(CompressionCodec::zstd))
    return batch_error(h, position, "unknown compression codec " + std::to_string(codec));
  if (h.record_count < 0)
    return batch_error(h, position, "negative record count " + std::to_string(h.record_count));

  ByteView section = bytes.subspan(L::records);
  bool decompressed = h.codec() != CompressionCodec::none;
  if (!decompressed) {
    out.records_ = section;
    out.records_position_ = position + L::records;
  } else if (section.empty() && h.record_count == 0) {
    out.records_ = {};  // an empty batch may carry no compressed stream at all
    out.records_position_ = 0;
  } else {
    out.decompressed_.clear();
    auto inflated =
        decompress(h.codec(), section, out.decompressed_, options.max_decompressed_size);
    if (!inflated.ok())
      return batch_error(h, position,
                         std::string(codec_name(h.codec())) +
                             " decompression failed: " + inflated.error().message);
    out.records_ = out.decompressed_;
    out.records_position_ = 0;
  }

  detail::RecordCursor r(out.records_, out.records_position_);
  detail::V2Record rec;
  for (int32_t i = 0; i < h.record_count; ++i) {
    if (r.at_end())
      return batch_error(h, position,
                         "recordCount is " + std::to_string(h.record_count) + " but only " +
                             std::to_string(i) + " records are present");
    if (!detail::read_v2_record(r, rec, true))
      return batch_error(h, position, detail::reader_failure(r, "record", i, decompressed));
  }
  if (!r.at_end())
    return batch_error(h, position,
                       std::to_string(r.remaining()) + " bytes after the " +
                           std::to_string(h.record_count) + " records that recordCount announces");
  return {};
}

Result<void> decode_record_batch(ByteView bytes, RecordBatchView& out, const ReadOptions& options,
                                 size_t position) {
  return BatchDecoder::decode(bytes, out, options, position);
}

Result<void> BatchDecoder::decode(ByteView bytes, RecordBatchView& out, const ReadOptions& options,
                                  size_t position) {
  if (bytes.size() < L::header_size_up_to_magic) {
    out = RecordBatchView{};
    return Error{corrupt_message_error, "record batch at byte " + std::to_string(position) + ": " +
                                            std::to_string(bytes.size()) +
                                            " bytes are too few to hold a batch"};
  }
  auto magic = static_cast<int8_t>(bytes[L::magic]);
  if (magic == magic_v2) return decode_v2(bytes, out, options, position);
  if (magic == magic_v0 || magic == magic_v1) return decode_legacy(bytes, out, options, position);
  out.header_ = RecordBatchHeader{};
  out.header_.base_offset = detail::load_be<int64_t>(bytes.data());
  out.bytes_ = bytes;
  out.records_ = {};
  out.position_ = position;
  return batch_error(out.header_, position,
                     "unknown magic " + std::to_string(magic) + " (expected 0, 1 or 2)");
}

RecordIterator::RecordIterator(const RecordBatchView& batch) noexcept
    : batch_(&batch), cursor_(batch.records_, 0), left_(batch.header_.record_count) {
  advance();
}

void RecordIterator::advance() noexcept {
  if (left_ <= 0) {
    left_ = -1;
    return;
  }
  const RecordBatchView& b = *batch_;
  if (b.header_.magic < magic_v2) {
    BatchDecoder::next_legacy(b, cursor_, current_);
  } else {
    detail::V2Record rec;
    if (!detail::read_v2_record(cursor_, rec, false)) {
      left_ = -1;  // only reachable when the input changed after decoding
      return;
    }
    const RecordBatchHeader& h = b.header_;
    current_.offset = wrapping_add(h.base_offset, rec.offset_delta);
    current_.timestamp = h.timestamp_type() == TimestampType::log_append_time
                             ? h.max_timestamp
                             : wrapping_add(h.base_timestamp, rec.timestamp_delta);
    current_.attributes = rec.attributes;
    current_.key = rec.key;
    current_.value = rec.value;
    current_.headers = HeaderRange(rec.headers, rec.header_count);
  }
  if (!cursor_.ok()) {
    left_ = -1;
    return;
  }
  --left_;
}

RecordIterator RecordRange::begin() const noexcept {
  return RecordIterator(*batch_);
}

size_t RecordRange::size() const noexcept {
  return static_cast<size_t>(batch_->header_.record_count);
}

}  // namespace kafkit::protocol
