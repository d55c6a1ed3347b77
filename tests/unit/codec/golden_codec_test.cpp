// Interop proof for the codecs and both checksums: the Produce requests that librdkafka
// 2.0.2 and kcat wrote (tests/golden/data) are taken apart here by hand, without the
// generated message code, and every compressed payload must decompress to records that
// parse exactly and hold what tests/golden/capture/peers.c (or capture.sh for kcat) sent.
// The CRC-32C of every v2 batch and the CRC-32 of every legacy message must match too.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../records/golden_records.hpp"
#include "protocol/codec/codecs.hpp"
#include "protocol/codec/compression.hpp"
#include "protocol/codec/crc32c.hpp"
#include "protocol/reader.hpp"

using namespace kafkit::protocol;

namespace {

using Text = std::optional<std::string>;
using Headers = std::vector<std::pair<std::string, Text>>;

struct Record {
  int32_t partition = 0;
  Text key, value;
  std::optional<int64_t> timestamp;  // none for magic 0
  Headers headers;
};

struct Capture {
  std::vector<Record> records;
  std::vector<CompressionCodec> codecs;    // of each batch / wrapper message
  std::vector<uint8_t> lz4_header_checks;  // HC byte of each lz4 payload, and the legacy flag
  std::vector<bool> lz4_legacy;
  int checksums = 0;
};

Bytes read_golden(const std::string& name) {
  auto b = test::read_golden_file(KAFKIT_GOLDEN_DIR, name);
  REQUIRE_MESSAGE(b.has_value(), "missing golden file " << name);
  return std::move(*b);
}

Text varint_text(Reader& r) {
  int32_t n = r.varint("length");
  if (n < 0) return std::nullopt;
  return std::string(as_chars(r.take(size_t(n), "bytes")));
}

Text int32_text(Reader& r) {
  int32_t n = r.i32("length");
  if (n < 0) return std::nullopt;
  return std::string(as_chars(r.take(size_t(n), "bytes")));
}

void note_lz4(ByteView payload, Capture& out) {
  REQUIRE(payload.size() >= 7);
  auto sums = detail::lz4_header_checksums(payload.first(6));
  out.lz4_header_checks.push_back(uint8_t(payload[6]));
  out.lz4_legacy.push_back(uint8_t(payload[6]) == sums.legacy && sums.legacy != sums.correct);
}

Bytes inflate(CompressionCodec codec, ByteView payload) {
  Bytes plain;
  auto r = decompress(codec, payload, plain);
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  return plain;
}

// Records of a v2 batch: `count` length-prefixed records that must fill `data` exactly.
void parse_records(ByteView data, int32_t count, int32_t partition, int64_t base_ts, Capture& out) {
  Reader r(data);
  size_t sum = 0;
  for (int32_t i = 0; i < count; ++i) {
    size_t start = r.offset();
    int32_t len = r.varint("record length");
    REQUIRE(len >= 0);
    ByteView body = r.take(size_t(len), "record");
    REQUIRE(r.ok());
    sum += r.offset() - start;
    Reader b(body);
    Record rec;
    rec.partition = partition;
    b.i8("attributes");
    rec.timestamp = base_ts + b.varlong("timestamp delta");
    b.varint("offset delta");
    rec.key = varint_text(b);
    rec.value = varint_text(b);
    int32_t headers = b.varint("header count");
    for (int32_t h = 0; h < headers && b.ok(); ++h) {
      Text k = varint_text(b);
      REQUIRE(k.has_value());
      rec.headers.emplace_back(*k, varint_text(b));
    }
    REQUIRE(b.ok());
    CHECK(b.at_end());
    out.records.push_back(std::move(rec));
  }
  CHECK(sum == data.size());
}

// RecordBatch v2 (protocol-facts §3.1): the CRC-32C at byte 17 covers bytes 21..end; the
// records start at byte 61.
void read_batches(ByteView recs, int32_t partition, Capture& out) {
  while (!recs.empty()) {
    Reader h(recs);
    h.i64("base offset");
    int32_t batch_length = h.i32("batch length");
    REQUIRE(h.ok());
    REQUIRE(batch_length >= 49);
    REQUIRE(size_t(batch_length) + 12 <= recs.size());
    ByteView batch = recs.first(size_t(batch_length) + 12);
    Reader b(batch.subspan(16));
    REQUIRE(b.i8("magic") == 2);
    uint32_t crc = b.u32("crc");
    CHECK(crc32c(batch.subspan(21)) == crc);
    ++out.checksums;
    auto codec = CompressionCodec(b.i16("attributes") & 7);
    b.i32("last offset delta");
    int64_t base_ts = b.i64("base timestamp");
    b.take(8 + 8 + 2 + 4, "max timestamp .. base sequence");
    int32_t count = b.i32("record count");
    REQUIRE(b.ok());
    ByteView payload = batch.subspan(61);
    out.codecs.push_back(codec);
    if (codec == CompressionCodec::none) {
      parse_records(payload, count, partition, base_ts, out);
    } else {
      if (codec == CompressionCodec::lz4) note_lz4(payload, out);
      Bytes plain = inflate(codec, payload);
      parse_records(plain, count, partition, base_ts, out);
    }
    recs = recs.subspan(batch.size());
  }
}

// Legacy MessageSet (protocol-facts §3.2); a compressed wrapper's value is the inner set.
void read_message_set(ByteView set, int32_t partition, bool inner, Capture& out) {
  Reader r(set);
  while (!r.at_end()) {
    r.i64("offset");
    int32_t size = r.i32("message size");
    ByteView msg = r.take(size_t(std::max(size, 0)), "message");
    REQUIRE(r.ok());
    Reader m(msg);
    uint32_t crc = m.u32("crc");
    CHECK(crc32_ieee(msg.subspan(4)) == crc);
    ++out.checksums;
    int8_t magic = m.i8("magic");
    REQUIRE((magic == 0 || magic == 1));
    auto codec = CompressionCodec(m.i8("attributes") & 7);
    Record rec;
    rec.partition = partition;
    if (magic == 1) rec.timestamp = m.i64("timestamp");
    rec.key = int32_text(m);
    rec.value = int32_text(m);
    REQUIRE(m.ok());
    CHECK(m.at_end());
    if (codec == CompressionCodec::none) {
      out.records.push_back(std::move(rec));
      continue;
    }
    REQUIRE_FALSE(inner);
    REQUIRE(rec.value.has_value());
    out.codecs.push_back(codec);
    ByteView payload = as_bytes(*rec.value);
    if (codec == CompressionCodec::lz4) note_lz4(payload, out);
    Bytes plain = inflate(codec, payload);
    read_message_set(plain, partition, true, out);
  }
}

// Every Produce request of a capture, cut into partitions by the shared golden-frame reader;
// the batches inside are taken apart here, independently of the record layer.
Capture read_capture(const std::string& file) {
  Capture out;
  std::string error;
  auto parts = test::golden_produce_records(read_golden(file), file, error);
  REQUIRE_MESSAGE(error.empty(), error);
  for (const auto& p : parts) {
    if (p.api_version >= 3)
      read_batches(p.records, p.partition, out);
    else
      read_message_set(p.records, p.partition, false, out);
  }
  return out;
}

// What peers.c's produce_records(tag) sends as record `idx`.
Record expected_record(int idx, const std::string& tag, bool headers) {
  char key[16], value[160];
  std::snprintf(key, sizeof key, "key-%03d", idx);
  std::snprintf(value, sizeof value,
                "%s value %03d: the quick brown fox jumps over the lazy dog; the quick brown "
                "fox jumps over the lazy dog",
                tag.c_str(), idx);
  Record r{idx % 3, std::string(key), std::string(value), 1700000000000 + idx * 1000, {}};
  if (idx % 7 == 1) r.key = std::nullopt;
  if (idx % 7 == 3) r.value = std::nullopt;
  if (idx % 7 == 5) r.key = r.value = std::string();
  if (headers && idx % 2 == 0) {
    r.headers = {{"idx", std::to_string(idx)}, {"codec", tag}};
    if (idx % 4 == 0) r.headers.emplace_back("nullhdr", std::nullopt);
  }
  return r;
}

// Which record of peers.c this is: from the key, else the value, else (empty key and
// value, idx = 5, 12, 19) from the partition, which differs for the three.
int identify(const Record& r) {
  if (r.key && r.key->rfind("key-", 0) == 0) return std::stoi(r.key->substr(4));
  if (r.value && r.value->find(" value ") != std::string::npos)
    return std::stoi(r.value->substr(r.value->find(" value ") + 7, 3));
  for (int idx = 5; idx < 20; idx += 7)
    if (idx % 3 == r.partition) return idx;
  return -1;
}

void check_peers_records(const Capture& c, const std::string& tag, int magic) {
  std::set<int> seen;
  for (const Record& r : c.records) {
    int idx = identify(r);
    CAPTURE(idx);
    Record want = expected_record(idx, tag, magic == 2);
    CHECK(r.partition == want.partition);
    CHECK(r.key == want.key);
    CHECK(r.value == want.value);
    CHECK(r.headers == want.headers);
    if (magic == 0)
      CHECK_FALSE(r.timestamp.has_value());
    else
      CHECK(r.timestamp == want.timestamp);
    seen.insert(idx);
  }
  CHECK(seen.size() == 20);
}

const std::string codecs[] = {"gzip", "snappy", "lz4", "zstd"};

}  // namespace

