// OffsetStore without a broker: Kafka's commit checks with and without a membership side,
// OffsetDelete's group rules, metadata length in UTF-16 units, expiry by retention, topic
// deletion and DeleteGroups through GroupOffsetsView.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "broker/group/offset_store.hpp"
#include "protocol/messages/error_codes.hpp"
#include "storage_test_support.hpp"

namespace kafkit::broker {
namespace {

using protocol::ErrorCode;
using test::TempDir;

int16_t code(ErrorCode e) {
  return static_cast<int16_t>(e);
}

// A membership side with fixed answers.
class FakeMembership final : public GroupMembershipView {
 public:
  std::set<std::string, std::less<>> live;  // groups with members
  std::map<std::string, std::vector<std::string>, std::less<>> subscriptions;
  int16_t commit_answer = 0;
  mutable int commit_checks = 0;

  int16_t check_commit(std::string_view, std::string_view, int32_t,
                       const std::optional<std::string>&) const override {
    ++commit_checks;
    return commit_answer;
  }
  bool has_members(std::string_view group) const override { return live.count(group) != 0; }
  std::vector<std::string> subscribed_topics(std::string_view group) const override {
    auto it = subscriptions.find(group);
    return it == subscriptions.end() ? std::vector<std::string>{} : it->second;
  }
};

struct Fixture {
  TempDir dir;
  std::unique_ptr<GroupLog> log;
  std::unique_ptr<OffsetStore> store;
  std::vector<std::string> lines;

