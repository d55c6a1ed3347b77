// PartitionLog::read_slice: the same batches as read(), as a region of the segment file
// (read back here with pread), and a slice stays readable after retention or
// DeleteRecords has deleted its segment.
#include <doctest/doctest.h>

#include "storage_test_support.hpp"

using namespace kafkit;
using namespace kafkit::broker;
using namespace kafkit::broker::test;

namespace {

Bytes pread_slice(const FileSlice& s) {
  Bytes out(s.length);
  if (s.length == 0) return out;
  REQUIRE(s.file != nullptr);
  auto r = s.file->read_exact(s.position, out);
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  return out;
}

/// 3 segments of 3 batches (4 records each).
std::unique_ptr<PartitionLog> three_segments(const TempDir& tmp, size_t& batch_size) {
  LogConfig config;
  batch_size = make_batch(4, 0, 50).size();
  config.segment_bytes = int64_t(batch_size * 3);
  config.index_interval_bytes = int32_t(batch_size);  // exercise the offset index too
  auto log = open_log(tmp.log_dir(), config);
  for (int i = 0; i < 9; ++i) append_ok(*log, make_batch(4, 1000 + 10 * i, 50), 1000);
  REQUIRE(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 12, 24});
  return log;
}

}  // namespace

TEST_CASE("read_slice covers exactly the bytes read() returns") {
  TempDir tmp;
  size_t batch = 0;
  auto log = three_segments(tmp, batch);
  for (int64_t offset = 0; offset <= 36; ++offset) {
    for (size_t max_bytes : {size_t(0), batch - 1, batch, 2 * batch + 7, 10 * batch}) {
      for (bool min_one : {false, true}) {
        CAPTURE(offset);
        CAPTURE(max_bytes);
        CAPTURE(min_one);
        auto bytes = log->read(offset, max_bytes, min_one);
        auto slice = log->read_slice(offset, max_bytes, min_one);
        REQUIRE(bytes.ok());
        REQUIRE(slice.ok());
        CHECK(slice->log_start_offset == bytes->log_start_offset);
        CHECK(slice->log_end_offset == bytes->log_end_offset);
        CHECK(slice->slice.length == bytes->records.size());
        CHECK(pread_slice(slice->slice) == bytes->records);
      }
    }
  }
  // Out of range is the same error.
  auto beyond = log->read_slice(37, 1000, true);
  REQUIRE(!beyond.ok());
  CHECK(beyond.error().code == 1);
}

TEST_CASE("a slice stays readable after DeleteRecords deletes its segment") {
  TempDir tmp;
  size_t batch = 0;
  auto log = three_segments(tmp, batch);
  auto slice = log->read_slice(0, 100 * batch, true);
  REQUIRE(slice.ok());
  REQUIRE(slice->slice.length == 3 * batch);
  const Bytes expected = log->read(0, 100 * batch, true)->records;
  REQUIRE(log->delete_records_before(13).ok());
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{12, 24});
  CHECK(!std::filesystem::exists(segment_path(tmp.log_dir(), 0, ".log")));
  Bytes after = pread_slice(slice->slice);
  CHECK(after == expected);
  CHECK(decode_all(after).size() == 12);
}

TEST_CASE("a slice stays readable after retention deletes its segment") {
  TempDir tmp;
  size_t batch = 0;
  auto log = three_segments(tmp, batch);
  auto slice = log->read_slice(14, batch, false);
  REQUIRE(slice.ok());
  REQUIRE(slice->slice.length == batch);
  const Bytes expected = pread_slice(slice->slice);
  LogConfig config = log->config();
  config.retention_bytes = int64_t(batch * 3);  // keep only the active segment
  config.segment_ms = int64_t(1) << 60;
  log->set_config(config);
  REQUIRE(log->maintain(2000).ok());
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{24});
  CHECK(pread_slice(slice->slice) == expected);
  CHECK(decode_all(expected).front().offset == 12);
}
