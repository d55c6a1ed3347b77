// Interop proof against real third-party bytes (tests/golden/data): every record batch that
// librdkafka 2.0.2 and kcat wrote into Produce requests (v2 batches in every codec,
// transactional batches, legacy magic 0 and magic 1 message sets) and every batch the
// librdkafka mock served in Fetch responses decodes with its CRC verified, holds exactly
// the records tests/golden/capture/peers.c produced, and rebuilds with our builder into a
// batch with the same records (byte for byte when uncompressed).
//
// The RECORDS fields are cut out of the frames with protocol::Reader (golden_records.hpp):
// this test links protocol_core only, not the generated message code.
#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "golden_records.hpp"
#include "records_test_support.hpp"

using namespace kafkit::protocol;
using namespace kafkit::protocol::test;

namespace {

const std::string golden_dir = KAFKIT_GOLDEN_DIR;
constexpr int64_t base_ts = 1700000000000;  // peers.c BASE_TS

Bytes read_file(const std::string& name) {
  auto data = read_golden_file(golden_dir, name);
  REQUIRE_MESSAGE(data, "missing golden file " << name);
  return std::move(*data);
}

std::vector<PartitionRecords> produce_records(const std::string& file) {
  std::string error;
  auto out = golden_produce_records(read_file(file), file, error);
  CHECK_MESSAGE(error.empty(), error);
  return out;
}

std::vector<PartitionRecords> fetch_records(const std::string& file) {
  std::string error;
  Bytes manifest = read_file("MANIFEST.tsv");
  auto out = golden_fetch_records(read_file(file), std::string(as_chars(manifest)), file, error);
  CHECK_MESSAGE(error.empty(), error);
  return out;
}

/// What peers.c produce_records() wrote for record `idx` with tag `tag`.
OwnedRecord peers_record(int idx, const std::string& tag, bool headers, bool timestamps) {
  char key[64], value[256];
  std::snprintf(key, sizeof key, "key-%03d", idx);
  std::snprintf(value, sizeof value,
                "%s value %03d: the quick brown fox jumps over the lazy dog; the quick brown "
                "fox jumps over the lazy dog",
                tag.c_str(), idx);
  OwnedRecord r;
  r.timestamp = timestamps ? base_ts + idx * 1000 : -1;
  r.key = bytes_of(key);
  r.value = bytes_of(value);
  switch (idx % 7) {
    case 1:
      r.key.reset();
      break;
    case 3:
      r.value.reset();
      break;
    case 5:  // librdkafka keeps a zero-length key and value as empty, not null
      r.key = Bytes{};
      r.value = Bytes{};
      break;
  }
  if (headers && idx % 2 == 0) {
    r.headers.push_back({"idx", bytes_of(std::to_string(idx))});
    r.headers.push_back({"codec", bytes_of(tag)});
    if (idx % 4 == 0) r.headers.push_back({"nullhdr", std::nullopt});
  }
  return r;
}

/// Rebuilds a decoded v2 batch with the builder (same header fields, same codec) and checks
/// the result decodes to the same records; uncompressed, the bytes must be identical.
void check_rebuild(const RecordBatchView& batch, const std::string& where) {
  CAPTURE(where);
  const RecordBatchHeader& h = batch.header();
  RecordBatchBuilder builder(BatchOptions::from_header(h));
  for (const RecordView& r : batch.records()) REQUIRE(builder.append(r).ok());
  auto rebuilt = builder.finish();
  REQUIRE(rebuilt.ok());
  RecordBatchHeader h2;
  CHECK(decode_records(*rebuilt, &h2) == own_all(batch));
  if (h.codec() == CompressionCodec::none) {
    CHECK(*rebuilt == Bytes(batch.bytes().begin(), batch.bytes().end()));
  } else {
    h2.batch_length = h.batch_length;
    h2.crc = h.crc;
    CHECK(h2 == h);
  }
}

struct Decoded {
  std::vector<RecordBatchHeader> headers;
  std::vector<int32_t> partitions;
  std::vector<std::vector<OwnedRecord>> records;  // per batch
  size_t incomplete_tails = 0;
};

/// Decodes every batch of every partition, CRCs verified; rebuilds each v2 batch.
Decoded decode_all(const std::vector<PartitionRecords>& parts) {
  Decoded d;
  for (const PartitionRecords& p : parts) {
    CAPTURE(p.where);
    RecordsReader reader(p.records);
    RecordBatchView batch;
    for (;;) {
      auto st = reader.next(batch);
      REQUIRE_MESSAGE(st.ok(), st.error().message);
      if (*st == ReadStatus::incomplete_tail) ++d.incomplete_tails;
      if (*st != ReadStatus::batch) break;
      d.headers.push_back(batch.header());
      d.partitions.push_back(p.partition);
      d.records.push_back(own_all(batch));
      if (!batch.is_legacy()) check_rebuild(batch, p.where);
    }
  }
  return d;
}

CompressionCodec codec_of(const std::string& name) {
  auto c = parse_codec(name);
  REQUIRE(c);
  return *c;
}

const std::vector<std::string> codecs = {"none", "gzip", "snappy", "lz4", "zstd"};
// zstd needs Produce v7 / magic 2.
const std::vector<std::string> legacy_codecs = {"none", "gzip", "snappy", "lz4"};

}  // namespace

