// The built-in assignors: exact results for range and roundrobin (the expectations of
// Kafka's RangeAssignorTest / RoundRobinAssignorTest), properties for sticky and
// cooperative-sticky over random membership and topic changes.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>

#include "client/group/builtin_assignors.hpp"

using namespace kafkit;
using namespace kafkit::client;

namespace {

using Parts = std::vector<TopicPartition>;
using Counts = std::map<std::string, std::int32_t>;

GroupMemberSubscription member(std::string id, std::vector<std::string> topics,
                               std::optional<std::string> instance = std::nullopt) {
  GroupMemberSubscription m;
  m.member_id = std::move(id);
  m.topics = std::move(topics);
  m.group_instance_id = std::move(instance);
  return m;
}

Parts parts_of(const std::map<std::string, GroupMemberAssignment>& result, const std::string& id) {
  auto it = result.find(id);
  REQUIRE(it != result.end());
  Parts p = it->second.partitions;
  std::sort(p.begin(), p.end());
  return p;
}

std::map<std::string, GroupMemberAssignment> run(std::string_view name, const Counts& counts,
                                                 const std::vector<GroupMemberSubscription>& m) {
  auto a = make_builtin_assignor(name);
  REQUIRE(a != nullptr);
  return a->assign(counts, m);
}

}  // namespace

TEST_CASE("make_builtin_assignor knows the four names") {
  CHECK(make_builtin_assignor("range")->name() == "range");
  CHECK(make_builtin_assignor("roundrobin")->name() == "roundrobin");
  CHECK(make_builtin_assignor("sticky")->protocol() == RebalanceProtocol::eager);
  CHECK(make_builtin_assignor("cooperative-sticky")->protocol() == RebalanceProtocol::cooperative);
  CHECK(make_builtin_assignor("RANGE") == nullptr);
  CHECK(make_builtin_assignor("") == nullptr);
}

TEST_CASE("range: Kafka's RangeAssignorTest expectations") {
  SUBCASE("one consumer, no topic") {
    auto r = run("range", {}, {member("c1", {})});
    CHECK(parts_of(r, "c1").empty());
  }
  SUBCASE("only subscribed topics") {
    auto r = run("range", {{"topic", 3}, {"other", 3}}, {member("c1", {"topic"})});
    CHECK(parts_of(r, "c1") == Parts{{"topic", 0}, {"topic", 1}, {"topic", 2}});
  }
  SUBCASE("two consumers, one partition") {
    auto r = run("range", {{"topic", 1}}, {member("c1", {"topic"}), member("c2", {"topic"})});
    CHECK(parts_of(r, "c1") == Parts{{"topic", 0}});
    CHECK(parts_of(r, "c2").empty());
  }
  SUBCASE("mixed topics") {
    auto r = run(
        "range", {{"topic1", 3}, {"topic2", 2}},
        {member("c1", {"topic1"}), member("c2", {"topic1", "topic2"}), member("c3", {"topic1"})});
    CHECK(parts_of(r, "c1") == Parts{{"topic1", 0}});
    CHECK(parts_of(r, "c2") == Parts{{"topic1", 1}, {"topic2", 0}, {"topic2", 1}});
    CHECK(parts_of(r, "c3") == Parts{{"topic1", 2}});
  }
  SUBCASE("two consumers, two topics, six partitions") {
    auto r = run("range", {{"topic1", 3}, {"topic2", 3}},
                 {member("c1", {"topic1", "topic2"}), member("c2", {"topic1", "topic2"})});
    CHECK(parts_of(r, "c1") == Parts{{"topic1", 0}, {"topic1", 1}, {"topic2", 0}, {"topic2", 1}});
    CHECK(parts_of(r, "c2") == Parts{{"topic1", 2}, {"topic2", 2}});
  }
  SUBCASE("static members come first, by instance id, whatever their member ids") {
    // KIP-345: a restarted static member gets a new member id but keeps its ranges.
    auto r = run("range", {{"t", 5}},
                 {member("a-dynamic", {"t"}), member("zzz", {"t"}, "instance-b"),
                  member("yyy", {"t"}, "instance-a")});
    CHECK(parts_of(r, "yyy") == Parts{{"t", 0}, {"t", 1}});
    CHECK(parts_of(r, "zzz") == Parts{{"t", 2}, {"t", 3}});
    CHECK(parts_of(r, "a-dynamic") == Parts{{"t", 4}});
  }
}

