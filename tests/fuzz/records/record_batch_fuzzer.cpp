// libFuzzer target: any bytes as a RECORDS blob. Every batch is decoded, every record,
// header and control record touched. Checks beyond "no crash, no sanitizer report, no
// unbounded allocation": a v2 batch that decodes, rebuilt with the builder from its header
// fields and records, must decode again to the same records (else abort()).
//
// CRCs are not verified on the main pass (random bytes almost never carry a right one, and
// the interesting code is behind the check); each batch is decoded once more with
// verification, which must then fail only with a CRC mismatch if at all.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "protocol/records/control_record.hpp"
#include "protocol/records/record_batch_builder.hpp"
#include "protocol/records/record_batch_reader.hpp"

using namespace kafkit::protocol;

namespace {

// Small enough that a decompression bomb (and recompressing what it inflated to) costs the
// fuzzer little, big enough for the seeds.
constexpr size_t fuzz_max_decompressed = size_t(1) << 20;

struct Owned {
  int64_t offset;
  int64_t timestamp;
  int8_t attributes;
  std::optional<Bytes> key, value;
  std::vector<std::pair<std::string, std::optional<Bytes>>> headers;
  bool operator==(const Owned&) const = default;
};

std::optional<Bytes> own(std::optional<ByteView> v) {
  if (!v) return std::nullopt;
  return Bytes(v->begin(), v->end());
}

// Copies every record (touching every byte of every view) and checks what can be checked.
std::vector<Owned> records_of(const RecordBatchView& batch) {
  std::vector<Owned> out;
  for (const RecordView& r : batch.records()) {
    Owned o{r.offset, r.timestamp, r.attributes, own(r.key), own(r.value), {}};
    size_t headers = 0;
    for (const RecordHeader& h : r.headers) {
      o.headers.emplace_back(std::string(h.key), own(h.value));
      ++headers;
    }
    if (headers != r.headers.size()) std::abort();
    if (batch.header().is_control()) {
      auto key = parse_control_record_key(r.key);
      if (key.ok() &&
          (key->type == ControlRecordType::abort || key->type == ControlRecordType::commit))
        (void)parse_end_txn_marker(r.value);
    }
    out.push_back(std::move(o));
  }
  if (out.size() != batch.records().size()) std::abort();
  return out;
}

void rebuild(const RecordBatchView& batch, const std::vector<Owned>& records) {
  const RecordBatchHeader& h = batch.header();
  RecordBatchBuilder builder(BatchOptions::from_header(h));
  for (const RecordView& r : batch.records())
    if (!builder.append(r).ok()) std::abort();
  auto bytes = builder.finish();
  if (!bytes.ok()) std::abort();
  RecordBatchView again;
  ReadOptions options;
  options.max_decompressed_size = fuzz_max_decompressed;
  if (!decode_record_batch(*bytes, again, options).ok()) std::abort();
  const RecordBatchHeader& g = again.header();
  if (g.base_offset != h.base_offset || g.partition_leader_epoch != h.partition_leader_epoch ||
      g.attributes != (h.attributes & 0x7f) || g.last_offset_delta != h.last_offset_delta ||
      g.base_timestamp != h.base_timestamp || g.producer_id != h.producer_id ||
      g.producer_epoch != h.producer_epoch || g.base_sequence != h.base_sequence ||
      g.record_count != h.record_count)
    std::abort();
  if (h.timestamp_type() == TimestampType::log_append_time && g.max_timestamp != h.max_timestamp)
    std::abort();
  if (records_of(again) != records) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView blob(reinterpret_cast<const std::byte*>(data), size);
  ReadOptions options;
  options.verify_crc = false;
  options.max_decompressed_size = fuzz_max_decompressed;
  RecordsReader reader(blob, options);
  RecordBatchView batch;
  for (;;) {
    size_t before = reader.position();
    auto st = reader.next(batch);
    if (!st.ok()) {
      if (st.error().message.empty() || reader.position() > size) std::abort();
      if (reader.position() == before) break;  // a framing error: nothing to continue from
      continue;                                // a content error: the next batch follows
    }
    if (*st != ReadStatus::batch) break;
    std::vector<Owned> records = records_of(batch);

    ReadOptions verify = options;
    verify.verify_crc = true;
    RecordBatchView checked;
    auto v = decode_record_batch(batch.bytes(), checked, verify, batch.position());
    if (!v.ok() && v.error().message.find("CRC") == std::string::npos) std::abort();

    if (!batch.is_legacy()) rebuild(batch, records);
  }
  return 0;
}