TEST_CASE("golden: librdkafka idempotent Produce v7 batches in every codec") {
  for (const std::string& codec : codecs) {
    CAPTURE(codec);
    auto parts = produce_records("rdkafka-produce-" + codec + "-01.req.bin");
    Decoded d = decode_all(parts);
    REQUIRE(d.records.size() == 3);
    CHECK(d.incomplete_tails == 0);
    std::set<int> seen;
    for (size_t b = 0; b < d.records.size(); ++b) {
      const RecordBatchHeader& h = d.headers[b];
      CHECK(h.magic == 2);
      CHECK(h.codec() == codec_of(codec));
      CHECK(h.producer_id >= 0);  // idempotent: InitProducerId gave an id
      CHECK(h.producer_epoch == 0);
      CHECK(h.base_sequence == 0);
      CHECK_FALSE(h.is_transactional());
      CHECK(h.record_count == int32_t(d.records[b].size()));
      CHECK(h.last_offset_delta == h.record_count - 1);
      for (size_t i = 0; i < d.records[b].size(); ++i) {
        const OwnedRecord& r = d.records[b][i];
        int idx = int((r.timestamp - base_ts) / 1000);
        CAPTURE(idx);
        CHECK(d.partitions[b] == idx % 3);
        CHECK(r.offset == int64_t(i));
        OwnedRecord want = peers_record(idx, codec, true, true);
        want.offset = r.offset;
        CHECK(r == want);
        CHECK(seen.insert(idx).second);
      }
    }
    CHECK(seen.size() == 20);
  }
}

TEST_CASE("golden: librdkafka transactional Produce batches (commit and abort)") {
  Decoded d = decode_all(produce_records("rdkafka-txn-01.req.bin"));
  auto more = decode_all(produce_records("rdkafka-txn-02.req.bin"));
  std::set<int> seen;
  REQUIRE(d.records.size() >= 2);
  for (size_t b = 0; b < d.records.size(); ++b) {
    CHECK(d.headers[b].is_transactional());
    CHECK_FALSE(d.headers[b].is_control());
    CHECK(d.headers[b].producer_id >= 0);
    for (const OwnedRecord& r : d.records[b]) {
      int idx = int((r.timestamp - base_ts) / 1000);
      CAPTURE(idx);
      OwnedRecord want = peers_record(idx, idx < 200 ? "txn1" : "txn2", true, true);
      want.offset = r.offset;
      CHECK(r == want);
      CHECK(d.partitions[b] == idx % 3);
      CHECK(seen.insert(idx).second);
    }
  }
  CHECK(seen == std::set<int>{100, 101, 102, 103, 104, 105, 200, 201, 202});
  CHECK(more.records.empty());  // the second connection only initialises the producer
}

TEST_CASE("golden: kcat Produce batches") {
  const std::set<std::pair<std::string, std::string>> lines = {
      {"k1", "hello"},
      {"k2", "world"},
      {"", "no key here"},
      {"k4", ""},
      {"k5",
       "the quick brown fox jumps over the lazy dog, the quick brown fox jumps over the lazy "
       "dog"}};
  for (const std::string& codec : codecs) {
    CAPTURE(codec);
    Decoded d = decode_all(produce_records("kcat-produce-" + codec + "-01.req.bin"));
    std::set<std::pair<std::string, std::string>> seen;
    bool compressed = false;
    for (size_t b = 0; b < d.records.size(); ++b) {
      // librdkafka sends a batch uncompressed when compressing does not make it smaller.
      CHECK((d.headers[b].codec() == codec_of(codec) ||
             d.headers[b].codec() == CompressionCodec::none));
      compressed |= d.headers[b].codec() != CompressionCodec::none;
      for (const OwnedRecord& r : d.records[b]) {
        REQUIRE(r.key);
        REQUIRE(r.value);
        CHECK(r.headers.empty());
        CHECK(r.timestamp > base_ts);  // wall-clock time of the capture
        seen.emplace(as_chars(*r.key), as_chars(*r.value));
      }
    }
    CHECK(seen == lines);
    if (codec != "none") CHECK(compressed);
  }
}