TEST_CASE("roundrobin: Kafka's RoundRobinAssignorTest expectations") {
  SUBCASE("two consumers, two topics, six partitions") {
    auto r = run("roundrobin", {{"topic1", 3}, {"topic2", 3}},
                 {member("c1", {"topic1", "topic2"}), member("c2", {"topic1", "topic2"})});
    CHECK(parts_of(r, "c1") == Parts{{"topic1", 0}, {"topic1", 2}, {"topic2", 1}});
    CHECK(parts_of(r, "c2") == Parts{{"topic1", 1}, {"topic2", 0}, {"topic2", 2}});
  }
  SUBCASE("mixed topics") {
    auto r = run(
        "roundrobin", {{"topic1", 3}, {"topic2", 2}},
        {member("c1", {"topic1"}), member("c2", {"topic1", "topic2"}), member("c3", {"topic1"})});
    CHECK(parts_of(r, "c1") == Parts{{"topic1", 0}});
    CHECK(parts_of(r, "c2") == Parts{{"topic1", 1}, {"topic2", 0}, {"topic2", 1}});
    CHECK(parts_of(r, "c3") == Parts{{"topic1", 2}});
  }
  SUBCASE("topic that does not exist is skipped") {
    auto r = run("roundrobin", {{"topic", 2}}, {member("c1", {"topic", "missing"})});
    CHECK(parts_of(r, "c1") == Parts{{"topic", 0}, {"topic", 1}});
  }
  SUBCASE("static members ordered by instance id") {
    auto r = run("roundrobin", {{"t", 3}}, {member("m1", {"t"}, "i2"), member("m2", {"t"}, "i1")});
    CHECK(parts_of(r, "m2") == Parts{{"t", 0}, {"t", 2}});
    CHECK(parts_of(r, "m1") == Parts{{"t", 1}});
  }
}

TEST_CASE("sticky: a contested partition stays with the newer generation") {
  std::vector<GroupMemberSubscription> m = {member("a", {"t"}), member("b", {"t"})};
  auto a = sticky_assign({{"t", 2}}, m, {{{"t", 0}}, {{"t", 0}, {"t", 1}}}, {5, 6});
  CHECK(a[1] == Parts{{"t", 0}});  // b (generation 6) keeps t-0 ...
  CHECK(a[0] == Parts{{"t", 1}});  // ... and balance moves t-1 to a
  // A tie in one generation voids both claims (Kafka): then placed like new partitions.
  auto tie = sticky_assign({{"t", 1}}, m, {{{"t", 0}}, {{"t", 0}}}, {3, 3});
  CHECK(tie[0].size() + tie[1].size() == 1);
}

namespace {

// A group simulation: members come and go, topics grow and the subscription changes; the
// assignor's result is checked after every rebalance.
struct Sim {
  std::mt19937 rng;
  bool cooperative;
  Counts counts;
  std::vector<std::string> topics;  // the common subscription
  struct Member {
    std::string id;
    std::unique_ptr<PartitionAssignor> assignor;
    Parts owned;
    std::int32_t generation = -1;
  };
  std::vector<Member> members;
  std::int32_t generation = 0;
  int next_id = 0;

  Sim(unsigned seed, bool coop) : rng(seed), cooperative(coop) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }

  void add_member() {
    Member m;
    m.id = "member-" + std::to_string(next_id++);
    m.assignor = make_builtin_assignor(cooperative ? "cooperative-sticky" : "sticky");
    members.push_back(std::move(m));
  }

