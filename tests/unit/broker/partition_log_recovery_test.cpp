// Recovery on open(): after an unclean shutdown a torn or corrupt tail is cut at the last
// whole valid batch, later segments are dropped and indexes rebuilt; a damaged index is
// rebuilt even after a clean shutdown.
#include <doctest/doctest.h>

#include <random>

#include "storage_test_support.hpp"

using namespace kafkit;
using namespace kafkit::broker;
using namespace kafkit::broker::test;

namespace {

/// Writes `batches` batches of 2 records into a log and "crashes" (no close()).
/// Returns the end position of every batch in the first segment.
std::vector<int64_t> write_and_crash(const std::filesystem::path& dir, const LogConfig& config,
                                     int batches) {
  std::vector<int64_t> ends;
  auto log = open_log(dir, config);
  int64_t pos = 0;
  for (int i = 0; i < batches; ++i) {
    Bytes b = make_batch(2, i * 10, 40);
    pos += int64_t(b.size());
    ends.push_back(pos);
    append_ok(*log, b);
  }
  return ends;  // the log object is destroyed without close(): no clean-shutdown marker
}

void check_records(PartitionLog& log, int64_t count) {
  auto all = read_from(log, 0);
  REQUIRE(int64_t(all.size()) == count);
  for (int64_t i = 0; i < count; ++i) {
    CHECK(all[size_t(i)].offset == i);
    CHECK(all[size_t(i)].value == value_for((i / 2) * 10 + i % 2, 40));
  }
}

}  // namespace

TEST_CASE("a torn tail is cut to the last whole batch and appends continue after it") {
  TempDir tmp;
  LogConfig config;
  config.index_interval_bytes = 100;
  auto ends = write_and_crash(tmp.log_dir(), config, 6);
  auto log_path = segment_path(tmp.log_dir(), 0, ".log");
  CHECK(!std::filesystem::exists(tmp.log_dir() / ".kafka_cleanshutdown"));
  // Cut the last batch in half.
  std::filesystem::resize_file(log_path, uintmax_t(ends[4] + (ends[5] - ends[4]) / 2));

  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_end_offset() == 10);
  CHECK(std::filesystem::file_size(log_path) == uintmax_t(ends[4]));
  REQUIRE(log->recovery_notes().size() >= 1);
  CHECK(log->recovery_notes()[0].find(log_path.string()) != std::string::npos);
  CHECK(log->recovery_notes()[0].find("at byte " + std::to_string(ends[4])) != std::string::npos);
  check_records(*log, 10);
  auto r = append_ok(*log, make_batch(2, 50, 40));
  CHECK(r.base_offset == 10);
  check_records(*log, 12);
}

TEST_CASE("garbage after the last batch is cut off") {
  TempDir tmp;
  LogConfig config;
  auto ends = write_and_crash(tmp.log_dir(), config, 4);
  auto log_path = segment_path(tmp.log_dir(), 0, ".log");
  Bytes bytes = read_file(log_path);
  for (int i = 0; i < 100; ++i) bytes.push_back(std::byte(i * 7 + 3));
  write_file(log_path, bytes);
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_end_offset() == 8);
  CHECK(std::filesystem::file_size(log_path) == uintmax_t(ends[3]));
  check_records(*log, 8);
}

TEST_CASE("zeros after the last batch (a preallocated or torn page) are cut off") {
  TempDir tmp;
  LogConfig config;
  write_and_crash(tmp.log_dir(), config, 3);
  auto log_path = segment_path(tmp.log_dir(), 0, ".log");
  Bytes bytes = read_file(log_path);
  bytes.resize(bytes.size() + 4096);
  write_file(log_path, bytes);
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_end_offset() == 6);
  check_records(*log, 6);
}

TEST_CASE("a flipped CRC byte cuts the log before that batch, dropping later segments") {
  TempDir tmp;
  LogConfig config;
  Bytes sample = make_batch(2, 0, 40);
  config.segment_bytes = int64_t(sample.size() * 4);  // 4 batches per segment
  auto ends = write_and_crash(tmp.log_dir(), config, 10);
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 8, 16});
  // Corrupt the record bytes of the third batch of segment 8 (offsets 12-13): the CRC
  // no longer matches. Segment 16 comes after the cut and must go.
  auto log_path = segment_path(tmp.log_dir(), 8, ".log");
  Bytes bytes = read_file(log_path);
  size_t third = sample.size() * 2;
  bytes[third + 70] ^= std::byte{0x01};
  write_file(log_path, bytes);
  // No maintain()/flush() ran, so the recovery point checkpoint is still 0: every segment
  // is checked.
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_end_offset() == 12);
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 8});
  CHECK(std::filesystem::file_size(log_path) == third);
  bool mentions_crc = false;
  for (auto& note : log->recovery_notes()) mentions_crc |= note.find("CRC") != std::string::npos;
  CHECK(mentions_crc);
  check_records(*log, 12);
  CHECK(append_ok(*log, make_batch(2, 60, 40)).base_offset == 12);
}

