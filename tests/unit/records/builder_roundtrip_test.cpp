// Builder -> reader round trips with random records in every codec: null and empty keys
// and values, headers with null values, big values, many records, producer fields.
#include <doctest/doctest.h>

#include "protocol/random_source.hpp"
#include "records_test_support.hpp"

using namespace kafkit::protocol;
using namespace kafkit::protocol::test;

namespace {

constexpr CompressionCodec all_codecs[] = {CompressionCodec::none, CompressionCodec::gzip,
                                           CompressionCodec::snappy, CompressionCodec::lz4,
                                           CompressionCodec::zstd};

Bytes random_bytes(RandomSource& rnd, size_t max_size) {
  Bytes b(rnd.below(max_size + 1));
  // Repetitive text compresses; random bytes do not: use both.
  bool text = rnd.boolean();
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = std::byte(text ? uint8_t('a' + (i % 7)) : uint8_t(rnd.next()));
  return b;
}

std::vector<OwnedRecord> random_records(RandomSource& rnd, size_t count, size_t max_value) {
  std::vector<OwnedRecord> out(count);
  int64_t ts = 1700000000000;
  for (size_t i = 0; i < count; ++i) {
    OwnedRecord& r = out[i];
    r.offset = int64_t(i);
    ts += int64_t(rnd.below(2000)) - 500;  // timestamps may go backwards
    r.timestamp = ts;
    if (!rnd.chance(5)) r.key = random_bytes(rnd, 20);
    if (!rnd.chance(6)) r.value = random_bytes(rnd, max_value);
    for (size_t h = rnd.below(4); h > 0; --h) {
      OwnedHeader hd;
      hd.key = "h" + std::to_string(rnd.below(100));
      if (!rnd.chance(3)) hd.value = random_bytes(rnd, 30);
      r.headers.push_back(hd);
    }
  }
  return out;
}

void check_round_trip(const BatchOptions& o, std::vector<OwnedRecord> in) {
  Bytes b = build(o, in);
  RecordBatchHeader h;
  auto out = decode_records(b, &h);
  for (OwnedRecord& r : in) r.offset += o.base_offset;
  CHECK(out == in);
  CHECK(h.codec() == o.codec);
  CHECK(h.record_count == int32_t(in.size()));
  CHECK(h.last_offset_delta == int32_t(in.size()) - 1);
  CHECK(h.producer_id == o.producer_id);
  CHECK(h.producer_epoch == o.producer_epoch);
  CHECK(h.base_sequence == o.base_sequence);
  CHECK(h.is_transactional() == o.transactional);
  int64_t max_ts = -1;
  for (const OwnedRecord& r : in) max_ts = std::max(max_ts, r.timestamp);
  CHECK(h.max_timestamp == max_ts);
  if (!in.empty()) CHECK(h.base_timestamp == in[0].timestamp);

  // Skipping CRC verification decodes the same records.
  ReadOptions fast;
  fast.verify_crc = false;
  CHECK(decode_records(b, nullptr, fast) == in);
}

}  // namespace

TEST_CASE("random records round-trip in every codec") {
  RandomSource rnd(42);
  for (CompressionCodec codec : all_codecs) {
    CAPTURE(codec_name(codec));
    for (int round = 0; round < 20; ++round) {
      CAPTURE(round);
      BatchOptions o;
      o.codec = codec;
      o.base_offset = int64_t(rnd.below(1000000));
      if (rnd.boolean()) {
        o.producer_id = int64_t(rnd.below(1 << 20));
        o.producer_epoch = int16_t(rnd.below(100));
        o.base_sequence = int32_t(rnd.below(1 << 30));
        o.transactional = rnd.boolean();
      }
      check_round_trip(o, random_records(rnd, rnd.below(50), 300));
    }
  }
}

TEST_CASE("big values and many records round-trip in every codec") {
  RandomSource rnd(7);
  for (CompressionCodec codec : all_codecs) {
    CAPTURE(codec_name(codec));
    BatchOptions o;
    o.codec = codec;
    // Values over 64 KiB cross lz4 blocks and snappy's 32 KiB xerial chunks.
    std::vector<OwnedRecord> big = random_records(rnd, 4, 10);
    big[1].value = Bytes(300000, std::byte{'x'});
    big[2].value = random_bytes(rnd, 200000);
    check_round_trip(o, big);
    check_round_trip(o, random_records(rnd, 20000, 20));
  }
}

TEST_CASE("snappy round-trips with and without the xerial framing") {
  RandomSource rnd(3);
  for (bool xerial : {true, false}) {
    BatchOptions o;
    o.codec = CompressionCodec::snappy;
    o.compress.snappy_xerial = xerial;
    check_round_trip(o, random_records(rnd, 500, 200));
  }
}

TEST_CASE("re-encoding decoded records keeps offsets, timestamps, attributes and headers") {
  RandomSource rnd(11);
  BatchOptions o;
  o.base_offset = 500;
  Bytes first = build(o, random_records(rnd, 30, 100));
  RecordBatchView batch;
  REQUIRE(decode_record_batch(first, batch).ok());
  RecordBatchBuilder again(BatchOptions::from_header(batch.header()));
  for (const RecordView& r : batch.records()) REQUIRE(again.append(r).ok());
  auto second = again.finish();
  REQUIRE(second.ok());
  CHECK(*second == first);

  // Gaps in offsets (as compaction leaves them) and a larger lastOffsetDelta are kept.
  RecordBatchBuilder gaps(BatchOptions::from_header(batch.header()));
  int i = 0;
  for (const RecordView& r : batch.records()) {
    if (i++ % 3 != 0) continue;
    REQUIRE(gaps.append(r).ok());
  }
  auto compacted = gaps.finish();
  REQUIRE(compacted.ok());
  RecordBatchHeader h;
  auto kept = decode_records(*compacted, &h);
  CHECK(h.last_offset_delta == 29);
  CHECK(kept.size() == 10);
  CHECK(kept[1].offset == 503);
}

TEST_CASE("builder limits are errors") {
  RecordBatchBuilder b;
  RecordView far;
  far.offset = int64_t(1) << 40;
  CHECK_FALSE(b.append(far).ok());
  CHECK(b.empty());
  BatchOptions o;
  o.base_offset = 10;
  RecordBatchBuilder before(o);
  RecordView earlier;
  earlier.offset = 5;  // a negative delta is representable, and kept
  REQUIRE(before.append(earlier).ok());
  auto out = before.finish();
  REQUIRE(out.ok());
  CHECK(decode_records(*out)[0].offset == 5);
}

TEST_CASE("record_size matches what the builder writes") {
  RecordBatchBuilder b;
  RecordHeader h[] = {{"a", std::nullopt}, {"bb", as_bytes("ccc")}};
  size_t before = b.size_in_bytes();
  REQUIRE(b.append(as_bytes("key"), std::nullopt, 5, h).ok());
  CHECK(b.size_in_bytes() - before ==
        RecordBatchBuilder::record_size(0, 0, as_bytes("key"), std::nullopt, h));
}
