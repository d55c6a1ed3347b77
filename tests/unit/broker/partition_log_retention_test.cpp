// Retention (retention.ms, retention.bytes) and DeleteRecords: whole non-active segments
// go, oldest first, and the log start offset moves and survives a restart.
#include <doctest/doctest.h>

#include "storage_test_support.hpp"

using namespace kafkit;
using namespace kafkit::broker;
using namespace kafkit::broker::test;

namespace {

/// 4 segments of 3 batches (2 records each) with timestamps 1000 * segment + batch.
std::unique_ptr<PartitionLog> four_segments(const TempDir& tmp, LogConfig& config,
                                            size_t& batch_size) {
  Bytes sample = make_batch(2, 0, 40);
  batch_size = sample.size();
  config.segment_bytes = int64_t(batch_size * 3);
  auto log = open_log(tmp.log_dir(), config);
  for (int s = 0; s < 4; ++s)
    for (int b = 0; b < 3; ++b) append_ok(*log, make_batch(2, 1000 * (s + 1) + b, 40), 1000);
  REQUIRE(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 6, 12, 18});
  return log;
}

}  // namespace

TEST_CASE("retention.ms deletes segments whose newest record is older, never the active one") {
  TempDir tmp;
  LogConfig config;
  size_t batch_size = 0;
  auto log = four_segments(tmp, config, batch_size);
  config.retention_ms = 10'000;
  log->set_config(config);
  // Segment 0's newest timestamp is 1002, segment 6's 2002: at 11'500 only segment 0 is
  // more than 10 s old.
  REQUIRE(log->maintain(11'500).ok());
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{6, 12, 18});
  CHECK(log->log_start_offset() == 6);
  CHECK(!std::filesystem::exists(segment_path(tmp.log_dir(), 0, ".index")));
  CHECK(!std::filesystem::exists(segment_path(tmp.log_dir(), 0, ".timeindex")));
  auto below = log->read(5, 1000, true);
  REQUIRE(!below.ok());
  CHECK(below.error().code == 1);
  // Much later everything is old, but the active segment stays.
  config.segment_ms = int64_t(1) << 60;  // keep maintain() from rolling the active segment
  log->set_config(config);
  REQUIRE(log->maintain(1'000'000).ok());
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{18});
  CHECK(log->log_start_offset() == 18);
  CHECK(log->log_end_offset() == 24);
  CHECK(read_from(*log, 18).size() == 6);
}

TEST_CASE("retention.bytes deletes oldest segments while the log stays at or above the limit") {
  TempDir tmp;
  LogConfig config;
  size_t batch_size = 0;
  auto log = four_segments(tmp, config, batch_size);
  const auto segment = int64_t(batch_size * 3);
  CHECK(log->size_bytes() == segment * 4);
  config.retention_bytes = segment * 2 + 1;  // keeping 3 segments is needed to stay >= it
  log->set_config(config);
  REQUIRE(log->maintain(1000).ok());
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{6, 12, 18});
  CHECK(log->log_start_offset() == 6);
  config.retention_bytes = 0;
  log->set_config(config);
  REQUIRE(log->maintain(1000).ok());
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{18});
  CHECK(log->size_bytes() == segment);
  CHECK(log->log_start_offset() == 18);
}

TEST_CASE("retention's log start survives a restart") {
  TempDir tmp;
  LogConfig config;
  size_t batch_size = 0;
  {
    auto log = four_segments(tmp, config, batch_size);
    config.retention_bytes = 0;
    log->set_config(config);
    REQUIRE(log->maintain(1000).ok());
  }  // crash
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_start_offset() == 18);
  CHECK(log->log_end_offset() == 24);
}

TEST_CASE("delete_records_before moves the log start inside a segment and persists it") {
  TempDir tmp;
  LogConfig config;
  size_t batch_size = 0;
  {
    auto log = four_segments(tmp, config, batch_size);
    auto r = log->delete_records_before(9);
    REQUIRE(r.ok());
    CHECK(*r == 9);
    CHECK(log->log_start_offset() == 9);
    CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{6, 12, 18});
    // Reading from the log start returns the batch that holds it (offsets 8-9).
    auto read = log->read(9, 1, true);
    REQUIRE(read.ok());
    CHECK(batch_headers(read->records)[0].base_offset == 8);
    CHECK(read->log_start_offset == 9);
    auto below = log->read(8, 1000, true);
    REQUIRE(!below.ok());
    CHECK(below.error().code == 1);
    // Lower values never move it back; beyond the log end is out of range.
    CHECK(*log->delete_records_before(3) == 9);
    auto beyond = log->delete_records_before(25);
    REQUIRE(!beyond.ok());
    CHECK(beyond.error().code == 1);
  }  // crash: no close()
  {
    auto log = open_log(tmp.log_dir(), config);
    CHECK(log->log_start_offset() == 9);
    CHECK(log->log_end_offset() == 24);
    auto first = read_from(*log, 9);
    REQUIRE(!first.empty());
    CHECK(first.front().offset == 9);
    // Up to the log end: every non-active segment goes, the active one stays (empty reads).
    CHECK(*log->delete_records_before(24) == 24);
    CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{18});
    auto at_end = log->read(24, 1000, true);
    REQUIRE(at_end.ok());
    CHECK(at_end->records.empty());
    REQUIRE(log->close().ok());
  }
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_start_offset() == 24);
  CHECK(log->log_end_offset() == 24);
  CHECK(append_ok(*log, make_batch(1, 5)).base_offset == 24);
  CHECK(read_from(*log, 24).size() == 1);
}

TEST_CASE("a log start checkpoint beyond the recovered log end starts an empty log there") {
  TempDir tmp;
  LogConfig config;
  {
    auto log = open_log(tmp.log_dir(), config);
    for (int i = 0; i < 5; ++i) append_ok(*log, make_batch(2, i, 40));
    REQUIRE(log->delete_records_before(8).ok());
  }
  // The unflushed tail is lost in the crash.
  std::filesystem::resize_file(segment_path(tmp.log_dir(), 0, ".log"), 0);
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_start_offset() == 8);
  CHECK(log->log_end_offset() == 8);
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{8});
  CHECK(append_ok(*log, make_batch(1, 5)).base_offset == 8);
}