  std::vector<GroupMemberSubscription> subscriptions() const {
    std::vector<GroupMemberSubscription> out;
    for (const Member& m : members) {
      GroupMemberSubscription s = member(m.id, topics);
      s.user_data = m.assignor->subscription_user_data(topics);
      if (cooperative) {
        // Eager members revoke all before joining and send nothing owned.
        s.owned_partitions = m.owned;
        s.generation = m.owned.empty() ? -1 : m.generation;
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  std::set<TopicPartition> all_partitions() const {
    std::set<TopicPartition> out;
    for (const std::string& t : topics) {
      auto it = counts.find(t);
      if (it == counts.end()) continue;
      for (std::int32_t p = 0; p < it->second; ++p) out.insert({t, p});
    }
    return out;
  }

  // One JoinGroup/SyncGroup round; returns whether any member revoked something.
  bool rebalance() {
    auto subs = subscriptions();
    auto result = members.front().assignor->assign(counts, subs);
    ++generation;
    std::map<TopicPartition, std::string> owner_before;
    for (const Member& m : members) {
      for (const TopicPartition& tp : m.owned) owner_before[tp] = m.id;
    }
    std::set<TopicPartition> seen;
    const auto valid = all_partitions();
    bool revoked_any = false;
    for (Member& m : members) {
      REQUIRE(result.count(m.id) == 1);
      Parts got = result[m.id].partitions;
      std::sort(got.begin(), got.end());
      for (const TopicPartition& tp : got) {
        CHECK_MESSAGE(seen.insert(tp).second, "assigned twice: ", tp.topic, "-", tp.partition);
        CHECK(valid.count(tp) == 1);
        if (cooperative) {
          // KIP-429: never straight from one member to another in one round.
          auto it = owner_before.find(tp);
          const bool moved_directly = it != owner_before.end() && it->second != m.id;
          CHECK_FALSE(moved_directly);
        }
      }
      if (cooperative) {
        for (const TopicPartition& tp : m.owned) {
          if (!std::binary_search(got.begin(), got.end(), tp)) revoked_any = true;
        }
      }
      m.owned = got;
      m.generation = generation;
      m.assignor->on_assignment(GroupMemberAssignment{got, result[m.id].user_data}, generation);
    }
    if (!cooperative) CHECK(seen == valid);
    return revoked_any;
  }

  void check_balanced_and_complete() {
    std::set<TopicPartition> seen;
    size_t lo = SIZE_MAX, hi = 0;
    for (const Member& m : members) {
      seen.insert(m.owned.begin(), m.owned.end());
      lo = std::min(lo, m.owned.size());
      hi = std::max(hi, m.owned.size());
    }
    CHECK(seen == all_partitions());
    CHECK(hi - lo <= 1);
  }

  void step() {
    // Before the change: what each member had that still exists afterwards.
    switch (pick(6)) {
      case 0:
      case 1:
        add_member();
        break;
      case 2:
        if (members.size() > 1) members.erase(members.begin() + pick(int(members.size())));
        break;
      case 3:
        counts[topics[size_t(pick(int(topics.size())))]] += 1 + pick(3);
        break;
      case 4: {
        // Subscribe to a different set of topics (all members alike).
        std::vector<std::string> all = {"a", "b", "c", "d"};
        std::vector<std::string> next;
        for (const std::string& t : all) {
          if (pick(2) == 0) next.push_back(t);
        }
        if (next.empty()) next = {"a"};
        topics = next;
        break;
      }
      default:
        break;  // a rebalance with nothing changed: nothing may move
    }
    const auto valid = all_partitions();
    std::map<std::string, Parts> before;
    for (const Member& m : members) {
      for (const TopicPartition& tp : m.owned) {
        if (valid.count(tp)) before[m.id].push_back(tp);
      }
    }
    int rounds = 0;
    while (rebalance()) {
      REQUIRE(++rounds < 4);  // cooperative: the follow-up round settles it
    }
    check_balanced_and_complete();
    // Stickiness: a member either kept everything it had or received nothing new: a
    // partition moves only when balance needs it.
    for (const Member& m : members) {
      const Parts& had = before[m.id];
      size_t kept = 0;
      for (const TopicPartition& tp : had) {
        if (std::binary_search(m.owned.begin(), m.owned.end(), tp)) ++kept;
      }
      CAPTURE(m.id);
      CHECK(kept == std::min(had.size(), m.owned.size()));
    }
  }
};

void simulate(bool cooperative) {
  for (unsigned seed = 1; seed <= 30; ++seed) {
    CAPTURE(seed);
    Sim sim(seed, cooperative);
    sim.counts = {{"a", 3}, {"b", 5}, {"c", 1}, {"d", 8}};
    sim.topics = {"a", "b"};
    for (int i = 0; i < 3; ++i) sim.add_member();
    while (sim.rebalance()) {
    }
    sim.check_balanced_and_complete();
    for (int i = 0; i < 40; ++i) sim.step();
  }
}

}  // namespace

TEST_CASE("sticky: balanced, complete and sticky over random changes") {
  simulate(false);
}

TEST_CASE("cooperative-sticky: no direct moves, then balanced and sticky") {
  simulate(true);
}

TEST_CASE("sticky and cooperative-sticky with different subscriptions stay valid") {
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    Counts counts = {{"a", 1 + int(rng() % 6)}, {"b", 1 + int(rng() % 6)}, {"c", int(rng() % 4)}};
    std::vector<GroupMemberSubscription> members;
    const int n = 1 + int(rng() % 5);
    std::vector<std::vector<TopicPartition>> owned(static_cast<size_t>(n));
    std::vector<std::int32_t> gens(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> topics;
      for (const char* t : {"a", "b", "c", "x"}) {
        if (rng() % 2) topics.push_back(t);
      }
      members.push_back(member("m" + std::to_string(i), topics));
      for (int k = 0; k < 3; ++k) owned[size_t(i)].push_back({"a", int(rng() % 8)});
      gens[size_t(i)] = int(rng() % 3);
    }
    auto result = sticky_assign(counts, members, owned, gens);
    std::set<TopicPartition> seen;
    for (int i = 0; i < n; ++i) {
      for (const TopicPartition& tp : result[size_t(i)]) {
        CHECK(seen.insert(tp).second);
        const auto& t = members[size_t(i)].topics;
        CHECK(std::find(t.begin(), t.end(), tp.topic) != t.end());
        CHECK(tp.partition < counts[tp.topic]);
      }
    }
    // Every partition of a topic someone subscribes to is placed.
    for (const auto& [topic, count] : counts) {
      bool wanted = false;
      for (const auto& m : members) {
        wanted = wanted || std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
      }
      for (std::int32_t p = 0; p < count; ++p) {
        CHECK(seen.count({topic, p}) == (wanted ? 1u : 0u));
      }
    }
  }
}

TEST_CASE("cooperative-sticky: a new member gets moved partitions in the second round") {
  auto assignor = make_builtin_assignor("cooperative-sticky");
  auto a = member("a", {"t"});
  a.owned_partitions = {{"t", 0}, {"t", 1}, {"t", 2}, {"t", 3}};
  a.generation = 4;
  auto b = member("b", {"t"});
  auto first = assignor->assign({{"t", 4}}, {a, b});
  CHECK(parts_of(first, "a").size() == 2);
  CHECK(parts_of(first, "b").empty());  // the two moving partitions are unassigned
  a.owned_partitions = parts_of(first, "a");
  a.generation = 5;
  auto second = assignor->assign({{"t", 4}}, {a, b});
  CHECK(parts_of(second, "a") == a.owned_partitions);
  CHECK(parts_of(second, "b").size() == 2);

  // The generation also travels in the user data for leaders reading subscription v0/v1.
  assignor->on_assignment({}, 9);
  CHECK(assignor->subscription_user_data({"t"}).size() == 4);
}

TEST_CASE("sticky: the previous assignment travels in the user data") {
  auto leader = make_builtin_assignor("sticky");
  auto m1 = make_builtin_assignor("sticky");
  auto m2 = make_builtin_assignor("sticky");
  m1->on_assignment({{{"t", 1}, {"t", 2}}, {}}, 3);
  m2->on_assignment({{{"t", 0}}, {}}, 3);
  auto s1 = member("m1", {"t"});
  s1.user_data = m1->subscription_user_data({"t"});
  auto s2 = member("m2", {"t"});
  s2.user_data = m2->subscription_user_data({"t"});
  auto r = leader->assign({{"t", 3}}, {s1, s2});
  CHECK(parts_of(r, "m1") == Parts{{"t", 1}, {"t", 2}});
  CHECK(parts_of(r, "m2") == Parts{{"t", 0}});
  // Garbage user data counts as no previous assignment.
  s1.user_data = "\x7f";
  auto r2 = leader->assign({{"t", 3}}, {s1, s2});
  CHECK(parts_of(r2, "m1").size() + parts_of(r2, "m2").size() == 3);
}