  explicit Fixture(OffsetStoreConfig config = {}) {
    auto l = GroupLog::open(dir.path());
    REQUIRE(l.ok());
    log = std::move(*l);
    store = std::make_unique<OffsetStore>(*log, config,
                                          [this](const std::string& s) { lines.push_back(s); });
  }
  void commit(const std::string& group, const std::string& topic, int32_t partition, int64_t offset,
              int64_t ts = 1000, int64_t expire = -1) {
    CommittedOffset v;
    v.offset = offset;
    v.commit_timestamp_ms = ts;
    v.expire_timestamp_ms = expire;
    REQUIRE(store->commit(group, {{topic, partition, v}}).ok());
  }
};

TEST_CASE("commit checks without a membership side follow Kafka for groups without members") {
  Fixture f;
  // Generation -1: a simple consumer, accepted with or without a member id.
  CHECK(f.store->check_commit("new", "", -1, std::nullopt, 8) == 0);
  CHECK(f.store->check_commit("new", "someone", -1, std::nullopt, 8) == 0);
  // A generation for a group that does not exist.
  CHECK(f.store->check_commit("new", "m", 1, std::nullopt, 8) ==
        code(ErrorCode::IllegalGeneration));
  CHECK(f.store->check_commit("new", "m", 0, std::nullopt, 2) ==
        code(ErrorCode::IllegalGeneration));
  CHECK(f.store->check_commit("new", "m", 1, std::nullopt, 9) == code(ErrorCode::GroupIdNotFound));
  // The group exists once it has offsets, and it has no such member.
  f.commit("old", "t", 0, 5);
  CHECK(f.store->check_commit("old", "m", 1, std::nullopt, 8) == code(ErrorCode::UnknownMemberId));
  CHECK(f.store->check_commit("old", "m", 1, std::nullopt, 9) == code(ErrorCode::UnknownMemberId));
  CHECK(f.store->check_commit("old", "", -1, std::nullopt, 9) == 0);
}

TEST_CASE("commit checks of a group with members are the membership side's") {
  Fixture f;
  FakeMembership m;
  f.store->set_membership(&m);
  m.live.insert("live");
  m.commit_answer = code(ErrorCode::RebalanceInProgress);
  CHECK(f.store->check_commit("live", "m", 3, std::nullopt, 8) ==
        code(ErrorCode::RebalanceInProgress));
  CHECK(f.store->check_commit("live", "", -1, std::nullopt, 8) ==
        code(ErrorCode::RebalanceInProgress));
  CHECK(m.commit_checks == 2);
  // An Empty group the membership side knows (and has no offsets yet) is asked too; its
  // ILLEGAL_GENERATION becomes GROUP_ID_NOT_FOUND from v9.
  m.commit_answer = code(ErrorCode::IllegalGeneration);
  CHECK(f.store->check_commit("empty", "m", 2, std::nullopt, 8) ==
        code(ErrorCode::IllegalGeneration));
  CHECK(f.store->check_commit("empty", "m", 2, std::nullopt, 9) ==
        code(ErrorCode::GroupIdNotFound));
  m.commit_answer = code(ErrorCode::UnknownMemberId);
  CHECK(f.store->check_commit("empty", "m", 2, std::nullopt, 9) ==
        code(ErrorCode::UnknownMemberId));
  // Without a generation an Empty group accepts the commit without asking.
  int asked = m.commit_checks;
  CHECK(f.store->check_commit("empty", "", -1, std::nullopt, 9) == 0);
  CHECK(m.commit_checks == asked);
}

TEST_CASE("metadata is measured in UTF-16 units against offset.metadata.max.bytes") {
  OffsetStoreConfig c;
  c.metadata_max_bytes = 4;
  Fixture f(c);
  CHECK_FALSE(f.store->metadata_too_large(std::nullopt));
  CHECK_FALSE(f.store->metadata_too_large(std::string("abcd")));
  CHECK(f.store->metadata_too_large(std::string("abcde")));
  // Four 2-byte UTF-8 characters are four UTF-16 units; two emoji are four units too.
  CHECK_FALSE(f.store->metadata_too_large(std::string("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9")));
  CHECK_FALSE(f.store->metadata_too_large(std::string("\xf0\x9f\x98\x80\xf0\x9f\x98\x80")));
  CHECK(f.store->metadata_too_large(std::string("a\xf0\x9f\x98\x80\xf0\x9f\x98\x80")));
}

TEST_CASE("OffsetDelete's group rules") {
  Fixture f;
  CHECK(f.store->check_delete("unknown") == code(ErrorCode::GroupIdNotFound));
  f.commit("g", "t", 0, 1);
  f.commit("g", "t", 1, 2);
  f.commit("g", "u", 0, 3);
  CHECK(f.store->check_delete("g") == 0);
  CHECK_FALSE(f.store->subscribed("g", "t"));

  FakeMembership m;
  f.store->set_membership(&m);
  m.live.insert("g");
  CHECK(f.store->check_delete("g") == code(ErrorCode::NonEmptyGroup));
  m.subscriptions["g"] = {"t"};
  CHECK(f.store->check_delete("g") == 0);
  CHECK(f.store->subscribed("g", "t"));
  CHECK_FALSE(f.store->subscribed("g", "u"));

  REQUIRE(f.store->delete_offsets("g", {{"u", 0}, {"u", 7}, {"t", 1}}).ok());
  CHECK(f.store->find("g", "u", 0) == nullptr);
  CHECK(f.store->find("g", "t", 1) == nullptr);
  REQUIRE(f.store->find("g", "t", 0) != nullptr);
}

TEST_CASE("offsets expire after the retention unless the group has members") {
  OffsetStoreConfig c;
  c.retention_ms = 1000;
  Fixture f(c);
  FakeMembership m;
  f.store->set_membership(&m);
  f.commit("simple", "t", 0, 1, /*ts=*/10000);
  f.commit("simple", "t", 1, 2, /*ts=*/10500);
  f.commit("live", "t", 0, 3, /*ts=*/10000);
  f.commit("fixed", "t", 0, 4, /*ts=*/10000, /*expire=*/10200);  // v2-4 retention
  m.live.insert("live");

  CHECK(f.store->expire(10100) == 0);
  CHECK(f.store->expire(10200) == 1);  // the explicit expire timestamp
  CHECK_FALSE(f.store->has_offsets("fixed"));
  CHECK(f.store->expire(11000) == 1);  // simple/t/0: 1000 ms after its commit
  CHECK(f.store->find("simple", "t", 0) == nullptr);
  REQUIRE(f.store->find("simple", "t", 1) != nullptr);
  CHECK(f.store->expire(11500) == 1);
  CHECK_FALSE(f.store->has_offsets("simple"));
  // A group with members keeps its offsets however old...
  CHECK(f.store->expire(50000) == 0);
  CHECK(f.store->has_offsets("live"));
  // ...and once empty, keeps them for the retention from when it was last seen with members.
  m.live.clear();
  CHECK(f.store->expire(50900) == 0);
  CHECK(f.store->expire(51000) == 1);
  CHECK(f.store->groups_with_offsets().empty());
  // Expiry is durable.
  f.store.reset();
  f.log.reset();
  auto reopened = GroupLog::open(f.dir.path());
  REQUIRE(reopened.ok());
  CHECK((*reopened)->offsets().empty());
}

TEST_CASE("deleting a topic or a group drops its offsets durably") {
  Fixture f;
  f.commit("a", "t", 0, 1);
  f.commit("a", "keep", 0, 2);
  f.commit("b", "t", 3, 3);
  f.commit("c", "keep", 1, 4);
  REQUIRE(f.store->on_topic_deleted("t").ok());
  CHECK(f.store->find("a", "t", 0) == nullptr);
  CHECK_FALSE(f.store->has_offsets("b"));
  CHECK(f.store->groups_with_offsets() == std::vector<std::string>{"a", "c"});
  f.store->delete_group_offsets("a");
  CHECK_FALSE(f.store->has_offsets("a"));
  f.store->delete_group_offsets("not-there");
  f.store.reset();
  f.log.reset();
  auto reopened = GroupLog::open(f.dir.path());
  REQUIRE(reopened.ok());
  REQUIRE((*reopened)->offsets().size() == 1);
  CHECK((*reopened)->offsets().count("c") == 1);
}

}  // namespace
}  // namespace kafkit::broker
