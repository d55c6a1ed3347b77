#pragma once
// Helpers shared by the record-layer tests: hex input, owned copies of decoded records for
// comparison, a legacy message writer (kafkit itself never writes magic 0/1) and a reader
// loop that collects every batch of a blob.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/codec/compression.hpp"
#include "protocol/codec/crc32c.hpp"
#include "protocol/records/record_batch_builder.hpp"
#include "protocol/records/record_batch_reader.hpp"
#include "protocol/records/record_batch_view.hpp"
#include "protocol/writer.hpp"

namespace kafkit::protocol::test {

inline Bytes hex(std::string_view h) {
  Bytes out;
  std::string digits;
  for (char c : h)
    if (c != ' ' && c != '\n') digits += c;
  for (size_t i = 0; i + 1 < digits.size(); i += 2)
    out.push_back(std::byte(std::stoi(digits.substr(i, 2), nullptr, 16)));
  return out;
}

inline Bytes bytes_of(std::string_view s) {
  ByteView v = as_bytes(s);
  return Bytes(v.begin(), v.end());
}

inline std::optional<ByteView> view(const std::optional<Bytes>& b) {
  if (!b) return std::nullopt;
  return ByteView(*b);
}

struct OwnedHeader {
  std::string key;
  std::optional<Bytes> value;
  bool operator==(const OwnedHeader&) const = default;
};

/// A record with its own storage: what a test builds from and compares against.
struct OwnedRecord {
  int64_t offset = 0;
  int64_t timestamp = -1;
  std::optional<Bytes> key;
  std::optional<Bytes> value;
  std::vector<OwnedHeader> headers;
  bool operator==(const OwnedRecord&) const = default;
};

inline std::optional<Bytes> own(std::optional<ByteView> v) {
  if (!v) return std::nullopt;
  return Bytes(v->begin(), v->end());
}

inline OwnedRecord own(const RecordView& r) {
  OwnedRecord o;
  o.offset = r.offset;
  o.timestamp = r.timestamp;
  o.key = own(r.key);
  o.value = own(r.value);
  for (const RecordHeader& h : r.headers) o.headers.push_back({std::string(h.key), own(h.value)});
  return o;
}

inline std::vector<OwnedRecord> own_all(const RecordBatchView& batch) {
  std::vector<OwnedRecord> out;
  for (const RecordView& r : batch.records()) out.push_back(own(r));
  return out;
}

/// Appends `records` (offsets ignored: the builder assigns them) and finishes.
inline Bytes build(const BatchOptions& options, const std::vector<OwnedRecord>& records) {
  RecordBatchBuilder b(options);
  for (const OwnedRecord& r : records) {
    std::vector<RecordHeader> headers;
    for (const OwnedHeader& h : r.headers) headers.push_back({h.key, view(h.value)});
    auto ok = b.append(view(r.key), view(r.value), r.timestamp, headers);
    if (!ok.ok()) throw std::runtime_error(ok.error().message);
  }
  auto out = b.finish();
  if (!out.ok()) throw std::runtime_error(out.error().message);
  return std::move(*out);
}

/// Decodes exactly one batch; throws with the error text otherwise.
inline std::vector<OwnedRecord> decode_records(ByteView bytes, RecordBatchHeader* header = nullptr,
                                               const ReadOptions& options = {}) {
  RecordBatchView batch;
  auto ok = decode_record_batch(bytes, batch, options);
  if (!ok.ok()) throw std::runtime_error(ok.error().message);
  if (header) *header = batch.header();
  return own_all(batch);
}

/// The error message decoding `bytes` as one batch gives ("" when it decodes).
inline std::string decode_error(ByteView bytes, const ReadOptions& options = {}) {
  RecordBatchView batch;
  auto ok = decode_record_batch(bytes, batch, options);
  if (ok.ok()) return "";
  return ok.error().message;
}

/// Every batch of a blob, and how the blob ended.
struct BlobContents {
  std::vector<RecordBatchHeader> headers;
  std::vector<std::vector<OwnedRecord>> records;
  std::vector<std::pair<size_t, size_t>> spans;  // position, size of each batch
  ReadStatus ended = ReadStatus::end;
  std::optional<Error> error;
};

inline BlobContents read_blob(ByteView blob, const ReadOptions& options = {}) {
  BlobContents c;
  RecordsReader reader(blob, options);
  RecordBatchView batch;
  for (;;) {
    auto st = reader.next(batch);
    if (!st.ok()) {
      c.error = st.error();
      return c;
    }
    if (*st != ReadStatus::batch) {
      c.ended = *st;
      return c;
    }
    c.headers.push_back(batch.header());
    c.records.push_back(own_all(batch));
    c.spans.emplace_back(batch.position(), batch.bytes().size());
  }
}

/// One legacy message with its offset/size framing, CRC computed (or `crc` if given).
struct LegacyMessageSpec {
  int64_t offset = 0;
  int8_t magic = 1;
  int8_t attributes = 0;
  int64_t timestamp = -1;
  std::optional<Bytes> key;
  std::optional<Bytes> value;
  std::optional<uint32_t> crc;
};

inline Bytes legacy_message(const LegacyMessageSpec& m) {
  Bytes body;
  Writer w(body);
  w.i8(m.magic);
  w.i8(m.attributes);
  if (m.magic == 1) w.i64(m.timestamp);
  w.i32(m.key ? int32_t(m.key->size()) : -1);
  if (m.key) w.raw(*m.key);
  w.i32(m.value ? int32_t(m.value->size()) : -1);
  if (m.value) w.raw(*m.value);
  Bytes out;
  Writer o(out);
  o.i64(m.offset);
  o.i32(int32_t(4 + body.size()));
  o.u32(m.crc ? *m.crc : crc32_ieee(body));
  o.raw(body);
  return out;
}

inline void append_to(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}

}  // namespace kafkit::protocol::test
