// GroupLog on a temporary directory: replay after reopening (latest value wins, tombstones
// delete), a torn or corrupted tail cut off with the frames before it kept, a batch kept
// whole or not at all, and compaction that bounds the file while keeping the latest values.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "broker/group/group_log.hpp"
#include "storage_test_support.hpp"

namespace kafkit::broker {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

CommittedOffset offset_of(int64_t offset, std::string metadata = "", int32_t epoch = -1) {
  CommittedOffset c;
  c.offset = offset;
  c.leader_epoch = epoch;
  c.metadata = std::move(metadata);
  c.commit_timestamp_ms = 1700000000000 + offset;
  return c;
}

protocol::Bytes bytes_of(std::string_view s) {
  auto v = protocol::as_bytes(s);
  return protocol::Bytes(v.begin(), v.end());
}

std::unique_ptr<GroupLog> open_log(const fs::path& dir, GroupLog::Options o = {}) {
  auto log = GroupLog::open(dir, o);
  REQUIRE_MESSAGE(log.ok(), log.error().message);
  return std::move(*log);
}

Result<void> put(GroupLog& log, const std::string& group, const std::string& topic,
                 int32_t partition, CommittedOffset v) {
  GroupLog::Batch b;
  b.put_offset(group, topic, partition, std::move(v));
  return log.append(std::move(b));
}

const CommittedOffset* find(const GroupLog& log, std::string_view group, std::string_view topic,
                            int32_t partition) {
  const GroupOffsets* g = log.group_offsets(group);
  if (g == nullptr) return nullptr;
  auto t = g->find(topic);
  if (t == g->end()) return nullptr;
  auto p = t->second.find(partition);
  return p == t->second.end() ? nullptr : &p->second;
}

int64_t size_on_disk(const fs::path& p) {
  return static_cast<int64_t>(fs::file_size(p));
}

TEST_CASE("a reopened group log replays offsets and group metadata, latest value winning") {
  TempDir dir;
  fs::path path;
  {
    auto log = open_log(dir.path());
    path = log->path();
    CHECK(path.parent_path().filename() == ".kafkit-groups");
    REQUIRE(put(*log, "g1", "t", 0, offset_of(5, "meta", 3)).ok());
    REQUIRE(put(*log, "g1", "t", 1, offset_of(7)).ok());
    REQUIRE(put(*log, "g1", "t", 0, offset_of(9, "newer", 4)).ok());
    REQUIRE(put(*log, "g2", "u", 2, offset_of(1)).ok());
    REQUIRE(log->append_group_metadata("g1", bytes_of("v1")).ok());
    REQUIRE(log->append_group_metadata("g1", bytes_of("v2")).ok());
    REQUIRE(log->append_group_metadata("g3", bytes_of("only")).ok());
  }
  auto log = open_log(dir.path());
  CHECK(log->take_recovery_notes().empty());
  const CommittedOffset* c = find(*log, "g1", "t", 0);
  REQUIRE(c != nullptr);
  CHECK(c->offset == 9);
  CHECK(c->metadata == "newer");
  CHECK(c->leader_epoch == 4);
  CHECK(c->commit_timestamp_ms == 1700000000009);
  CHECK(c->expire_timestamp_ms == -1);
  REQUIRE(find(*log, "g1", "t", 1) != nullptr);
  CHECK(find(*log, "g1", "t", 1)->offset == 7);
  REQUIRE(find(*log, "g2", "u", 2) != nullptr);
  CHECK(log->offsets().size() == 2);
  REQUIRE(log->group_metadata().size() == 2);
  CHECK(log->group_metadata().at("g1") == bytes_of("v2"));
  CHECK(log->group_metadata().at("g3") == bytes_of("only"));
}

TEST_CASE("tombstones delete offsets and group metadata, also after a reopen") {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    REQUIRE(put(*log, "g", "t", 0, offset_of(1)).ok());
    REQUIRE(put(*log, "g", "t", 1, offset_of(2)).ok());
    REQUIRE(put(*log, "h", "t", 0, offset_of(3)).ok());
    REQUIRE(log->append_group_metadata("g", bytes_of("m")).ok());
    GroupLog::Batch b;
    b.delete_offset("g", "t", 0);
    b.delete_offset("g", "t", 1);
    b.delete_offset("nobody", "t", 0);  // deleting what is not there is harmless
    REQUIRE(log->append(std::move(b)).ok());
    REQUIRE(log->append_group_tombstone("g").ok());
    CHECK(log->group_offsets("g") == nullptr);  // an emptied group disappears
    CHECK(log->group_metadata().empty());
  }
  auto log = open_log(dir.path());
  CHECK(log->group_offsets("g") == nullptr);
  CHECK(log->group_metadata().empty());
  REQUIRE(find(*log, "h", "t", 0) != nullptr);
  CHECK(find(*log, "h", "t", 0)->offset == 3);
  // A value written after a tombstone comes back.
  REQUIRE(log->append_group_metadata("g", bytes_of("again")).ok());
  log.reset();
  log = open_log(dir.path());
  CHECK(log->group_metadata().at("g") == bytes_of("again"));
}

