// PartitionLog append and read: offsets assigned from the log end, bytes stored as given
// apart from the rewritten header fields, whole batches out, segment rolls.
#include <doctest/doctest.h>

#include <sys/resource.h>

#include <csignal>

#include "storage_test_support.hpp"

using namespace kafkit;
using namespace kafkit::broker;
using namespace kafkit::broker::test;

TEST_CASE("an empty directory opens as an empty log at offset 0") {
  TempDir tmp;
  auto log = open_log(tmp.log_dir(), {});
  CHECK(log->log_start_offset() == 0);
  CHECK(log->log_end_offset() == 0);
  CHECK(log->size_bytes() == 0);
  auto r = log->read(0, 1000, true);
  REQUIRE(r.ok());
  CHECK(r->records.empty());
  CHECK(r->log_end_offset == 0);
  CHECK(std::filesystem::exists(segment_path(tmp.log_dir(), 0, ".log")));
  CHECK(log->recovery_notes().empty());
}

TEST_CASE("append assigns offsets and read returns the bytes with base offset and epoch") {
  TempDir tmp;
  auto log = open_log(tmp.log_dir(), {});
  Bytes a = make_batch(3, 100);
  Bytes b = make_batch(2, 200);
  const Bytes original_b = b;
  auto ra = append_ok(*log, a, 1000, 7);
  CHECK(ra.base_offset == 0);
  CHECK(ra.last_offset == 2);
  CHECK(ra.log_append_time == -1);
  auto rb = append_ok(*log, b, 1000, 7);
  CHECK(rb.base_offset == 3);
  CHECK(rb.last_offset == 4);
  CHECK(log->log_end_offset() == 5);

  auto r = log->read(0, 1 << 20, false);
  REQUIRE(r.ok());
  Bytes expected_a = a;  // append_ok() passed copies; the log rewrote those
  protocol::set_base_offset(expected_a, 0);
  protocol::set_partition_leader_epoch(expected_a, 7);
  auto headers = batch_headers(r->records);
  REQUIRE(headers.size() == 2);
  CHECK(headers[1].base_offset == 3);
  CHECK(headers[1].partition_leader_epoch == 7);
  // Only base offset and epoch differ from what the producer sent; the CRC still holds.
  Bytes expected_b = original_b;
  protocol::set_base_offset(expected_b, 3);
  protocol::set_partition_leader_epoch(expected_b, 7);
  CHECK(r->records == concat({expected_a, expected_b}));
  auto records = decode_all(r->records);
  REQUIRE(records.size() == 5);
  for (int64_t i = 0; i < 5; ++i) CHECK(records[size_t(i)].offset == i);
  CHECK(records[3].value == value_for(200, 20));
  CHECK(log->size_bytes() == int64_t(a.size() + b.size()));
}

TEST_CASE("several batches in one append get consecutive offsets") {
  TempDir tmp;
  auto log = open_log(tmp.log_dir(), {});
  auto r = append_ok(*log, concat({make_batch(2, 1), make_batch(4, 10), make_batch(1, 20)}));
  CHECK(r.base_offset == 0);
  CHECK(r.last_offset == 6);
  auto all = read_from(*log, 0);
  REQUIRE(all.size() == 7);
  for (int64_t i = 0; i < 7; ++i) CHECK(all[size_t(i)].offset == i);
}

TEST_CASE("a read from the middle of a batch returns that whole batch") {
  TempDir tmp;
  auto log = open_log(tmp.log_dir(), {});
  append_ok(*log, make_batch(5, 0));
  append_ok(*log, make_batch(5, 10));
  auto r = log->read(7, 1 << 20, false);
  REQUIRE(r.ok());
  auto headers = batch_headers(r->records);
  REQUIRE(headers.size() == 1);
  CHECK(headers[0].base_offset == 5);
  CHECK(headers[0].last_offset() == 9);
}

