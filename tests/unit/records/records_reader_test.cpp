// RecordsReader over a RECORDS blob: several batches, legacy messages mixed in, a partial
// batch at the end (not an error), and what happens after an error.
#include <doctest/doctest.h>

#include "protocol/records/byte_order.hpp"
#include "records_test_support.hpp"

using namespace kafkit::protocol;
using namespace kafkit::protocol::test;

namespace {

std::vector<OwnedRecord> three_records(int64_t first_ts) {
  std::vector<OwnedRecord> r(3);
  for (int i = 0; i < 3; ++i) {
    r[i].timestamp = first_ts + i;
    r[i].key = bytes_of("k" + std::to_string(i));
    r[i].value = bytes_of("value " + std::to_string(i));
  }
  return r;
}

Bytes two_batches_and_legacy() {
  BatchOptions a;
  a.base_offset = 0;
  BatchOptions b;
  b.base_offset = 3;
  b.codec = CompressionCodec::lz4;
  Bytes blob = build(a, three_records(1000));
  append_to(blob, build(b, three_records(2000)));
  LegacyMessageSpec m;
  m.offset = 6;
  m.magic = 1;
  m.timestamp = 3000;
  m.key = bytes_of("legacy");
  m.value = bytes_of("value");
  append_to(blob, legacy_message(m));
  return blob;
}

}  // namespace

TEST_CASE("a blob with several batches, legacy messages mixed in") {
  Bytes blob = two_batches_and_legacy();
  BlobContents c = read_blob(blob);
  REQUIRE_FALSE(c.error);
  CHECK(c.ended == ReadStatus::end);
  REQUIRE(c.records.size() == 3);
  CHECK(c.headers[0].magic == 2);
  CHECK(c.headers[1].codec() == CompressionCodec::lz4);
  CHECK(c.headers[2].magic == 1);
  CHECK(c.records[0][2].offset == 2);
  CHECK(c.records[1][0].offset == 3);
  CHECK(c.records[1][2].timestamp == 2002);
  CHECK(c.records[2][0].offset == 6);
  CHECK(c.records[2][0].timestamp == 3000);
  CHECK(c.spans[1].first == c.spans[0].second);
  CHECK(c.spans[2].first + c.spans[2].second == blob.size());
}

TEST_CASE("a partial batch at the end is an incomplete tail, at every cut") {
  Bytes blob = two_batches_and_legacy();
  BlobContents whole = read_blob(blob);
  for (size_t cut = 0; cut < blob.size(); ++cut) {
    CAPTURE(cut);
    BlobContents c = read_blob(ByteView(blob).first(cut));
    REQUIRE_FALSE(c.error);
    size_t complete = 0;
    while (complete < whole.spans.size() &&
           whole.spans[complete].first + whole.spans[complete].second <= cut)
      ++complete;
    CHECK(c.records.size() == complete);
    bool at_boundary =
        complete == 0 ? cut == 0
                      : whole.spans[complete - 1].first + whole.spans[complete - 1].second == cut;
    CHECK(c.ended == (at_boundary ? ReadStatus::end : ReadStatus::incomplete_tail));
  }
  RecordsReader reader(ByteView(blob).first(blob.size() - 1));
  RecordBatchView batch;
  for (int i = 0; i < 2; ++i) CHECK(*reader.next(batch) == ReadStatus::batch);
  CHECK(*reader.next(batch) == ReadStatus::incomplete_tail);
  CHECK(reader.remaining() == blob.size() - 1 - reader.position());
  CHECK(*reader.next(batch) == ReadStatus::incomplete_tail);  // and stays there
}

TEST_CASE("after a content error the reader continues with the next batch") {
  Bytes blob = two_batches_and_legacy();
  blob[80] ^= std::byte{1};  // inside the first batch's records: CRC mismatch
  RecordsReader reader(blob);
  RecordBatchView batch;
  auto first = reader.next(batch);
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code == corrupt_message_error);
  CHECK(first.error().message.find("record batch at byte 0 (base offset 0): CRC-32C mismatch") ==
        0);
  auto second = reader.next(batch);
  REQUIRE(second.ok());
  CHECK(*second == ReadStatus::batch);
  CHECK(batch.header().base_offset == 3);
}

TEST_CASE("framing errors stop the reader for good") {
  Bytes blob = two_batches_and_legacy();
  size_t second = read_blob(blob).spans[1].first;
  SUBCASE("a length below any format's minimum") {
    detail::store_be<int32_t>(blob.data() + second + batch_layout::batch_length, 13);
  }
  SUBCASE("a negative length") {
    detail::store_be<int32_t>(blob.data() + second + batch_layout::batch_length, -1);
  }
  SUBCASE("a length below the v2 minimum") {
    detail::store_be<int32_t>(blob.data() + second + batch_layout::batch_length, 48);
  }
  SUBCASE("an unknown magic") {
    blob[second + batch_layout::magic] = std::byte{3};
  }
  RecordsReader reader(blob);
  RecordBatchView batch;
  CHECK(*reader.next(batch) == ReadStatus::batch);
  auto bad = reader.next(batch);
  REQUIRE_FALSE(bad.ok());
  CAPTURE(bad.error().message);
  CHECK(bad.error().message.find("record batch at byte " + std::to_string(second)) == 0);
  auto again = reader.next(batch);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() == bad.error());
}

TEST_CASE("a batch view owns its decompressed records and can be moved") {
  BatchOptions o;
  o.codec = CompressionCodec::gzip;
  Bytes b = build(o, three_records(5));
  RecordBatchView batch;
  REQUIRE(decode_record_batch(b, batch).ok());
  RecordBatchView moved = std::move(batch);
  auto records = own_all(moved);
  REQUIRE(records.size() == 3);
  CHECK(records[2].value == bytes_of("value 2"));
  const RecordView& first = *moved.records().begin();
  CHECK(first.value->data() >= moved.record_bytes().data());
  CHECK(first.value->data() < moved.record_bytes().data() + moved.record_bytes().size());
}

TEST_CASE("an empty or null blob has no batches") {
  CHECK(read_blob({}).ended == ReadStatus::end);
  CHECK(read_blob({}).records.empty());
}