TEST_CASE("a torn tail is cut off and the frames before it are kept") {
  TempDir dir;
  fs::path path;
  int64_t after_first = 0;
  {
    auto log = open_log(dir.path());
    path = log->path();
    REQUIRE(put(*log, "g", "t", 0, offset_of(10)).ok());
    after_first = log->file_bytes();
    CHECK(after_first == size_on_disk(path));
    // One frame holding three records: a crash keeps all of them or none.
    GroupLog::Batch b;
    b.put_offset("g", "t", 0, offset_of(20));
    b.put_offset("g", "t", 1, offset_of(21));
    b.put_group_metadata("g", bytes_of("meta"));
    REQUIRE(log->append(std::move(b)).ok());
  }
  int64_t full = size_on_disk(path);

  SUBCASE("the last frame is cut anywhere inside") {
    for (int64_t cut : {after_first + 3, after_first + 8, full - 1}) {
      CAPTURE(cut);
      fs::resize_file(path, static_cast<uintmax_t>(cut));
      auto log = open_log(dir.path());
      auto notes = log->take_recovery_notes();
      REQUIRE(notes.size() == 1);
      CHECK(notes[0].find("truncated at byte " + std::to_string(after_first)) != std::string::npos);
      CHECK(size_on_disk(path) == after_first);
      REQUIRE(find(*log, "g", "t", 0) != nullptr);
      CHECK(find(*log, "g", "t", 0)->offset == 10);
      CHECK(find(*log, "g", "t", 1) == nullptr);
      CHECK(log->group_metadata().empty());
      // Appends continue where the valid data ends and survive the next reopen.
      REQUIRE(put(*log, "g", "t", 1, offset_of(30)).ok());
      log.reset();
      log = open_log(dir.path());
      CHECK(log->take_recovery_notes().empty());
      REQUIRE(find(*log, "g", "t", 1) != nullptr);
      CHECK(find(*log, "g", "t", 1)->offset == 30);
      // Back to one frame for the next cut.
      fs::resize_file(path, static_cast<uintmax_t>(after_first));
    }
  }
  SUBCASE("a flipped bit in the last frame fails its CRC") {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(full - 5);
    char ch = 0;
    f.seekg(full - 5);
    f.read(&ch, 1);
    ch = static_cast<char>(ch ^ 0x10);
    f.seekp(full - 5);
    f.write(&ch, 1);
    f.close();
    auto log = open_log(dir.path());
    auto notes = log->take_recovery_notes();
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("CRC") != std::string::npos);
    CHECK(size_on_disk(path) == after_first);
    CHECK(find(*log, "g", "t", 0)->offset == 10);
  }
  SUBCASE("garbage after the last frame") {
    {
      std::ofstream f(path, std::ios::app | std::ios::binary);
      f << std::string("\xff\xff\xff\xff garbage that is no frame");
    }
    auto log = open_log(dir.path());
    CHECK(log->take_recovery_notes().size() == 1);
    CHECK(size_on_disk(path) == full);
    CHECK(find(*log, "g", "t", 0)->offset == 20);
    CHECK(find(*log, "g", "t", 1)->offset == 21);
    CHECK(log->group_metadata().at("g") == bytes_of("meta"));
  }
}

