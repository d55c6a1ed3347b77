// RecordBatch v2 layout: the byte-exact test vector of protocol-facts §3.1, header fields
// and attribute bits, the in-place rewrites a broker makes, control records.
#include <doctest/doctest.h>

#include "protocol/records/control_record.hpp"
#include "protocol/records/record_batch.hpp"
#include "records_test_support.hpp"

using namespace kafkit::protocol;
using namespace kafkit::protocol::test;

namespace {

// Two records: key null / value "hi"; then tsDelta 5, key "k", value "v", header h="x".
// baseTimestamp 1700000000000, no producer id, uncompressed, leader epoch -1.
const char* const vector_hex =
    "0000000000000000 00000047 ffffffff 02 3abf9785 0000 00000001 0000018bcfe56800 "
    "0000018bcfe56805 ffffffffffffffff ffff ffffffff 00000002 "
    "10 00 00 00 01 04 6869 00 "
    "18 00 0a 02 02 6b 02 76 02 02 68 02 78";

}  // namespace

TEST_CASE("the builder writes the protocol-facts test vector byte for byte") {
  RecordBatchBuilder b;
  REQUIRE(b.append(std::nullopt, as_bytes("hi"), 1700000000000).ok());
  RecordHeader h{"h", as_bytes("x")};
  REQUIRE(b.append(as_bytes("k"), as_bytes("v"), 1700000000005, {&h, 1}).ok());
  CHECK(b.record_count() == 2);
  auto out = b.finish();
  REQUIRE(out.ok());
  CHECK(*out == hex(vector_hex));
  CHECK(compute_batch_crc(*out) == 0x3abf9785u);
  CHECK(b.empty());  // finish() leaves the builder ready for the next batch
}

TEST_CASE("the test vector decodes") {
  Bytes v = hex(vector_hex);
  RecordBatchView batch;
  REQUIRE(decode_record_batch(v, batch).ok());
  const RecordBatchHeader& h = batch.header();
  CHECK(h.base_offset == 0);
  CHECK(h.batch_length == 0x47);
  CHECK(h.partition_leader_epoch == -1);
  CHECK(h.magic == 2);
  CHECK(h.crc == 0x3abf9785u);
  CHECK(h.codec() == CompressionCodec::none);
  CHECK(h.timestamp_type() == TimestampType::create_time);
  CHECK_FALSE(h.is_transactional());
  CHECK_FALSE(h.is_control());
  CHECK_FALSE(h.delete_horizon_ms());
  CHECK(h.last_offset_delta == 1);
  CHECK(h.base_timestamp == 1700000000000);
  CHECK(h.max_timestamp == 1700000000005);
  CHECK(h.producer_id == -1);
  CHECK(h.producer_epoch == -1);
  CHECK(h.base_sequence == -1);
  CHECK(h.record_count == 2);
  CHECK(h.next_offset() == 2);
  CHECK(h.size_in_bytes() == v.size());
  CHECK(batch.records().size() == 2);

  std::vector<RecordView> rs;
  for (const RecordView& r : batch.records()) rs.push_back(r);
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].offset == 0);
  CHECK(rs[0].timestamp == 1700000000000);
  CHECK_FALSE(rs[0].key);
  REQUIRE(rs[0].value);
  CHECK(as_chars(*rs[0].value) == "hi");
  CHECK(rs[0].headers.empty());
  CHECK(rs[1].offset == 1);
  CHECK(rs[1].timestamp == 1700000000005);
  CHECK(as_chars(*rs[1].key) == "k");
  CHECK(as_chars(*rs[1].value) == "v");
  REQUIRE(rs[1].headers.size() == 1);
  const RecordHeader& hd = *rs[1].headers.begin();
  CHECK(hd.key == "h");
  CHECK(as_chars(*hd.value) == "x");
  // Zero copy: the value views point into the input bytes.
  CHECK(rs[1].value->data() >= v.data());
  CHECK(rs[1].value->data() < v.data() + v.size());
}

TEST_CASE("header fields and attribute bits survive a write and parse") {
  RecordBatchHeader h;
  h.base_offset = 0x0102030405060708;
  h.batch_length = 49;
  h.partition_leader_epoch = 7;
  h.crc = 0xdeadbeef;
  h.attributes = make_batch_attributes(CompressionCodec::zstd, TimestampType::log_append_time, true,
                                       true, true);
  h.last_offset_delta = 9;
  h.base_timestamp = 11;
  h.max_timestamp = 12;
  h.producer_id = 13;
  h.producer_epoch = 14;
  h.base_sequence = 15;
  h.record_count = 16;
  Bytes b(batch_layout::header_size);
  write_batch_header(h, b);
  auto back = parse_batch_header(b);
  REQUIRE(back.ok());
  CHECK(*back == h);
  CHECK(h.attributes == 0x7c);
  CHECK(back->codec() == CompressionCodec::zstd);
  CHECK(back->timestamp_type() == TimestampType::log_append_time);
  CHECK(back->is_transactional());
  CHECK(back->is_control());
  CHECK(back->delete_horizon_ms() == 11);

  b[batch_layout::magic] = std::byte{1};
  CHECK_FALSE(parse_batch_header(b).ok());
  CHECK_FALSE(parse_batch_header(ByteView(b).first(60)).ok());
}