TEST_CASE("max_bytes takes whole batches only; min_one_batch returns an oversized first one") {
  TempDir tmp;
  auto log = open_log(tmp.log_dir(), {});
  Bytes one = make_batch(2, 0, 100);
  const size_t batch_size = one.size();
  append_ok(*log, one);
  for (int i = 1; i < 4; ++i) append_ok(*log, make_batch(2, i * 10, 100));

  auto two = log->read(0, batch_size * 2 + batch_size / 2, false);
  REQUIRE(two.ok());
  CHECK(two->records.size() == batch_size * 2);
  CHECK(batch_headers(two->records).size() == 2);

  auto none = log->read(0, batch_size - 1, false);
  REQUIRE(none.ok());
  CHECK(none->records.empty());
  CHECK(none->log_end_offset == 8);

  auto first = log->read(2, 10, true);
  REQUIRE(first.ok());
  CHECK(first->records.size() == batch_size);
  CHECK(batch_headers(first->records)[0].base_offset == 2);

  auto exact = log->read(0, batch_size * 4, false);
  REQUIRE(exact.ok());
  CHECK(exact->records.size() == batch_size * 4);
}

TEST_CASE("offsets outside [log start, log end] are OFFSET_OUT_OF_RANGE; log end reads empty") {
  TempDir tmp;
  auto log = open_log(tmp.log_dir(), {});
  append_ok(*log, make_batch(3, 0));
  auto above = log->read(4, 1000, true);
  REQUIRE(!above.ok());
  CHECK(above.error().code == 1);
  auto below = log->read(-1, 1000, true);
  REQUIRE(!below.ok());
  CHECK(below.error().code == 1);
  auto at_end = log->read(3, 1000, true);
  REQUIRE(at_end.ok());
  CHECK(at_end->records.empty());
  CHECK(at_end->log_end_offset == 3);
  CHECK(at_end->log_start_offset == 0);
}

TEST_CASE("append rejects malformed input and oversized batches without appending") {
  TempDir tmp;
  LogConfig config;
  config.max_message_bytes = 200;
  auto log = open_log(tmp.log_dir(), config);
  Bytes empty;
  CHECK(!log->append(empty, 0, 1000).ok());
  Bytes truncated = make_batch(2, 0);
  truncated.resize(truncated.size() - 3);
  auto r = log->append(truncated, 0, 1000);
  REQUIRE(!r.ok());
  CHECK(r.error().code == protocol::corrupt_message_error);
  Bytes big = make_batch(3, 0, 200);
  auto too_large = log->append(big, 0, 1000);
  REQUIRE(!too_large.ok());
  CHECK(too_large.error().code == 10);  // MESSAGE_TOO_LARGE
  CHECK(log->log_end_offset() == 0);
  CHECK(log->size_bytes() == 0);
}

TEST_CASE("segments roll by segment.bytes and reads cross segment boundaries") {
  TempDir tmp;
  LogConfig config;
  Bytes sample = make_batch(2, 0, 50);
  config.segment_bytes = int64_t(sample.size() * 3);  // three batches per segment
  auto log = open_log(tmp.log_dir(), config);
  for (int i = 0; i < 10; ++i) append_ok(*log, make_batch(2, i * 10, 50));
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 6, 12, 18});
  CHECK(log->log_end_offset() == 20);
  // One read returns batches of one segment only.
  auto r = log->read(4, 1 << 20, false);
  REQUIRE(r.ok());
  auto headers = batch_headers(r->records);
  REQUIRE(headers.size() == 1);
  CHECK(headers[0].base_offset == 4);
  auto all = read_from(*log, 0);
  REQUIRE(all.size() == 20);
  for (int64_t i = 0; i < 20; ++i) CHECK(all[size_t(i)].offset == i);
  CHECK(log->size_bytes() == int64_t(sample.size() * 10));
}

TEST_CASE("a batch larger than segment.bytes is RECORD_LIST_TOO_LARGE") {
  TempDir tmp;
  LogConfig config;
  config.segment_bytes = 100;
  auto log = open_log(tmp.log_dir(), config);
  Bytes big = make_batch(3, 0, 60);
  auto r = log->append(big, 0, 1000);
  REQUIRE(!r.ok());
  CHECK(r.error().code == 18);
}

