// Randomized: appends, rolls, reads, DeleteRecords, retention, clean and unclean reopens,
// checked against an in-memory model of which records the log must hold.
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "storage_test_support.hpp"

using namespace kafkit;
using namespace kafkit::broker;
using namespace kafkit::broker::test;

TEST_CASE("random operations agree with an in-memory model") {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return int(rng() % uint32_t(n)); };
    TempDir tmp;
    LogConfig config;
    config.segment_bytes = 300 + pick(1500);
    config.index_interval_bytes = 50 + pick(400);
    config.flush_messages = pick(2) == 0 ? 1 : 1000;
    auto log = open_log(tmp.log_dir(), config);

    std::map<int64_t, TestRecord> model;  // offset -> record
    int64_t log_start = 0;
    int64_t log_end = 0;
    int64_t clock = 1000;
    int64_t ts = 0;
    for (int step = 0; step < 250; ++step) {
      clock += pick(50);
      int op = pick(100);
      if (op < 60) {
        int n = 1 + pick(5);
        std::vector<int64_t> stamps;
        for (int i = 0; i < n; ++i) stamps.push_back(ts += pick(20));
        Bytes b =
            make_batch(n, stamps[0], size_t(pick(60)), protocol::CompressionCodec::none, stamps);
        auto r = append_ok(*log, b, clock);
        REQUIRE(r.base_offset == log_end);
        for (int i = 0; i < n; ++i)
          model[log_end + i] = {log_end + i, stamps[size_t(i)], value_for(stamps[0] + i, 0)};
        log_end += n;
      } else if (op < 75) {
        int64_t offset = log_start + (log_end > log_start ? pick(int(log_end - log_start + 1)) : 0);
        auto r = log->read(offset, size_t(1 + pick(400)), pick(3) != 0);
        REQUIRE(r.ok());
        CHECK(r->log_end_offset == log_end);
        CHECK(r->log_start_offset == log_start);
        if (!r->records.empty()) {
          auto got = decode_all(r->records);
          REQUIRE(!got.empty());
          CHECK(got.front().offset <= offset);
          for (const auto& rec : got)
            if (rec.offset >= log_start) CHECK(model.at(rec.offset).timestamp == rec.timestamp);
        }
      } else if (op < 80) {
        int64_t offset = log_start + pick(int(log_end - log_start + 1));
        REQUIRE(log->delete_records_before(offset).ok());
        log_start = std::max(log_start, offset);
      } else if (op < 85) {
        LogConfig c = config;
        c.retention_bytes = pick(3000);
        log->set_config(c);
        REQUIRE(log->maintain(clock).ok());
        log->set_config(config);
        CHECK(log->log_start_offset() >= log_start);
        log_start = log->log_start_offset();
      } else if (op < 92) {
        REQUIRE(log->close().ok());
        log = open_log(tmp.log_dir(), config, clock);
        CHECK(log->recovery_notes().empty());
      } else {
        // Crash: with flush.messages=1 or after a flush everything must survive; the
        // process dying does not lose page-cache data either, so nothing is lost here.
        if (pick(2) == 0) REQUIRE(log->flush().ok());
        log.reset();
        log = open_log(tmp.log_dir(), config, clock);
      }
      CHECK(log->log_end_offset() == log_end);
      CHECK(log->log_start_offset() == log_start);
    }
    // Everything from the log start on, in order, with the right timestamps.
    auto all = read_from(*log, log_start);
    std::vector<TestRecord> expected;
    for (const auto& [offset, rec] : model)
      if (offset >= log_start) expected.push_back(rec);
    REQUIRE(all.size() == expected.size());
    for (size_t i = 0; i < all.size(); ++i) {
      CHECK(all[i].offset == expected[i].offset);
      CHECK(all[i].timestamp == expected[i].timestamp);
    }
    // Timestamp lookups agree with a linear scan of the model.
    for (int q = 0; q < 30; ++q) {
      int64_t t = pick(int(ts + 10));
      auto found = log->offset_for_timestamp(t);
      REQUIRE(found.ok());
      std::optional<int64_t> want;
      for (const auto& rec : expected)
        if (rec.timestamp >= t) {
          want = rec.offset;
          break;
        }
      REQUIRE(found->has_value() == want.has_value());
      if (want) CHECK((*found)->offset == *want);
    }
  }
}
