// Legacy message sets (magic 0 and 1): plain messages, compressed wrappers with relative
// (v1) and absolute (v0) inner offsets, LogAppendTime wrappers, and their validation.
#include <doctest/doctest.h>

#include "protocol/records/legacy_message_set.hpp"
#include "records_test_support.hpp"

using namespace kafkit::protocol;
using namespace kafkit::protocol::test;

namespace {

LegacyMessageSpec plain(int8_t magic, int64_t offset, const char* value) {
  LegacyMessageSpec m;
  m.magic = magic;
  m.offset = offset;
  m.timestamp = magic == 1 ? 1700000000000 + offset : -1;
  m.key = bytes_of("key" + std::to_string(offset));
  m.value = bytes_of(value);
  return m;
}

// A wrapper around `inner` messages compressed with `codec`.
Bytes wrapper(int8_t magic, CompressionCodec codec, int64_t wrapper_offset,
              const std::vector<LegacyMessageSpec>& inner, int8_t extra_attributes = 0,
              int64_t wrapper_ts = -1) {
  Bytes set;
  for (const LegacyMessageSpec& m : inner) append_to(set, legacy_message(m));
  Bytes compressed;
  REQUIRE(compress(codec, set, compressed).ok());
  LegacyMessageSpec w;
  w.magic = magic;
  w.offset = wrapper_offset;
  w.attributes = int8_t(int8_t(codec) | extra_attributes);
  w.timestamp = wrapper_ts;
  w.value = compressed;
  return legacy_message(w);
}

}  // namespace

TEST_CASE("plain magic 0 and magic 1 messages") {
  Bytes blob = legacy_message(plain(0, 10, "zero"));
  LegacyMessageSpec nulls = plain(1, 11, "");
  nulls.key.reset();
  nulls.value.reset();
  append_to(blob, legacy_message(nulls));
  append_to(blob, legacy_message(plain(1, 12, "")));  // empty, not null
  BlobContents c = read_blob(blob);
  REQUIRE_FALSE(c.error);
  REQUIRE(c.records.size() == 3);
  CHECK(c.headers[0].magic == 0);
  CHECK(c.headers[0].timestamp_type() == TimestampType::none);
  CHECK(c.records[0][0].offset == 10);
  CHECK(c.records[0][0].timestamp == -1);
  CHECK(c.records[0][0].key == bytes_of("key10"));
  CHECK(c.records[0][0].value == bytes_of("zero"));
  CHECK(c.headers[1].timestamp_type() == TimestampType::create_time);
  CHECK(c.records[1][0].timestamp == 1700000000011);
  CHECK_FALSE(c.records[1][0].key);
  CHECK_FALSE(c.records[1][0].value);
  CHECK(c.records[2][0].value == Bytes{});
  CHECK(c.headers[2].base_offset == 12);
  CHECK(c.headers[2].record_count == 1);
  CHECK(c.headers[2].producer_id == -1);
}

TEST_CASE("compressed magic 1 wrappers: inner offsets are relative to the wrapper's") {
  for (CompressionCodec codec :
       {CompressionCodec::gzip, CompressionCodec::snappy, CompressionCodec::lz4}) {
    CAPTURE(codec_name(codec));
    std::vector<LegacyMessageSpec> inner = {plain(1, 0, "a"), plain(1, 1, "b"), plain(1, 2, "c")};
    // The wrapper holds the absolute offset of the last inner message.
    Bytes blob = wrapper(1, codec, 102, inner, 0, 1700000000002);
    BlobContents c = read_blob(blob);
    REQUIRE_FALSE(c.error);
    REQUIRE(c.records.size() == 1);
    REQUIRE(c.records[0].size() == 3);
    CHECK(c.headers[0].codec() == codec);
    CHECK(c.headers[0].base_offset == 100);
    CHECK(c.headers[0].last_offset_delta == 2);
    CHECK(c.headers[0].record_count == 3);
    CHECK(c.headers[0].max_timestamp == 1700000000002);
    for (int i = 0; i < 3; ++i) {
      CHECK(c.records[0][i].offset == 100 + i);
      CHECK(c.records[0][i].timestamp == 1700000000000 + i);  // inner CreateTime
    }
    CHECK(c.records[0][1].value == bytes_of("b"));
  }
}

TEST_CASE("compressed magic 0 wrappers: inner offsets are absolute") {
  std::vector<LegacyMessageSpec> inner = {plain(0, 50, "a"), plain(0, 51, "b")};
  BlobContents c = read_blob(wrapper(0, CompressionCodec::gzip, 51, inner));
  REQUIRE_FALSE(c.error);
  REQUIRE(c.records[0].size() == 2);
  CHECK(c.records[0][0].offset == 50);
  CHECK(c.records[0][1].offset == 51);
  CHECK(c.records[0][1].timestamp == -1);
}