TEST_CASE("after a clean shutdown CRCs are trusted, but broken framing is still cut") {
  TempDir tmp;
  LogConfig config;
  {
    auto log = open_log(tmp.log_dir(), config);
    for (int i = 0; i < 3; ++i) append_ok(*log, make_batch(2, i * 10, 40));
    REQUIRE(log->close().ok());
  }
  auto log_path = segment_path(tmp.log_dir(), 0, ".log");
  Bytes bytes = read_file(log_path);
  bytes.resize(bytes.size() - 5);
  write_file(log_path, bytes);
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_end_offset() == 4);
}

TEST_CASE("a missing index is rebuilt and lookups use it") {
  TempDir tmp;
  LogConfig config;
  config.index_interval_bytes = 100;
  Bytes expected_index, expected_time_index;
  {
    auto log = open_log(tmp.log_dir(), config);
    for (int i = 0; i < 20; ++i) append_ok(*log, make_batch(2, i * 10, 40));
    REQUIRE(log->close().ok());
  }
  expected_index = read_file(segment_path(tmp.log_dir(), 0, ".index"));
  expected_time_index = read_file(segment_path(tmp.log_dir(), 0, ".timeindex"));
  CHECK(expected_index.size() >= 8 * 5);
  std::filesystem::remove(segment_path(tmp.log_dir(), 0, ".index"));
  std::filesystem::remove(segment_path(tmp.log_dir(), 0, ".timeindex"));
  auto log = open_log(tmp.log_dir(), config);
  CHECK(!log->recovery_notes().empty());
  CHECK(read_file(segment_path(tmp.log_dir(), 0, ".index")) == expected_index);
  CHECK(read_file(segment_path(tmp.log_dir(), 0, ".timeindex")) == expected_time_index);
  check_records(*log, 40);
}

TEST_CASE("a corrupt index (torn entry, or pointing into a batch) is rebuilt") {
  TempDir tmp;
  LogConfig config;
  config.index_interval_bytes = 100;
  {
    auto log = open_log(tmp.log_dir(), config);
    for (int i = 0; i < 20; ++i) append_ok(*log, make_batch(2, i * 10, 40));
    REQUIRE(log->close().ok());
  }
  auto index_path = segment_path(tmp.log_dir(), 0, ".index");
  const Bytes good = read_file(index_path);

  SUBCASE("torn entry") {
    Bytes bad = good;
    bad.resize(bad.size() - 3);
    write_file(index_path, bad);
  }
  SUBCASE("position inside a batch") {
    Bytes bad = good;
    bad[15] = std::byte(uint8_t(bad[15]) + 1);  // second entry's position + 1
    write_file(index_path, bad);
  }
  SUBCASE("garbage appended") {
    Bytes bad = good;
    for (int i = 0; i < 16; ++i) bad.push_back(std::byte(0x7f));
    write_file(index_path, bad);
  }
  auto log = open_log(tmp.log_dir(), config);
  CHECK(!log->recovery_notes().empty());
  CHECK(read_file(index_path) == good);
  check_records(*log, 40);
}

TEST_CASE("orphan index files and leftover temporary files are removed") {
  TempDir tmp;
  LogConfig config;
  { auto log = open_log(tmp.log_dir(), config); }
  write_file(segment_path(tmp.log_dir(), 500, ".index"), Bytes(8));
  write_file(tmp.log_dir() / "log-start-offset.tmp", Bytes(3));
  auto log = open_log(tmp.log_dir(), config);
  CHECK(!std::filesystem::exists(segment_path(tmp.log_dir(), 500, ".index")));
  CHECK(!std::filesystem::exists(tmp.log_dir() / "log-start-offset.tmp"));
}

TEST_CASE("a batch whose offsets go backwards is treated as corrupt") {
  TempDir tmp;
  LogConfig config;
  write_and_crash(tmp.log_dir(), config, 3);
  auto log_path = segment_path(tmp.log_dir(), 0, ".log");
  // Append a valid batch that claims offset 1 (already used).
  Bytes extra = make_batch(1, 5, 40);
  protocol::set_base_offset(extra, 1);
  Bytes bytes = read_file(log_path);
  bytes.insert(bytes.end(), extra.begin(), extra.end());
  write_file(log_path, bytes);
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_end_offset() == 6);
}

TEST_CASE("unreadable checkpoints fall back safely") {
  TempDir tmp;
  LogConfig config;
  write_and_crash(tmp.log_dir(), config, 3);
  write_file(tmp.log_dir() / "log-start-offset", Bytes(5, std::byte{'x'}));
  write_file(tmp.log_dir() / "recovery-point-offset", Bytes(2, std::byte{'9'}));
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_start_offset() == 0);
  CHECK(log->log_end_offset() == 6);
  CHECK(log->recovery_notes().size() >= 2);
}