TEST_CASE("segments roll by segment.ms, measured from the first batch's timestamp") {
  TempDir tmp;
  LogConfig config;
  config.segment_ms = 1000;
  auto log = open_log(tmp.log_dir(), config, 0);
  append_ok(*log, make_batch(1, 10'000), 10'000);
  append_ok(*log, make_batch(1, 10'500), 10'500);  // 500 ms in: same segment
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0});
  append_ok(*log, make_batch(1, 11'001), 11'001);  // 1001 ms after the first batch
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 2});
  // maintain() rolls an idle active segment once it is old enough.
  REQUIRE(log->maintain(11'500).ok());
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 2});
  REQUIRE(log->maintain(12'002).ok());
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 2, 3});
  // An empty active segment is never rolled.
  REQUIRE(log->maintain(100'000).ok());
  CHECK(segment_bases(tmp.log_dir()) == std::vector<int64_t>{0, 2, 3});
}

TEST_CASE("a full offset index rolls the segment") {
  TempDir tmp;
  LogConfig config;
  config.index_interval_bytes = 1;     // an entry for every batch after the first
  config.segment_index_bytes = 8 * 3;  // three offset index entries
  auto log = open_log(tmp.log_dir(), config);
  // One timestamp throughout, so the time index (12-byte entries) stays at one entry.
  for (int i = 0; i < 10; ++i) append_ok(*log, make_batch(1, 5));
  auto bases = segment_bases(tmp.log_dir());
  CHECK(bases.size() > 1);
  CHECK(bases == std::vector<int64_t>{0, 4, 8});
  CHECK(read_from(*log, 0).size() == 10);
}

TEST_CASE("reads through the sparse index across many segments match a linear scan") {
  TempDir tmp;
  LogConfig config;
  config.index_interval_bytes = 200;
  config.segment_bytes = 4000;
  auto log = open_log(tmp.log_dir(), config);
  // Batches of 1..4 records with values of varying size.
  std::vector<std::pair<int64_t, int64_t>> batches;  // base, last
  for (int i = 0; i < 300; ++i) {
    int n = 1 + i % 4;
    auto r = append_ok(*log, make_batch(n, i * 10, size_t(10 + (i * 37) % 90)));
    batches.emplace_back(r.base_offset, r.last_offset);
  }
  CHECK(segment_bases(tmp.log_dir()).size() > 10);
  for (int64_t offset = 0; offset < log->log_end_offset(); ++offset) {
    auto r = log->read(offset, 1, true);
    REQUIRE(r.ok());
    auto headers = batch_headers(r->records);
    REQUIRE(headers.size() == 1);
    // Linear scan for the batch holding `offset`.
    auto it = std::find_if(batches.begin(), batches.end(),
                           [&](auto& b) { return b.first <= offset && offset <= b.second; });
    REQUIRE(it != batches.end());
    CHECK(headers[0].base_offset == it->first);
    CHECK(headers[0].last_offset() == it->second);
  }
}

TEST_CASE("reopen after a clean close keeps everything and appends continue") {
  TempDir tmp;
  LogConfig config;
  config.segment_bytes = 500;
  config.index_interval_bytes = 100;
  std::vector<TestRecord> before;
  {
    auto log = open_log(tmp.log_dir(), config);
    for (int i = 0; i < 20; ++i) append_ok(*log, make_batch(2, i * 10, 30));
    before = read_from(*log, 0);
    REQUIRE(log->close().ok());
    CHECK(std::filesystem::exists(tmp.log_dir() / ".kafka_cleanshutdown"));
    Bytes late = make_batch(1, 0);
    CHECK(!log->append(late, 0, 0).ok());  // closed
  }
  auto index_before = read_file(segment_path(tmp.log_dir(), 0, ".index"));
  auto log = open_log(tmp.log_dir(), config);
  CHECK(log->recovery_notes().empty());
  CHECK(!std::filesystem::exists(tmp.log_dir() / ".kafka_cleanshutdown"));
  CHECK(read_file(segment_path(tmp.log_dir(), 0, ".index")) == index_before);
  CHECK(log->log_end_offset() == 40);
  CHECK(read_from(*log, 0) == before);
  auto r = append_ok(*log, make_batch(1, 999));
  CHECK(r.base_offset == 40);
}

TEST_CASE("flush.messages = 1 fsyncs each append and moves the recovery point") {
  TempDir tmp;
  LogConfig config;
  config.flush_messages = 1;
  auto log = open_log(tmp.log_dir(), config);
  append_ok(*log, make_batch(2, 0));
  append_ok(*log, make_batch(3, 0));
  REQUIRE(log->flush().ok());
  // flush() writes the recovery point checkpoint: offsets below it are on disk.
  auto text = read_file(tmp.log_dir() / "recovery-point-offset");
  CHECK(std::string(protocol::as_chars(text)) == "0\n5\n");
  CHECK(read_from(*log, 0).size() == 5);
}

TEST_CASE("flush.ms flushes in maintain()") {
  TempDir tmp;
  LogConfig config;
  config.flush_ms = 100;
  auto log = open_log(tmp.log_dir(), config, 1000);
  append_ok(*log, make_batch(2, 0), 1000);
  REQUIRE(log->maintain(1050).ok());
  CHECK(std::string(protocol::as_chars(read_file(tmp.log_dir() / "recovery-point-offset"))) ==
        "0\n0\n");
  REQUIRE(log->maintain(1100).ok());
  CHECK(std::string(protocol::as_chars(read_file(tmp.log_dir() / "recovery-point-offset"))) ==
        "0\n2\n");
}

TEST_CASE("LogAppendTime: max timestamp is the broker time and the CRC is recomputed") {
  TempDir tmp;
  LogConfig config;
  config.log_append_time = true;
  auto log = open_log(tmp.log_dir(), config);
  auto r = append_ok(*log, make_batch(3, 100), 55'000);
  CHECK(r.log_append_time == 55'000);
  auto read = log->read(0, 1 << 20, true);
  REQUIRE(read.ok());
  auto h = batch_headers(read->records)[0];
  CHECK(h.timestamp_type() == protocol::TimestampType::log_append_time);
  CHECK(h.max_timestamp == 55'000);
  CHECK(h.base_timestamp == 100);  // in-place assignment keeps baseTimestamp
  CHECK(h.crc == protocol::compute_batch_crc(read->records));
  for (const auto& rec : decode_all(read->records)) CHECK(rec.timestamp == 55'000);
}

TEST_CASE("a failed write is taken back: nothing half-written stays in the log") {
  TempDir tmp;
  auto log = open_log(tmp.log_dir(), {});
  append_ok(*log, make_batch(2, 0, 40));
  const auto log_path = segment_path(tmp.log_dir(), 0, ".log");
  const auto size = std::filesystem::file_size(log_path);
  // RLIMIT_FSIZE makes pwrite beyond the limit fail with EFBIG after a short write: a
  // disk filling up in the middle of a batch.
  struct rlimit old {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limited = old;
  limited.rlim_cur = rlim_t(size + 30);
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
  Bytes batch = make_batch(2, 10, 40);
  auto r = log->append(batch, 0, 1000);
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &old) == 0);
  std::signal(SIGXFSZ, old_handler);
  REQUIRE(!r.ok());
  CHECK(r.error().code == errc::io);
  CHECK(r.error().message.find(log_path.string()) != std::string::npos);
  CHECK(std::filesystem::file_size(log_path) == size);
  CHECK(log->log_end_offset() == 2);
  CHECK(append_ok(*log, make_batch(1, 20)).base_offset == 2);
  CHECK(read_from(*log, 0).size() == 3);
}