TEST_CASE("golden: librdkafka RecordBatch v2 payloads and CRC-32C") {
  for (const std::string& codec : codecs) {
    CAPTURE(codec);
    Capture c = read_capture("rdkafka-produce-" + codec + "-01.req.bin");
    REQUIRE_FALSE(c.codecs.empty());
    for (auto k : c.codecs) CHECK(k == parse_codec(codec));
    CHECK(c.checksums == int(c.codecs.size()));
    for (bool legacy : c.lz4_legacy) CHECK_FALSE(legacy);
    check_peers_records(c, codec, 2);
  }
  Capture plain = read_capture("rdkafka-produce-none-01.req.bin");
  CHECK(plain.checksums > 0);
  check_peers_records(plain, "none", 2);
}

TEST_CASE("golden: kcat RecordBatch v2 payloads") {
  const std::multiset<std::pair<std::string, std::string>> lines = {
      {"k1", "hello"},
      {"k2", "world"},
      {"", "no key here"},
      {"k4", ""},
      {"k5",
       "the quick brown fox jumps over the lazy dog, the quick brown fox jumps over the "
       "lazy dog"}};
  for (const std::string& codec :
       {std::string("none"), codecs[0], codecs[1], codecs[2], codecs[3]}) {
    CAPTURE(codec);
    Capture c = read_capture("kcat-produce-" + codec + "-01.req.bin");
    if (codec != "none")
      CHECK(std::count(c.codecs.begin(), c.codecs.end(), parse_codec(codec)) > 0);
    std::multiset<std::pair<std::string, std::string>> got;
    for (const Record& r : c.records) got.emplace(r.key.value_or(""), r.value.value_or(""));
    CHECK(got == lines);
  }
}

TEST_CASE("golden: librdkafka legacy message sets, magic 0 and 1, and CRC-32") {
  for (const std::string& codec : {codecs[0], codecs[1], codecs[2]}) {
    for (int magic : {0, 1}) {
      CAPTURE(codec);
      CAPTURE(magic);
      std::string file =
          (magic == 0 ? "rdkafka-fallback090-produce-" : "rdkafka-kafka0102-produce-") + codec +
          "-01.req.bin";
      Capture c = read_capture(file);
      REQUIRE_FALSE(c.codecs.empty());
      for (auto k : c.codecs) CHECK(k == parse_codec(codec));
      // KIP-57: the lz4 header checksum is the broken one for magic 0 only.
      for (bool legacy : c.lz4_legacy) CHECK(legacy == (magic == 0));
      if (codec == "lz4") CHECK_FALSE(c.lz4_legacy.empty());
      check_peers_records(c, codec, magic);
    }
  }
}
