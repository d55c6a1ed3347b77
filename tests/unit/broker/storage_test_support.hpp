#pragma once
// Helpers for the partition storage tests: a temporary directory per test, batches built
// with the record layer's builder, and decoding of what a read returns.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "broker/storage/partition_log.hpp"
#include "protocol/records/record_batch_builder.hpp"
#include "protocol/records/record_batch_reader.hpp"

namespace kafkit::broker::test {

using protocol::Bytes;

/// A fresh directory under /tmp, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/kafkit-storage-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// The partition directory the tests use (created by PartitionLog::open).
  std::filesystem::path log_dir() const { return path_ / "topic-0"; }

 private:
  std::filesystem::path path_;
};

/// One record as the tests see it.
struct TestRecord {
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::string value;
  bool operator==(const TestRecord&) const = default;
};

inline std::string value_for(int64_t n, size_t size) {
  std::string v = "value-" + std::to_string(n) + "-";
  while (v.size() < size) v += char('a' + (v.size() % 26));
  return v;
}

/// A v2 batch of `count` records with timestamps first_ts, first_ts+1, ... (or the given
/// list) and values of about `value_size` bytes; base offset 0 as a producer sends it.
inline Bytes make_batch(int count, int64_t first_ts, size_t value_size = 20,
                        protocol::CompressionCodec codec = protocol::CompressionCodec::none,
                        std::vector<int64_t> timestamps = {}) {
  protocol::BatchOptions options;
  options.codec = codec;
  protocol::RecordBatchBuilder builder(options);
  for (int i = 0; i < count; ++i) {
    std::string v = value_for(first_ts + i, value_size);
    int64_t ts = timestamps.empty() ? first_ts + i : timestamps[size_t(i)];
    REQUIRE(builder.append(std::nullopt, protocol::as_bytes(v), ts).ok());
  }
  auto batch = builder.finish();
  REQUIRE(batch.ok());
  return std::move(*batch);
}

inline Bytes concat(const std::vector<Bytes>& parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

/// Every record of `records` (whole batches, CRCs checked).
inline std::vector<TestRecord> decode_all(const Bytes& records) {
  std::vector<TestRecord> out;
  protocol::RecordsReader reader(records);
  protocol::RecordBatchView batch;
  for (;;) {
    auto status = reader.next(batch);
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
    if (*status != protocol::ReadStatus::batch) {
      CHECK(*status == protocol::ReadStatus::end);
      break;
    }
    for (const protocol::RecordView& r : batch.records())
      out.push_back({r.offset, r.timestamp, std::string(protocol::as_chars(*r.value))});
  }
  return out;
}

/// The headers of the batches in `records`.
inline std::vector<protocol::RecordBatchHeader> batch_headers(const Bytes& records) {
  std::vector<protocol::RecordBatchHeader> out;
  size_t pos = 0;
  while (pos < records.size()) {
    auto h = protocol::parse_batch_header(protocol::ByteView(records).subspan(pos));
    REQUIRE(h.ok());
    out.push_back(*h);
    pos += h->size_in_bytes();
  }
  return out;
}

inline std::unique_ptr<PartitionLog> open_log(const std::filesystem::path& dir,
                                              const LogConfig& config, int64_t now_ms = 1000) {
  auto log = PartitionLog::open(dir, config, now_ms);
  REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().message));
  return std::move(*log);
}

inline AppendResult append_ok(PartitionLog& log, Bytes batch, int64_t now_ms = 1000,
                              int32_t epoch = 3) {
  auto r = log.append(batch, epoch, now_ms);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return *r;
}

/// Reads everything from `offset` to the log end, batch by batch, as a consumer would.
inline std::vector<TestRecord> read_from(PartitionLog& log, int64_t offset,
                                         size_t max_bytes = 1 << 20) {
  std::vector<TestRecord> out;
  while (offset < log.log_end_offset()) {
    auto r = log.read(offset, max_bytes, true);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    REQUIRE(!r->records.empty());
    for (auto& rec : decode_all(r->records))
      if (rec.offset >= offset) out.push_back(rec);
    offset = batch_headers(r->records).back().next_offset();
  }
  return out;
}

/// The segment base offsets in `dir`, from the .log file names.
inline std::vector<int64_t> segment_bases(const std::filesystem::path& dir) {
  std::vector<int64_t> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    if (e.path().extension() == ".log") out.push_back(std::stoll(name.substr(0, 20)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::filesystem::path segment_path(const std::filesystem::path& dir, int64_t base,
                                          const char* ext) {
  std::string digits = std::to_string(base);
  return dir / (std::string(20 - digits.size(), '0') + digits + ext);
}

inline Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes out(chars.size());
  if (!chars.empty()) std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

inline void write_file(const std::filesystem::path& p, const Bytes& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

}  // namespace kafkit::broker::test