TEST_CASE("base offset and leader epoch are rewritten in place without touching the CRC") {
  Bytes v = hex(vector_hex);
  set_base_offset(v, 1000);
  set_partition_leader_epoch(v, 5);
  auto records = decode_records(v);
  CHECK(records[0].offset == 1000);
  CHECK(records[1].offset == 1001);
  RecordBatchView batch;
  REQUIRE(decode_record_batch(v, batch).ok());
  CHECK(batch.header().partition_leader_epoch == 5);
  CHECK(batch.header().crc == 0x3abf9785u);
}

TEST_CASE("LogAppendTime: every record's timestamp is the batch's maxTimestamp") {
  BatchOptions o;
  o.timestamp_type = TimestampType::log_append_time;
  o.log_append_time = 1800000000000;
  std::vector<OwnedRecord> in(3);
  for (int i = 0; i < 3; ++i) {
    in[i].timestamp = 1700000000000 + i * 10;
    in[i].value = bytes_of("v");
  }
  Bytes b = build(o, in);
  RecordBatchHeader h;
  auto out = decode_records(b, &h);
  CHECK(h.timestamp_type() == TimestampType::log_append_time);
  CHECK(h.max_timestamp == 1800000000000);
  CHECK(h.base_timestamp == 1700000000000);
  for (const OwnedRecord& r : out) CHECK(r.timestamp == 1800000000000);
}

TEST_CASE("delete horizon (KIP-534) is written as baseTimestamp with bit 6") {
  BatchOptions o;
  o.delete_horizon_ms = 1600000000000;
  std::vector<OwnedRecord> in(2);
  in[0].timestamp = 1700000000000;
  in[1].timestamp = 1700000000100;
  Bytes b = build(o, in);
  RecordBatchHeader h;
  auto out = decode_records(b, &h);
  CHECK(h.has_delete_horizon());
  CHECK(h.delete_horizon_ms() == 1600000000000);
  CHECK(h.max_timestamp == 1700000000100);
  CHECK(out[0].timestamp == 1700000000000);
  CHECK(out[1].timestamp == 1700000000100);
}

TEST_CASE("an empty batch") {
  RecordBatchBuilder b;
  auto out = b.finish();
  REQUIRE(out.ok());
  CHECK(out->size() == batch_layout::header_size);
  RecordBatchHeader h;
  CHECK(decode_records(*out, &h).empty());
  CHECK(h.record_count == 0);
  CHECK(h.last_offset_delta == -1);
  CHECK(h.base_timestamp == -1);
  CHECK(h.max_timestamp == -1);
}

TEST_CASE("control records: COMMIT and ABORT markers") {
  for (auto type : {ControlRecordType::commit, ControlRecordType::abort}) {
    EndTxnMarkerBatch m;
    m.type = type;
    m.producer_id = 4242;
    m.producer_epoch = 3;
    m.coordinator_epoch = 17;
    m.base_offset = 100;
    m.timestamp = 1700000000000;
    auto bytes = build_end_txn_marker_batch(m);
    REQUIRE(bytes.ok());
    RecordBatchView batch;
    REQUIRE(decode_record_batch(*bytes, batch).ok());
    const RecordBatchHeader& h = batch.header();
    CHECK(h.is_control());
    CHECK(h.is_transactional());
    CHECK(h.producer_id == 4242);
    CHECK(h.producer_epoch == 3);
    CHECK(h.base_sequence == -1);
    CHECK(h.base_offset == 100);
    CHECK(h.record_count == 1);
    const RecordView& r = *batch.records().begin();
    CHECK(r.offset == 100);
    CHECK(r.timestamp == 1700000000000);
    CHECK(own(r.key) == hex(type == ControlRecordType::commit ? "00000001" : "00000000"));
    CHECK(own(r.value) == hex("0000 00000011"));
    auto key = parse_control_record_key(r.key);
    REQUIRE(key.ok());
    CHECK(key->version == 0);
    CHECK(key->type == type);
    auto marker = parse_end_txn_marker(r.value);
    REQUIRE(marker.ok());
    CHECK(marker->coordinator_epoch == 17);
  }
}

TEST_CASE("control record keys and values: versions, sizes, unknown types") {
  Bytes newer = hex("0001 0002 ffff");  // version 1 with extra bytes: read as version 0
  auto k = parse_control_record_key(ByteView(newer));
  REQUIRE(k.ok());
  CHECK(k->version == 1);
  CHECK(k->type == ControlRecordType::leader_change);
  Bytes unknown = hex("0000 0063");
  CHECK(static_cast<int16_t>(parse_control_record_key(ByteView(unknown))->type) == 99);
  CHECK_FALSE(parse_control_record_key(std::nullopt).ok());
  Bytes short_key = hex("000001");
  CHECK_FALSE(parse_control_record_key(ByteView(short_key)).ok());
  Bytes negative = hex("ffff 0001");
  CHECK_FALSE(parse_control_record_key(ByteView(negative)).ok());

  Bytes value = hex("0000 7fffffff");
  CHECK(parse_end_txn_marker(ByteView(value))->coordinator_epoch == INT32_MAX);
  Bytes short_value = hex("0000 000000");
  CHECK_FALSE(parse_end_txn_marker(ByteView(short_value)).ok());
  CHECK_FALSE(parse_end_txn_marker(std::nullopt).ok());
  CHECK(encode_control_record_key(ControlRecordType::commit) == hex("00000001"));
  CHECK(encode_end_txn_marker(-1) == hex("0000ffffffff"));

  EndTxnMarkerBatch bad;
  bad.type = ControlRecordType::leader_change;
  CHECK_FALSE(build_end_txn_marker_batch(bad).ok());
}
