// ListOffsets by timestamp and KIP-734's max timestamp, through the time index.
#include <doctest/doctest.h>

#include "storage_test_support.hpp"

using namespace kafkit;
using namespace kafkit::broker;
using namespace kafkit::broker::test;

namespace {

/// Linear reference: the first record at or after `start` with timestamp >= ts.
std::optional<TestRecord> first_at_or_after(const std::vector<TestRecord>& all, int64_t ts,
                                            int64_t start = 0) {
  for (const auto& r : all)
    if (r.offset >= start && r.timestamp >= ts) return r;
  return std::nullopt;
}

}  // namespace

TEST_CASE("offset_for_timestamp finds the first record at or after a time, across segments") {
  TempDir tmp;
  LogConfig config;
  config.segment_bytes = 2000;
  config.index_interval_bytes = 150;
  auto log = open_log(tmp.log_dir(), config);
  // Timestamps jump around inside batches (CreateTime), rising overall; some compressed.
  for (int i = 0; i < 80; ++i) {
    std::vector<int64_t> ts{i * 100 + 50, i * 100 + 10, i * 100 + 90};
    auto codec = i % 3 == 0 ? protocol::CompressionCodec::gzip : protocol::CompressionCodec::none;
    append_ok(*log, make_batch(3, 0, 30, codec, ts), 1000, i % 5);
  }
  CHECK(segment_bases(tmp.log_dir()).size() > 3);
  auto all = read_from(*log, 0);
  REQUIRE(all.size() == 240);
  for (int64_t ts = -5; ts <= 8100; ts += 7) {
    auto found = log->offset_for_timestamp(ts);
    REQUIRE(found.ok());
    auto expected = first_at_or_after(all, ts);
    REQUIRE(found->has_value() == expected.has_value());
    if (expected) {
      CHECK((*found)->offset == expected->offset);
      CHECK((*found)->timestamp == expected->timestamp);
      CHECK((*found)->leader_epoch == (expected->offset / 3) % 5);
    }
  }
  // Batch 40 holds 4050, 4010, 4090: asking for 4010 finds 4050, the first record of the
  // log with a timestamp at or above it.
  auto exact = log->offset_for_timestamp(4010);
  REQUIRE(exact.ok());
  REQUIRE(exact->has_value());
  CHECK((*exact)->offset == 40 * 3);
  CHECK((*exact)->timestamp == 4050);

  // The same after a clean restart (indexes from disk) and after losing the time index.
  REQUIRE(log->close().ok());
  std::filesystem::remove(segment_path(tmp.log_dir(), 0, ".timeindex"));
  log = open_log(tmp.log_dir(), config);
  for (int64_t ts = 0; ts <= 8100; ts += 33) {
    auto found = log->offset_for_timestamp(ts);
    REQUIRE(found.ok());
    auto expected = first_at_or_after(all, ts);
    REQUIRE(found->has_value() == expected.has_value());
    if (expected) CHECK((*found)->offset == expected->offset);
  }
}

TEST_CASE("offset_for_timestamp ignores records below the log start") {
  TempDir tmp;
  auto log = open_log(tmp.log_dir(), {});
  append_ok(*log, make_batch(5, 100));  // offsets 0-4, ts 100-104
  REQUIRE(log->delete_records_before(3).ok());
  auto found = log->offset_for_timestamp(0);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->offset == 3);
  CHECK((*found)->timestamp == 103);
}

TEST_CASE("max_timestamp_offset: the first record with the largest timestamp") {
  TempDir tmp;
  LogConfig config;
  config.segment_bytes = 300;
  auto log = open_log(tmp.log_dir(), config);
  auto none = log->max_timestamp_offset();
  REQUIRE(none.ok());
  CHECK(!none->has_value());
  append_ok(*log, make_batch(3, 0, 20, protocol::CompressionCodec::none, {10, 20, 30}));
  append_ok(*log, make_batch(3, 0, 20, protocol::CompressionCodec::none, {40, 900, 50}));
  append_ok(*log, make_batch(3, 0, 20, protocol::CompressionCodec::none, {60, 900, 70}));
  append_ok(*log, make_batch(2, 0, 20, protocol::CompressionCodec::none, {80, 90}));
  CHECK(segment_bases(tmp.log_dir()).size() > 1);
  auto max = log->max_timestamp_offset();
  REQUIRE(max.ok());
  REQUIRE(max->has_value());
  CHECK((*max)->offset == 4);
  CHECK((*max)->timestamp == 900);
  CHECK((*max)->leader_epoch == 3);
  auto late = log->offset_for_timestamp(901);
  REQUIRE(late.ok());
  CHECK(!late->has_value());
}

TEST_CASE("LogAppendTime: timestamps searched are the broker's append times") {
  TempDir tmp;
  LogConfig config;
  config.log_append_time = true;
  auto log = open_log(tmp.log_dir(), config);
  append_ok(*log, make_batch(2, 5'000'000), 1000);  // producer times are ignored
  append_ok(*log, make_batch(2, 1), 2000);
  append_ok(*log, make_batch(2, 1), 3000);
  auto found = log->offset_for_timestamp(1500);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->offset == 2);
  CHECK((*found)->timestamp == 2000);
  auto max = log->max_timestamp_offset();
  REQUIRE(max.ok());
  REQUIRE(max->has_value());
  CHECK((*max)->offset == 4);
  CHECK((*max)->timestamp == 3000);
}