TEST_CASE("golden: legacy magic 0 message sets (Produce v1, broker.version.fallback=0.9.0)") {
  for (const std::string& codec : legacy_codecs) {
    CAPTURE(codec);
    Decoded d = decode_all(produce_records("rdkafka-fallback090-produce-" + codec + "-01.req.bin"));
    // magic 0 has no timestamps and no headers: records are matched by order per partition.
    std::map<int32_t, std::vector<OwnedRecord>> by_partition;
    for (size_t b = 0; b < d.records.size(); ++b) {
      CHECK(d.headers[b].magic == 0);
      CHECK(d.headers[b].codec() == codec_of(codec));
      CHECK(d.headers[b].timestamp_type() == TimestampType::none);
      for (const OwnedRecord& r : d.records[b]) by_partition[d.partitions[b]].push_back(r);
    }
    REQUIRE(by_partition.size() == 3);
    for (auto& entry : by_partition) {
      int32_t partition = entry.first;  // not a structured binding: clang 14 cannot capture one
      std::vector<OwnedRecord>& records = entry.second;
      CAPTURE(partition);
      std::vector<OwnedRecord> want;
      for (int idx = partition; idx < 20; idx += 3)
        want.push_back(peers_record(idx, codec, false, false));
      REQUIRE(records.size() == want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        // A producer does not know offsets: librdkafka numbers a set's messages from 0
        // (compressed: absolute magic 0 inner offsets, so 0..n-1 as well).
        CHECK(records[i].offset == int64_t(i));
        want[i].offset = records[i].offset;
        CHECK(records[i] == want[i]);
      }
    }
  }
}

TEST_CASE("golden: legacy magic 1 message sets (Produce v2, Kafka 0.10.2 versions)") {
  for (const std::string& codec : legacy_codecs) {
    CAPTURE(codec);
    Decoded d = decode_all(produce_records("rdkafka-kafka0102-produce-" + codec + "-01.req.bin"));
    std::set<int> seen;
    for (size_t b = 0; b < d.records.size(); ++b) {
      const RecordBatchHeader& h = d.headers[b];
      CHECK(h.magic == 1);
      CHECK(h.codec() == codec_of(codec));
      CHECK(h.timestamp_type() == TimestampType::create_time);
      if (codec != "none") {
        // The wrapper's offset (0 from a producer) is that of the last inner message; the
        // relative inner offsets 0..n-1 count back from it.
        CHECK(h.record_count > 1);
        CHECK(h.last_offset() == 0);
        CHECK(h.base_offset == -int64_t(h.record_count - 1));
      }
      for (size_t i = 0; i < d.records[b].size(); ++i) {
        const OwnedRecord& r = d.records[b][i];
        int idx = int((r.timestamp - base_ts) / 1000);
        CAPTURE(idx);
        CHECK(r.offset == h.base_offset + int64_t(i));
        OwnedRecord want = peers_record(idx, codec, false, true);
        want.offset = r.offset;
        CHECK(r == want);
        CHECK(d.partitions[b] == idx % 3);
        CHECK(seen.insert(idx).second);
      }
    }
    CHECK(seen.size() == 20);
  }
}

TEST_CASE("golden: Fetch v11 responses of the librdkafka mock hold the seeded batches") {
  // `peers mock --seed`: 6 records per codec none/gzip/snappy/lz4/zstd, idx 0..29, each
  // codec's records produced by its own (non-idempotent) producer.
  for (const char* file : {"rdkafka-consume-group-01.resp.bin", "rdkafka-query-01.resp.bin",
                           "kcat-consume-01.resp.bin", "kcat-group-01.resp.bin"}) {
    CAPTURE(file);
    auto parts = fetch_records(file);
    REQUIRE_FALSE(parts.empty());
    for (const PartitionRecords& p : parts) CHECK(p.api_version == 11);
    Decoded d = decode_all(parts);
    CHECK(d.incomplete_tails == 0);
    std::map<int, std::pair<int32_t, int64_t>> where;  // idx -> partition, offset
    for (size_t b = 0; b < d.records.size(); ++b) {
      const RecordBatchHeader& h = d.headers[b];
      CHECK(h.magic == 2);
      CHECK(h.producer_id == -1);
      for (const OwnedRecord& r : d.records[b]) {
        int idx = int((r.timestamp - base_ts) / 1000);
        CAPTURE(idx);
        REQUIRE(idx >= 0);
        REQUIRE(idx < 30);
        const std::string& codec = codecs[size_t(idx / 6)];
        CHECK((h.codec() == codec_of(codec) || h.codec() == CompressionCodec::none));
        OwnedRecord want = peers_record(idx, codec, true, true);
        want.offset = r.offset;
        CHECK(r == want);
        CHECK(d.partitions[b] == idx % 3);
        // A record fetched twice is the same record at the same offset.
        auto [it, fresh] = where.emplace(idx, std::make_pair(d.partitions[b], r.offset));
        if (!fresh) CHECK(it->second == std::make_pair(d.partitions[b], r.offset));
      }
    }
    if (std::string(file) != "rdkafka-query-01.resp.bin") CHECK(where.size() == 30);
    // Offsets of a partition are dense: the n-th record of partition p is at offset n.
    std::map<int32_t, int64_t> next;
    for (const auto& [idx, po] : where)
      if (std::string(file) != "rdkafka-query-01.resp.bin") CHECK(po.second == next[po.first]++);
  }
}

TEST_CASE("golden: the legacy consumers' Fetch v1 and v3 responses parse (empty topic)") {
  for (const char* file : {"rdkafka-fallback090-consume-group-01.resp.bin",
                           "rdkafka-kafka0102-consume-group-01.resp.bin"}) {
    CAPTURE(file);
    auto parts = fetch_records(file);
    REQUIRE_FALSE(parts.empty());
    Decoded d = decode_all(parts);
    CHECK(d.records.empty());
  }
}
