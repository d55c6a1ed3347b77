#include "protocol/records/legacy_message_set.hpp"

#include <algorithm>
#include <string>

#include "protocol/codec/compression.hpp"
#include "protocol/codec/crc32c.hpp"
#include "protocol/records/batch_decoder.hpp"

namespace kafkit::protocol {

using detail::batch_error;
using detail::wrapping_add;
using detail::wrapping_sub;

namespace {

std::optional<ByteView> read_legacy_bytes(Reader& r, const char* field) noexcept {
  int32_t n = r.i32(field);
  if (n < 0) {
    if (n != -1) r.fail("negative length other than -1", field);
    return std::nullopt;
  }
  return r.take(size_t(n), field);
}

bool crc_ok(const LegacyMessage& m) noexcept {
  return crc32_ieee(m.crc_covered) == m.crc;
}

std::string crc_mismatch(const LegacyMessage& m) {
  return "CRC-32 mismatch: message says " + detail::hex32(m.crc) + ", computed " +
         detail::hex32(crc32_ieee(m.crc_covered));
}

}  // namespace

bool read_legacy_message(Reader& r, LegacyMessage& out) noexcept {
  out.offset = r.i64("MessageSet.offset");
  out.size = r.i32("MessageSet.messageSize");
  if (!r.ok()) return false;
  if (out.size < legacy_layout::min_message_size_v0) {
    r.fail("message size below the minimum of 14", "MessageSet.messageSize");
    return false;
  }
  size_t message_at = r.offset();
  ByteView message = r.take(size_t(out.size), "MessageSet.message");
  if (!r.ok()) return false;

  Reader m(message, message_at);
  out.crc = m.u32("Message.crc");
  out.crc_covered = message.subspan(4);
  out.magic = m.i8("Message.magic");
  if (out.magic != 0 && out.magic != 1) {
    m.fail("magic is not 0 or 1", "Message.magic");
  } else if (out.magic == 1 && out.size < legacy_layout::min_message_size_v1) {
    m.fail("message size below the magic 1 minimum of 22", "MessageSet.messageSize");
  }
  out.attributes = m.i8("Message.attributes");
  out.timestamp = out.magic == 1 ? m.i64("Message.timestamp") : -1;
  out.key = read_legacy_bytes(m, "Message.key");
  out.value = read_legacy_bytes(m, "Message.value");
  if (m.ok() && !m.at_end()) m.fail("bytes after the value", "Message.value");
  if (!m.ok()) {
    r.fail_from(m);
    return false;
  }
  return true;
}

Result<void> BatchDecoder::decode_legacy(ByteView bytes, RecordBatchView& out,
                                         const ReadOptions& options, size_t position) {
  out.position_ = position;
  out.bytes_ = bytes;
  out.records_ = {};
  out.legacy_wrapper_ = false;
  out.legacy_relative_offsets_ = false;
  out.legacy_wrapper_time_ = false;
  RecordBatchHeader& h = out.header_ = RecordBatchHeader{};
  h.magic = static_cast<int8_t>(bytes[batch_layout::magic]);

  Reader r(bytes, position);
  LegacyMessage msg;
  bool parsed = read_legacy_message(r, msg);
  h.base_offset = msg.offset;
  if (!parsed) return batch_error(h, position, detail::reader_failure(r, "message", 0, false));
  if (!r.at_end())
    return batch_error(h, position,
                       "messageSize says " + std::to_string(bytes.size() - r.remaining()) +
                           " bytes but " + std::to_string(bytes.size()) + " were given");
  h.batch_length = msg.size;
  h.crc = msg.crc;
  // Codec and timestamp-type bits sit where v2 has them; the byte is unsigned here.
  h.attributes = static_cast<int16_t>(static_cast<uint8_t>(msg.attributes));
  h.base_timestamp = h.max_timestamp = msg.timestamp;
  if (options.verify_crc && !crc_ok(msg)) return batch_error(h, position, crc_mismatch(msg));

  auto codec = static_cast<unsigned>(msg.attributes & legacy_layout::codec_mask);
  if (codec == 0) {
    h.last_offset_delta = 0;
    h.record_count = 1;
    out.records_ = bytes;
    return {};
  }
  if (codec > static_cast<unsigned>(CompressionCodec::lz4))
    return batch_error(h, position,
                       "compression codec " + std::to_string(codec) + " is not valid for magic " +
                           std::to_string(msg.magic));
  if (!msg.value) return batch_error(h, position, "compressed wrapper message has a null value");
  out.decompressed_.clear();
  auto c = static_cast<CompressionCodec>(codec);
  auto inflated = decompress(c, *msg.value, out.decompressed_, options.max_decompressed_size);
  if (!inflated.ok())
    return batch_error(h, position,
                       std::string(codec_name(c)) + " decompression of the wrapper value failed: " +
                           inflated.error().message);
  out.records_ = out.decompressed_;
  out.legacy_wrapper_ = true;

  // Validate every inner message now, so iteration cannot fail later.
  Reader inner(out.records_);
  LegacyMessage m;
  int64_t count = 0, first_offset = 0, last_offset = 0, first_ts = -1, max_ts = -1;
  while (!inner.at_end()) {
    if (!read_legacy_message(inner, m))
      return batch_error(h, position, detail::reader_failure(inner, "inner message", count, true));
    if (m.magic != msg.magic)
      return batch_error(h, position,
                         "inner message " + std::to_string(count) + " has magic " +
                             std::to_string(m.magic) + " inside a magic " +
                             std::to_string(msg.magic) + " wrapper");
    if ((m.attributes & legacy_layout::codec_mask) != 0)
      return batch_error(h, position,
                         "inner message " + std::to_string(count) + " is itself compressed");
    if (options.verify_crc && !crc_ok(m))
      return batch_error(h, position,
                         "inner message " + std::to_string(count) + ": " + crc_mismatch(m));
    if (count == 0) {
      first_offset = m.offset;
      first_ts = m.timestamp;
    }
    last_offset = m.offset;
    max_ts = std::max(max_ts, m.timestamp);
    ++count;
    if (count > INT32_MAX) return batch_error(h, position, "too many inner messages");
  }
  if (count == 0) return batch_error(h, position, "compressed wrapper holds no messages");

  h.record_count = static_cast<int32_t>(count);
  if (msg.magic == magic_v1) {
    // The wrapper carries the absolute offset of the last inner message (KIP-31).
    out.legacy_relative_offsets_ = true;
    out.legacy_offset_base_ = wrapping_sub(msg.offset, last_offset);
    first_offset = wrapping_add(out.legacy_offset_base_, first_offset);
    last_offset = msg.offset;
  }
  h.base_offset = first_offset;
  h.last_offset_delta = static_cast<int32_t>(wrapping_sub(last_offset, first_offset));
  if (msg.magic == magic_v1 && (msg.attributes & legacy_layout::log_append_time) != 0) {
    out.legacy_wrapper_time_ = true;
    h.base_timestamp = h.max_timestamp = msg.timestamp;
  } else {
    h.base_timestamp = first_ts;
    h.max_timestamp = max_ts;
  }
  return {};
}

void BatchDecoder::next_legacy(const RecordBatchView& batch, detail::RecordCursor& c,
                               RecordView& out) noexcept {
  LegacyMessage m;
  // A failure (only if the input changed after decoding) stops the iterator through c.ok().
  if (!c.with_reader([&](Reader& r) { return read_legacy_message(r, m); })) return;
  out.offset =
      batch.legacy_relative_offsets_ ? wrapping_add(batch.legacy_offset_base_, m.offset) : m.offset;
  out.timestamp = batch.legacy_wrapper_time_ ? batch.header_.max_timestamp : m.timestamp;
  out.attributes = m.attributes;
  out.key = m.key;
  out.value = m.value;
  out.headers = HeaderRange();
}

}  // namespace kafkit::protocol