TEST_CASE("a LogAppendTime wrapper gives every inner message its timestamp") {
  std::vector<LegacyMessageSpec> inner = {plain(1, 0, "a"), plain(1, 1, "b")};
  BlobContents c = read_blob(
      wrapper(1, CompressionCodec::snappy, 7, inner, legacy_layout::log_append_time, 1234));
  REQUIRE_FALSE(c.error);
  CHECK(c.headers[0].timestamp_type() == TimestampType::log_append_time);
  for (const OwnedRecord& r : c.records[0]) CHECK(r.timestamp == 1234);
}

TEST_CASE("legacy validation errors") {
  auto error_of = [](const Bytes& b) {
    BlobContents c = read_blob(b);
    return c.error ? c.error->message : std::string();
  };
  Bytes good = legacy_message(plain(1, 3, "v"));
  CHECK(error_of(good) == "");

  LegacyMessageSpec bad_crc = plain(1, 3, "v");
  bad_crc.crc = 1;
  CHECK(error_of(legacy_message(bad_crc))
            .find("legacy message (magic 1) at byte 0 (offset 3): "
                  "CRC-32 mismatch") == 0);
  ReadOptions fast;
  fast.verify_crc = false;
  CHECK_FALSE(read_blob(legacy_message(bad_crc), fast).error);

  LegacyMessageSpec neg = plain(1, 3, "v");
  neg.value.reset();
  Bytes negative = legacy_message(neg);
  negative[negative.size() - 1] = std::byte{0xfe};  // value length -2
  CHECK(error_of(negative).find("negative length other than -1") != std::string::npos);

  Bytes trailing = good;
  trailing.push_back(std::byte{0});
  trailing[11] = std::byte(uint8_t(trailing[11]) + 1);  // messageSize + 1
  CHECK(error_of(trailing).find("bytes after the value") != std::string::npos);

  Bytes long_key = good;
  long_key[12 + 4 + 2 + 8 + 3] = std::byte{0x40};  // key length way past the message
  CHECK(error_of(long_key).find("Message.key") != std::string::npos);

  // zstd does not exist for magic 0/1.
  LegacyMessageSpec zstd = plain(1, 3, "v");
  zstd.attributes = 4;
  CHECK(error_of(legacy_message(zstd)).find("compression codec 4 is not valid for magic 1") !=
        std::string::npos);

  LegacyMessageSpec null_wrapper = plain(1, 3, "v");
  null_wrapper.attributes = 1;
  null_wrapper.value.reset();
  CHECK(error_of(legacy_message(null_wrapper)).find("null value") != std::string::npos);

  LegacyMessageSpec garbage = plain(1, 3, "not gzip");
  garbage.attributes = 1;
  CHECK(error_of(legacy_message(garbage)).find("gzip decompression") != std::string::npos);

  // Nested compression, magic mismatch, empty wrapper, corrupt inner CRC.
  LegacyMessageSpec nested = plain(1, 0, "x");
  nested.attributes = 2;
  CHECK(error_of(wrapper(1, CompressionCodec::gzip, 0, {nested})).find("itself compressed") !=
        std::string::npos);
  CHECK(error_of(wrapper(1, CompressionCodec::gzip, 0, {plain(0, 0, "x")}))
            .find("has magic 0 inside a magic 1 wrapper") != std::string::npos);
  CHECK(error_of(wrapper(1, CompressionCodec::gzip, 0, {})).find("no messages") !=
        std::string::npos);
  LegacyMessageSpec inner_crc = plain(1, 0, "x");
  inner_crc.crc = 5;
  CHECK(error_of(wrapper(1, CompressionCodec::lz4, 0, {inner_crc}))
            .find("inner message 0: CRC-32 mismatch") != std::string::npos);
  Bytes truncated_inner;
  append_to(truncated_inner, legacy_message(plain(1, 0, "x")));
  truncated_inner.pop_back();
  Bytes c;
  REQUIRE(compress(CompressionCodec::gzip, truncated_inner, c).ok());
  LegacyMessageSpec w = plain(1, 0, "");
  w.attributes = 1;
  w.value = c;
  CHECK(error_of(legacy_message(w)).find("inner message 0: truncated input") != std::string::npos);

  // Message sizes below the format minimum.
  Bytes tiny = good;
  tiny[11] = std::byte{20};  // magic 1 needs 22
  CHECK(error_of(tiny).find("below the magic 1 minimum 22") != std::string::npos);
}

TEST_CASE("read_legacy_message reports the message fields") {
  Bytes b = legacy_message(plain(1, 9, "val"));
  Reader r(b);
  LegacyMessage m;
  REQUIRE(read_legacy_message(r, m));
  CHECK(r.at_end());
  CHECK(m.offset == 9);
  CHECK(m.size == int32_t(b.size() - 12));
  CHECK(m.magic == 1);
  CHECK(m.timestamp == 1700000000009);
  CHECK(as_chars(*m.value) == "val");
  CHECK(crc32_ieee(m.crc_covered) == m.crc);
}
