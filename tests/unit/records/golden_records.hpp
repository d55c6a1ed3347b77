#pragma once
// Cuts the RECORDS fields out of the golden captures (tests/golden/data) with
// protocol::Reader, for code that cannot link the generated messages: the record-layer
// tests and the record fuzzer's seed generator.
//
// Requests: INT32 size, request header v1 (INT16 key, INT16 version, INT32 correlation id,
// INT16-length client id), then a Produce v0-v8 body. Responses carry no api key, so Fetch
// response frames (v1-v11) are found through MANIFEST.tsv, which pairs them with their
// requests. Only non-flexible versions are handled (librdkafka 2.0.2 sends Produce v7 and
// Fetch v11).
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/reader.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol::test {

/// The RECORDS of one partition in one frame.
struct PartitionRecords {
  std::string where;  // "file frame N topic[p]"
  int16_t api_version = 0;
  int32_t partition = 0;
  Bytes records;  // empty for null records
};

inline std::optional<Bytes> read_golden_file(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/" + name, std::ios::binary);
  if (!in.good()) return std::nullopt;
  std::string s{std::istreambuf_iterator<char>(in), {}};
  ByteView v = as_bytes(s);
  return Bytes(v.begin(), v.end());
}

namespace golden_detail {

inline void partitions(Reader& r, int16_t version, bool fetch, const std::string& where,
                       std::vector<PartitionRecords>& out) {
  int32_t topics = r.array_count(false, false, 2, "topics");
  for (int32_t t = 0; t < topics && r.ok(); ++t) {
    std::string topic = r.string(false, "topic");
    int32_t count = r.array_count(false, false, 8, "partitions");
    for (int32_t p = 0; p < count && r.ok(); ++p) {
      PartitionRecords pr;
      pr.api_version = version;
      pr.partition = r.i32("partition");
      if (fetch) {
        r.i16("error_code");
        r.i64("high_watermark");
        if (version >= 4) r.i64("last_stable_offset");
        if (version >= 5) r.i64("log_start_offset");
        if (version >= 4) {
          int32_t aborted = r.array_count(false, true, 16, "aborted_transactions");
          for (int32_t a = 0; a < aborted && r.ok(); ++a) {
            r.i64("producer_id");
            r.i64("first_offset");
          }
        }
        if (version >= 11) r.i32("preferred_read_replica");
      }
      auto records = r.nullable_bytes(false, "records");
      pr.where = where + " " + topic + "[" + std::to_string(pr.partition) + "]";
      if (records) pr.records = std::move(*records);
      if (r.ok()) out.push_back(std::move(pr));
    }
  }
}

}  // namespace golden_detail

/// The RECORDS of every Produce request in a .req.bin. Sets `error` when a frame does not
/// parse.
inline std::vector<PartitionRecords> golden_produce_records(const Bytes& data,
                                                            const std::string& file,
                                                            std::string& error) {
  std::vector<PartitionRecords> out;
  Reader frames(data);
  for (int n = 0; !frames.at_end() && frames.ok(); ++n) {
    int32_t size = frames.i32("frame size");
    Reader r(frames.take(size_t(size < 0 ? 0 : size), "frame"));
    int16_t key = r.i16("api_key");
    int16_t version = r.i16("api_version");
    r.i32("correlation_id");
    (void)r.nullable_string(false, "client_id");
    if (key != 0 || !r.ok()) continue;  // 0 = Produce
    if (version > 8) {
      error = file + ": Produce v" + std::to_string(version) + " is flexible, not handled";
      continue;
    }
    std::string where = file + " frame " + std::to_string(n);
    if (version >= 3) (void)r.nullable_string(false, "transactional_id");
    r.i16("acks");
    r.i32("timeout_ms");
    golden_detail::partitions(r, version, false, where, out);
    if (!r.ok()) error = where + ": " + r.error().message;
  }
  if (!frames.ok()) error = file + ": " + frames.error().message;
  return out;
}

/// The RECORDS of every Fetch response in a .resp.bin, located with MANIFEST.tsv.
inline std::vector<PartitionRecords> golden_fetch_records(const Bytes& data,
                                                          const std::string& manifest_tsv,
                                                          const std::string& file,
                                                          std::string& error) {
  std::vector<PartitionRecords> out;
  std::stringstream manifest(manifest_tsv);
  std::string line;
  // Columns: file writer frame offset length api_key api_name api_version correlation_id
  while (std::getline(manifest, line)) {
    std::vector<std::string> col;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, '\t');) col.push_back(c);
    if (col.size() < 9 || col[0] != file || col[5] != "1") continue;  // 1 = Fetch
    size_t offset = std::stoul(col[3]);
    auto version = int16_t(std::stoi(col[7]));
    std::string where = file + " frame " + col[2];
    if (version > 11 || offset > data.size()) {
      error = where + ": Fetch v" + col[7] + " not handled";
      continue;
    }
    Reader r(ByteView(data).subspan(offset));
    int32_t size = r.i32("frame size");
    Reader body(r.take(size_t(size < 0 ? 0 : size), "frame"));
    body.i32("correlation_id");  // response header v0
    body.i32("throttle_time_ms");
    if (version >= 7) {
      body.i16("error_code");
      body.i32("session_id");
    }
    golden_detail::partitions(body, version, true, where, out);
    if (!r.ok() || !body.ok()) error = where + ": " + (r.ok() ? body : r).error().message;
  }
  return out;
}

}  // namespace kafkit::protocol::test
