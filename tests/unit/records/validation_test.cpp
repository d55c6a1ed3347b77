// Every way a batch can be malformed gives a clear corrupt_message_error that names the
// batch, the byte and what is wrong; none crashes or allocates by a claimed count.
#include <doctest/doctest.h>

#include "protocol/records/byte_order.hpp"
#include "records_test_support.hpp"

using namespace kafkit::protocol;
using namespace kafkit::protocol::test;

namespace {

// A v2 batch around hand-written record bytes, with a correct length and CRC.
Bytes batch_with(std::string_view records_hex, int32_t count, int16_t attributes = 0) {
  RecordBatchHeader h;
  h.base_offset = 40;
  h.attributes = attributes;
  h.last_offset_delta = count - 1;
  h.base_timestamp = h.max_timestamp = 1700000000000;
  h.record_count = count;
  Bytes records = hex(records_hex);
  Bytes b(batch_layout::header_size);
  b.insert(b.end(), records.begin(), records.end());
  h.batch_length = int32_t(b.size() - batch_layout::log_overhead);
  write_batch_header(h, b);
  h.crc = compute_batch_crc(b);
  write_batch_header(h, b);
  return b;
}

void refresh_crc(Bytes& b) {
  detail::store_be(b.data() + batch_layout::crc, compute_batch_crc(b));
}

// A good record: length 8, attrs 0, tsDelta 0, offsetDelta 0, key null, value "hi", 0 headers.
constexpr const char* good = "10 00 00 00 01 04 6869 00";

void check_error(const Bytes& b, std::initializer_list<const char*> parts) {
  RecordBatchView batch;
  auto r = decode_record_batch(b, batch);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == corrupt_message_error);
  for (const char* p : parts) {
    CAPTURE(r.error().message);
    CHECK(r.error().message.find(p) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("a hand-made good batch decodes (the baseline of the cases below)") {
  CHECK(decode_error(batch_with(good, 1)) == "");
  CHECK(decode_error(batch_with(std::string(good) + good, 2)) == "");
}

TEST_CASE("CRC mismatch is corrupt unless verification is off") {
  Bytes b = batch_with(good, 1);
  b[b.size() - 2] = std::byte{'X'};  // "hi" becomes "hX"
  check_error(b, {"record batch at byte 0 (base offset 40)", "CRC-32C mismatch"});
  ReadOptions fast;
  fast.verify_crc = false;
  CHECK(as_chars(*decode_records(b, nullptr, fast)[0].value) == "hX");
}

TEST_CASE("a record length that runs past the batch") {
  check_error(batch_with("20 00 00 00 01 04 6869 00", 1),
              {"record 0", "truncated input at byte 62", "Record.length"});
}

TEST_CASE("negative record length") {
  check_error(batch_with("03 00 00 00 01 04 6869 00", 1), {"negative record length"});
}

TEST_CASE("record count larger than the records present") {
  check_error(batch_with(std::string(good) + good, 3),
              {"recordCount is 3 but only 2 records are present"});
  // A huge claimed count fails as fast, without allocating anything for it.
  check_error(batch_with(good, INT32_MAX), {"recordCount is 2147483647 but only 1"});
}

TEST_CASE("trailing bytes after the announced records") {
  check_error(batch_with(std::string(good) + good, 1), {"9 bytes after the 1 records"});
  check_error(batch_with(std::string(good) + "00", 1), {"1 bytes after"});
}

TEST_CASE("negative record count") {
  check_error(batch_with("", -1), {"negative record count -1"});
}

TEST_CASE("varint overflow") {
  // keyLength as a 5-byte varint whose last byte carries more than 4 bits.
  check_error(batch_with("18 00 00 00 ffffffff7f 04 6869 00", 1),
              {"varint overflows its type", "Record.keyLength"});
  // timestampDelta as an 11-byte varlong.
  check_error(batch_with("24 00 ffffffffffffffffffff01 00 01 04 6869 00", 1),
              {"varint longer than its type allows", "Record.timestampDelta"});
  // The record length itself.
  check_error(batch_with("ffffffffff01", 1), {"Record.length"});
}

TEST_CASE("negative key, value and header value lengths other than -1") {
  check_error(batch_with("10 00 00 00 03 04 6869 00", 1),
              {"negative length other than -1", "Record.keyLength"});
  check_error(batch_with("10 00 00 00 01 09 6869 00", 1),
              {"negative length other than -1", "Record.valueLength"});
  // The header count says 1 but the record ends before it.
  check_error(batch_with("10 00 00 00 01 04 6869 02 02 68 05", 1),
              {"truncated input", "Header.keyLength"});
  check_error(batch_with("16 00 00 00 01 04 6869 02 02 68 05", 1),
              {"negative length other than -1", "Header.valueLength"});
  // A null header value (-1) is fine.
  CHECK(decode_error(batch_with("16 00 00 00 01 04 6869 02 02 68 01", 1)) == "");
}

TEST_CASE("null header key and negative header count") {
  check_error(batch_with("14 00 00 00 01 04 6869 02 01 01", 1),
              {"null header key", "Header.keyLength"});
  check_error(batch_with("10 00 00 00 01 04 6869 01", 1),
              {"negative header count", "Record.headerCount"});
}

TEST_CASE("record length that disagrees with the record's fields") {
  // Length 9 but the fields take 8: the spare byte is inside the record.
  check_error(batch_with("12 00 00 00 01 04 6869 00 00", 1),
              {"record length disagrees with its fields"});
  // Length 6 but the value needs 2 more bytes: caught at the record's end even though the
  // batch has more bytes (the next record) after it.
  check_error(batch_with(std::string("0c 00 00 00 01 04 6869 00 ") + good, 2),
              {"truncated input", "Record.value"});
}

TEST_CASE("batchLength below the minimum, past the input, and a wrong magic") {
  Bytes b = batch_with(good, 1);
  Bytes small = b;
  detail::store_be<int32_t>(small.data() + batch_layout::batch_length, 48);
  check_error(small, {"batchLength 48 is below the minimum 49"});
  Bytes longer = b;
  detail::store_be<int32_t>(longer.data() + batch_layout::batch_length, int32_t(b.size()));
  check_error(longer, {"batchLength", "bytes but", "were given"});
  for (int magic : {3, -1, 127}) {
    Bytes m = b;
    m[batch_layout::magic] = std::byte(uint8_t(magic));
    check_error(m, {"unknown magic", std::to_string(magic).c_str()});
  }
  check_error(Bytes(16), {"too few"});
  check_error(Bytes(b.begin(), b.begin() + 40), {"needs 61 bytes, got 40"});
}

TEST_CASE("unknown codec ids 5-7") {
  for (int16_t codec : {5, 6, 7})
    check_error(batch_with(good, 1, codec), {"unknown compression codec"});
}

TEST_CASE("corrupt compressed data and a decompression bomb") {
  // Not a gzip stream at all.
  check_error(batch_with(good, 1, int16_t(CompressionCodec::gzip)), {"gzip decompression failed"});
  for (CompressionCodec codec : {CompressionCodec::gzip, CompressionCodec::snappy,
                                 CompressionCodec::lz4, CompressionCodec::zstd}) {
    CAPTURE(codec_name(codec));
    BatchOptions o;
    o.codec = codec;
    std::vector<OwnedRecord> in(1);
    in[0].value = Bytes(100000, std::byte{0});  // compresses to almost nothing
    Bytes b = build(o, in);
    ReadOptions capped;
    capped.max_decompressed_size = 50000;
    CHECK(decode_error(b, capped).find("decompression failed") != std::string::npos);
    CHECK(decode_error(b) == "");
    // Truncate the compressed stream (and fix length and CRC, so the codec sees it).
    Bytes cut(b.begin(), b.end() - 4);
    detail::store_be<int32_t>(cut.data() + batch_layout::batch_length,
                              int32_t(cut.size() - batch_layout::log_overhead));
    refresh_crc(cut);
    CHECK(decode_error(cut).find("decompression failed") != std::string::npos);
  }
}

TEST_CASE("errors inside decompressed records name the decompressed byte") {
  BatchOptions o;
  o.codec = CompressionCodec::zstd;
  Bytes b = build(o, std::vector<OwnedRecord>(3));
  // Claim 4 records while 3 are present.
  detail::store_be<int32_t>(b.data() + batch_layout::record_count, 4);
  refresh_crc(b);
  check_error(b, {"recordCount is 4 but only 3"});
}