// Kafka's crash-recovery test, smaller: write into small segments, crash, damage the active
// segment (random bytes after the .log, .index or .timeindex, or a cut anywhere in the
// .log), reopen. Exactly the whole batches before the damage must survive.
TEST_CASE("crash recovery fuzz: random tails and cuts of the active segment") {
  for (uint32_t round = 0; round < 150; ++round) {
    CAPTURE(round);
    std::mt19937 rng(round * 7919 + 1);
    auto pick = [&](int n) { return int(rng() % uint32_t(n)); };
    TempDir tmp;
    LogConfig config;
    config.segment_bytes = 1000;
    config.index_interval_bytes = 100;
    std::vector<int64_t> stamps;  // by offset
    {
      auto log = open_log(tmp.log_dir(), config);
      int batches = 20 + pick(30);
      for (int i = 0; i < batches; ++i) {
        int n = 1 + pick(3);
        const int64_t first = int64_t(stamps.size()) * 10;  // records get first, first+1, ...
        Bytes b = make_batch(n, first, size_t(10 + pick(80)));
        for (int r = 0; r < n; ++r) stamps.push_back(first + r);
        append_ok(*log, b);
      }
      if (pick(3) == 0) REQUIRE(log->maintain(1000).ok());  // checkpoints the recovery point
    }                                                       // crash
    const int64_t active = segment_bases(tmp.log_dir()).back();
    const auto log_path = segment_path(tmp.log_dir(), active, ".log");
    // The batches of the active segment: where each ends and the offset after it.
    std::vector<std::pair<int64_t, int64_t>> ends;  // end position, next offset
    {
      Bytes bytes = read_file(log_path);
      for (const auto& h : batch_headers(bytes))
        ends.emplace_back((ends.empty() ? 0 : ends.back().first) + int64_t(h.size_in_bytes()),
                          h.next_offset());
    }
    int64_t expected_end = int64_t(stamps.size());
    Bytes noise(size_t(1 + pick(1024)));
    for (auto& b : noise) b = std::byte(uint8_t(rng()));
    switch (pick(4)) {
      case 0:
        write_file(log_path, concat({read_file(log_path), noise}));
        break;
      case 1: {
        auto p = segment_path(tmp.log_dir(), active, ".index");
        write_file(p, concat({read_file(p), noise}));
        break;
      }
      case 2: {
        auto p = segment_path(tmp.log_dir(), active, ".timeindex");
        write_file(p, concat({read_file(p), noise}));
        break;
      }
      default: {
        auto size = int64_t(std::filesystem::file_size(log_path));
        int64_t cut = size == 0 ? 0 : int64_t(rng() % uint64_t(size + 1));
        std::filesystem::resize_file(log_path, uintmax_t(cut));
        expected_end = active;
        for (const auto& [end, next] : ends)
          if (end <= cut) expected_end = next;
      }
    }
    auto log = open_log(tmp.log_dir(), config);
    REQUIRE(log->log_end_offset() == expected_end);
    auto all = read_from(*log, 0);
    REQUIRE(int64_t(all.size()) == expected_end);
    for (int64_t i = 0; i < expected_end; ++i) {
      CHECK(all[size_t(i)].offset == i);
      CHECK(all[size_t(i)].timestamp == stamps[size_t(i)]);
    }
    if (expected_end > 0) {
      auto ts = log->offset_for_timestamp(stamps[size_t(expected_end - 1)]);
      REQUIRE(ts.ok());
      REQUIRE(ts->has_value());
      CHECK((*ts)->offset == expected_end - 1);
    }
    CHECK(append_ok(*log, make_batch(1, 0)).base_offset == expected_end);
  }
}

TEST_CASE("segments below the checkpointed recovery point are not CRC-checked (as in Kafka)") {
  TempDir tmp;
  LogConfig config;
  Bytes sample = make_batch(2, 0, 40);
  config.segment_bytes = int64_t(sample.size() * 2);
  {
    auto log = open_log(tmp.log_dir(), config);
    for (int i = 0; i < 5; ++i) append_ok(*log, make_batch(2, i * 10, 40));
    REQUIRE(log->maintain(1000).ok());  // recovery point 8: segments 0 and 4 are fsynced
  }
  auto damage = [&](int64_t base) {
    auto p = segment_path(tmp.log_dir(), base, ".log");
    Bytes bytes = read_file(p);
    bytes[70] ^= std::byte{0x20};
    write_file(p, bytes);
  };
  damage(0);  // below the recovery point: trusted
  damage(8);  // the active segment: checked, cut to nothing
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->log_end_offset() == 8);
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 4, 8});
}
