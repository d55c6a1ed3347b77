// The index files on their own: Kafka's entry layout, lookups, truncation, validation.
#include <doctest/doctest.h>

#include "broker/storage/checkpoint_file.hpp"
#include "broker/storage/offset_index.hpp"
#include "broker/storage/segment.hpp"
#include "broker/storage/time_index.hpp"
#include "storage_test_support.hpp"

using namespace kafkit;
using namespace kafkit::broker;
using namespace kafkit::broker::test;

TEST_CASE("offset index: big-endian relative offset and position, floor lookups") {
  TempDir tmp;
  auto path = tmp.path() / "00000000000000000100.index";
  auto index = OffsetIndex::open(path, 100);
  REQUIRE(index.ok());
  REQUIRE(index->append(105, 4096).ok());
  REQUIRE(index->append(110, 9000).ok());
  REQUIRE(index->append(110, 9999).ok());  // not increasing: ignored
  Bytes file = read_file(path);
  REQUIRE(file.size() == 16);
  CHECK(file[3] == std::byte{5});
  CHECK(file[6] == std::byte{0x10});  // 4096 = 0x00001000
  CHECK(!index->lookup(104).has_value());
  CHECK(index->lookup(105)->position == 4096);
  CHECK(index->lookup(109)->position == 4096);
  CHECK(index->lookup(1000)->position == 9000);
  REQUIRE(index->truncate_to_position(9000).ok());
  CHECK(index->entries().size() == 1);
  CHECK(std::filesystem::file_size(path) == 8);

  auto reopened = OffsetIndex::open(path, 100);
  REQUIRE(reopened.ok());
  REQUIRE(reopened->load().ok());
  CHECK(reopened->entries() == std::vector<OffsetPosition>{{105, 4096}});
  CHECK(!reopened->is_full(16));
  CHECK(reopened->is_full(15));
}

TEST_CASE("time index: only increasing timestamps, floor lookups, truncation by offset") {
  TempDir tmp;
  auto path = tmp.path() / "00000000000000000000.timeindex";
  auto index = TimeIndex::open(path, 0);
  REQUIRE(index.ok());
  REQUIRE(index->maybe_append(1000, 4).ok());
  REQUIRE(index->maybe_append(900, 9).ok());  // older: not an entry
  REQUIRE(index->maybe_append(2000, 9).ok());
  CHECK(index->entries().size() == 2);
  CHECK(std::filesystem::file_size(path) == 24);
  CHECK(!index->lookup(999).has_value());
  CHECK(index->lookup(1500)->offset == 4);
  CHECK(index->lookup(2000)->offset == 9);
  REQUIRE(index->truncate_to_offset(9).ok());
  CHECK(index->last_entry()->timestamp == 1000);

  // A file whose timestamps go down is refused (and then rebuilt by the log).
  Bytes bad = read_file(path);
  Bytes twice = concat({bad, bad});
  write_file(path, twice);
  auto reopened = TimeIndex::open(path, 0);
  REQUIRE(reopened.ok());
  auto loaded = reopened->load();
  REQUIRE(!loaded.ok());
  CHECK(loaded.error().message.find(path.string()) != std::string::npos);
  CHECK(loaded.error().message.find("byte 12") != std::string::npos);
}

TEST_CASE("segment file names are 20 digits") {
  CHECK(segment_file_name(42, ".log") == "00000000000000000042.log");
  CHECK(parse_segment_file_name("00000000000000000042.log", ".log") == 42);
  CHECK(!parse_segment_file_name("00000000000000000042.index", ".log").has_value());
  CHECK(!parse_segment_file_name("0000000000000000042.log", ".log").has_value());
  CHECK(!parse_segment_file_name("99999999999999999999.log", ".log").has_value());
  CHECK(!parse_segment_file_name("0000000000000000004x.log", ".log").has_value());
}

TEST_CASE("checkpoint files round trip and refuse garbage") {
  TempDir tmp;
  auto path = tmp.path() / "cp";
  auto missing = read_checkpoint(path);
  REQUIRE(missing.ok());
  CHECK(!missing->has_value());
  REQUIRE(write_checkpoint(path, 1234567890123).ok());
  CHECK(**read_checkpoint(path) == 1234567890123);
  write_file(path, Bytes{std::byte{'0'}, std::byte{'\n'}, std::byte{'-'}, std::byte{'1'},
                         std::byte{'\n'}});
  CHECK(!read_checkpoint(path).ok());
}