TEST_CASE("cut anywhere, the log replays exactly the batches written before the cut") {
  TempDir dir;
  GroupLog::Options o;
  o.min_compaction_bytes = int64_t{1} << 40;  // frame boundaries must stay where they are
  std::mt19937 rng(6);
  struct State {
    std::map<std::string, GroupOffsets, std::less<>> offsets;
    std::map<std::string, protocol::Bytes, std::less<>> groups;
  };
  std::vector<int64_t> boundaries{0};
  std::vector<State> states{State{}};
  fs::path path;
  {
    auto log = open_log(dir.path(), o);
    path = log->path();
    for (int i = 0; i < 300; ++i) {
      GroupLog::Batch b;
      int n = std::uniform_int_distribution<int>(1, 4)(rng);
      for (int k = 0; k < n; ++k) {
        std::string group = "g" + std::to_string(rng() % 4);
        std::string topic = "t" + std::to_string(rng() % 3);
        auto partition = static_cast<int32_t>(rng() % 3);
        switch (rng() % 5) {
          case 0:
            b.delete_offset(group, topic, partition);
            break;
          case 1:
            b.put_group_metadata(group, bytes_of(std::string(rng() % 40, 'x')));
            break;
          case 2:
            b.delete_group_metadata(group);
            break;
          default:
            b.put_offset(group, topic, partition,
                         offset_of(static_cast<int64_t>(rng() % 100000), std::to_string(i)));
        }
      }
      REQUIRE(log->append(std::move(b)).ok());
      boundaries.push_back(log->file_bytes());
      states.push_back({log->offsets(), log->group_metadata()});
    }
  }
  // Cut from the end towards the start: each cut only shortens the file further.
  std::vector<int64_t> cuts;
  for (int i = 0; i < 40; ++i)
    cuts.push_back(std::uniform_int_distribution<int64_t>(0, boundaries.back())(rng));
  std::sort(cuts.rbegin(), cuts.rend());
  for (int64_t cut : cuts) {
    CAPTURE(cut);
    fs::resize_file(path, static_cast<uintmax_t>(cut));
    size_t kept = static_cast<size_t>(std::upper_bound(boundaries.begin(), boundaries.end(), cut) -
                                      boundaries.begin() - 1);
    auto log = open_log(dir.path(), o);
    CHECK(log->offsets() == states[kept].offsets);
    CHECK(log->group_metadata() == states[kept].groups);
    CHECK(log->file_bytes() == boundaries[kept]);
    CHECK(log->take_recovery_notes().size() == (cut == boundaries[kept] ? 0u : 1u));
  }
}

TEST_CASE("compaction bounds the file and keeps the latest values") {
  TempDir dir;
  GroupLog::Options o;
  o.compaction_ratio = 2.0;
  o.min_compaction_bytes = 4096;
  fs::path path;
  {
    auto log = open_log(dir.path(), o);
    path = log->path();
    int64_t largest = 0;
    for (int round = 0; round < 500; ++round) {
      GroupLog::Batch b;
      for (int32_t p = 0; p < 4; ++p)
        b.put_offset("group", "topic", p, offset_of(round * 10 + p, "m" + std::to_string(round)));
      if (round % 50 == 0) b.put_group_metadata("group", bytes_of("gen" + std::to_string(round)));
      // A short-lived group that is deleted again: compaction must not resurrect it.
      if (round == 100) b.put_offset("gone", "topic", 0, offset_of(1));
      if (round == 101) b.delete_offset("gone", "topic", 0);
      REQUIRE(log->append(std::move(b)).ok());
      largest = std::max(largest, log->file_bytes());
      CHECK(log->file_bytes() == size_on_disk(path));
    }
    // Without compaction the file would hold 500 frames of ~150 bytes.
    CHECK(largest <= 4096 + 1024);
    CHECK(log->file_bytes() <= std::max<int64_t>(4096, 2 * log->live_bytes()) + 1024);
    CHECK(log->take_recovery_notes().empty());
    CHECK_FALSE(fs::exists(path.string() + ".tmp"));
  }
  auto log = open_log(dir.path(), o);
  CHECK(log->take_recovery_notes().empty());
  for (int32_t p = 0; p < 4; ++p) {
    const CommittedOffset* c = find(*log, "group", "topic", p);
    REQUIRE(c != nullptr);
    CHECK(c->offset == 4990 + p);
    CHECK(c->metadata == "m499");
  }
  CHECK(log->group_metadata().at("group") == bytes_of("gen450"));
  CHECK(log->group_offsets("gone") == nullptr);

  // An explicit compaction leaves just the live records, which replay identically.
  REQUIRE(log->compact().ok());
  int64_t compacted = log->file_bytes();
  CHECK(compacted < 4 * 100);
  auto before = log->offsets();
  log.reset();
  log = open_log(dir.path(), o);
  CHECK(log->offsets() == before);
  CHECK(size_on_disk(path) == compacted);
}

TEST_CASE("a leftover temporary file of an interrupted compaction is ignored") {
  TempDir dir;
  fs::path path;
  {
    auto log = open_log(dir.path());
    path = log->path();
    REQUIRE(put(*log, "g", "t", 0, offset_of(42)).ok());
  }
  {
    std::ofstream f(path.string() + ".tmp", std::ios::binary);
    f << "half a compaction";
  }
  auto log = open_log(dir.path());
  CHECK_FALSE(fs::exists(path.string() + ".tmp"));
  REQUIRE(find(*log, "g", "t", 0) != nullptr);
  CHECK(find(*log, "g", "t", 0)->offset == 42);
}

}  // namespace
}  // namespace kafkit::broker
