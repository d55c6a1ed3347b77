// Writes the seed corpus of record-batch-fuzzer:
//   make-records-seeds OUT_DIR GOLDEN_DIR
// Hand-made batches (every codec, control batches, LogAppendTime, delete horizon,
// idempotent/transactional, legacy magic 0/1 plain and compressed, blobs of several batches,
// a partial tail, a bad CRC) and every RECORDS field of the golden Produce requests and
// Fetch responses (real librdkafka, kcat and mock bytes), one file each, named after what
// they hold. Identical blobs are written once.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "../../unit/records/golden_records.hpp"
#include "../../unit/records/records_test_support.hpp"
#include "protocol/records/control_record.hpp"

using namespace kafkit::protocol;
using namespace kafkit::protocol::test;

namespace {

std::filesystem::path out_dir;
std::set<Bytes> written;
int count = 0;

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

void seed(const std::string& name, const Bytes& data) {
  if (data.empty() || !written.insert(data).second) return;
  // "golden-kcat-consume-01.resp.bin frame 9 golden[2]" -> "golden-kcat-consume-01-resp-f9-p2"
  std::string file = name;
  replace_all(file, ".req.bin", "-req");
  replace_all(file, ".resp.bin", "-resp");
  replace_all(file, " frame ", "-f");
  replace_all(file, " golden[", "-p");
  replace_all(file, "]", "");
  replace_all(file, " ", "-");
  std::ofstream out(out_dir / file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
  ++count;
}

std::vector<OwnedRecord> sample_records() {
  std::vector<OwnedRecord> r(5);
  for (int i = 0; i < 5; ++i) {
    r[i].timestamp = 1700000000000 + i * 7;
    r[i].key = bytes_of("key-" + std::to_string(i));
    r[i].value =
        bytes_of("value " + std::to_string(i) + " the quick brown fox the quick brown fox");
  }
  r[1].key.reset();
  r[2].value.reset();
  r[3].key = Bytes{};
  r[3].value = Bytes{};
  r[0].headers = {{"h1", bytes_of("x")}, {"null", std::nullopt}};
  r[4].headers = {{"", Bytes{}}};
  return r;
}

const CompressionCodec codecs[] = {CompressionCodec::none, CompressionCodec::gzip,
                                   CompressionCodec::snappy, CompressionCodec::lz4,
                                   CompressionCodec::zstd};

void hand_made() {
  for (CompressionCodec c : codecs) {
    BatchOptions o;
    o.codec = c;
    o.base_offset = 42;
    seed("v2-" + std::string(codec_name(c)), build(o, sample_records()));
  }
  BatchOptions raw_snappy;
  raw_snappy.codec = CompressionCodec::snappy;
  raw_snappy.compress.snappy_xerial = false;
  seed("v2-snappy-raw", build(raw_snappy, sample_records()));
  seed("v2-empty", build({}, {}));

  seed("v2-protocol-facts-vector",
       hex("0000000000000000 00000047 ffffffff 02 3abf9785 0000 00000001 0000018bcfe56800 "
           "0000018bcfe56805 ffffffffffffffff ffff ffffffff 00000002 "
           "10 00 00 00 01 04 6869 00 18 00 0a 02 02 6b 02 76 02 02 68 02 78"));

  for (auto type : {ControlRecordType::commit, ControlRecordType::abort}) {
    EndTxnMarkerBatch m;
    m.type = type;
    m.producer_id = 77;
    m.producer_epoch = 2;
    m.coordinator_epoch = 5;
    m.base_offset = 10;
    m.timestamp = 1700000000000;
    seed(type == ControlRecordType::commit ? "v2-control-commit" : "v2-control-abort",
         *build_end_txn_marker_batch(m));
  }

  BatchOptions lat;
  lat.timestamp_type = TimestampType::log_append_time;
  lat.log_append_time = 1800000000000;
  lat.codec = CompressionCodec::lz4;
  seed("v2-log-append-time-lz4", build(lat, sample_records()));

  BatchOptions horizon;
  horizon.delete_horizon_ms = 1600000000000;
  seed("v2-delete-horizon", build(horizon, sample_records()));

  BatchOptions txn;
  txn.producer_id = 123456;
  txn.producer_epoch = 3;
  txn.base_sequence = 1000;
  txn.transactional = true;
  txn.codec = CompressionCodec::zstd;
  seed("v2-transactional-zstd", build(txn, sample_records()));

  // Legacy message sets.
  auto legacy = [](int8_t magic, int64_t offset, const char* value) {
    LegacyMessageSpec m;
    m.magic = magic;
    m.offset = offset;
    m.timestamp = magic == 1 ? 1700000000000 + offset : -1;
    m.key = bytes_of("k" + std::to_string(offset));
    m.value = bytes_of(value);
    return legacy_message(m);
  };
  for (int8_t magic : {0, 1}) {
    Bytes set = legacy(magic, 0, "first");
    append_to(set, legacy(magic, 1, "second"));
    seed("legacy-v" + std::to_string(magic) + "-plain", set);
    for (CompressionCodec c :
         {CompressionCodec::gzip, CompressionCodec::snappy, CompressionCodec::lz4}) {
      Bytes compressed;
      if (!compress(c, set, compressed).ok()) continue;
      LegacyMessageSpec w;
      w.magic = magic;
      w.offset = magic == 1 ? 101 : 1;
      w.attributes = int8_t(c);
      w.timestamp = magic == 1 ? 1700000000001 : -1;
      w.value = compressed;
      seed("legacy-v" + std::to_string(magic) + "-" + std::string(codec_name(c)),
           legacy_message(w));
    }
  }

  // Blobs: several batches with a legacy message between them, then a cut one.
  BatchOptions second;
  second.base_offset = 47;
  second.codec = CompressionCodec::gzip;
  Bytes blob = build({}, sample_records());
  append_to(blob, legacy(1, 5, "legacy in between"));
  append_to(blob, build(second, sample_records()));
  seed("blob-mixed", blob);
  Bytes tail = blob;
  append_to(tail, build({}, sample_records()));
  tail.resize(tail.size() - 20);
  seed("blob-incomplete-tail", tail);
  Bytes bad_crc = build({}, sample_records());
  bad_crc[70] ^= std::byte{0x20};
  seed("v2-bad-crc", bad_crc);
}

void golden(const std::string& dir) {
  auto manifest = read_golden_file(dir, "MANIFEST.tsv");
  if (!manifest) {
    std::fprintf(stderr, "make-records-seeds: no MANIFEST.tsv in %s\n", dir.c_str());
    std::exit(1);
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".bin") files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    auto data = read_golden_file(dir, f);
    std::string error;
    std::vector<PartitionRecords> parts =
        f.ends_with(".req.bin")
            ? golden_produce_records(*data, f, error)
            : golden_fetch_records(*data, std::string(as_chars(*manifest)), f, error);
    if (!error.empty()) std::fprintf(stderr, "make-records-seeds: %s\n", error.c_str());
    for (const PartitionRecords& p : parts) seed("golden-" + p.where, p.records);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make-records-seeds OUT_DIR GOLDEN_DIR\n");
    return 2;
  }
  out_dir = argv[1];
  std::filesystem::create_directories(out_dir);
  hand_made();
  golden(argv[2]);
  std::printf("wrote %d seeds to %s\n", count, argv[1]);
  return 0;
}
