// The classic group coordinator over real loopback sockets: JoinGroup / SyncGroup /
// Heartbeat / LeaveGroup with Kafka's rules (KIP-394 member ids, KIP-345 static members,
// rebalance and session timeouts), DescribeGroups / ListGroups / DeleteGroups, coordinator
// placement on three nodes, group.max.size, and the persisted form of a group.
#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "broker/cluster_state.hpp"
#include "broker/group/consumer_subscription.hpp"
#include "broker/group/coordinator_node.hpp"
#include "group_support.hpp"
#include "protocol/messages/find_coordinator.hpp"

namespace kafkit::broker::test {
namespace {

using namespace protocol;
using namespace std::chrono_literals;

Properties fast_groups(std::string initial_delay_ms = "0") {
  return Properties{{"group.initial.rebalance.delay.ms", initial_delay_ms},
                    {"group.min.session.timeout.ms", "100"}};
}

/// Waits (bounded) until DescribeGroups shows `state`: requests on different connections
/// are not ordered, so a test that needs "the rebalance has started" asks for it.
void wait_state(RunningBroker& b, const std::string& group, const std::string& state,
                size_t node = 0) {
  TestClient admin(b.port(node));
  auto deadline = std::chrono::steady_clock::now() + 5s;
  std::string now;
  while ((now = describe(admin, group).group_state) != state &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  REQUIRE(now == state);
}

Member member(RunningBroker& b, const std::string& group, size_t node = 0) {
  Member m(b.port(node));
  m.group = group;
  return m;
}

TEST_CASE("one member: MEMBER_ID_REQUIRED, join, sync, heartbeat, describe, leave, delete") {
  RunningBroker b(fast_groups());
  Member a = member(b, "g1");
  auto first = a.join();
  CHECK(first.error_code == kErrMemberIdRequired);
  CHECK(first.member_id.rfind("kafkit-test-", 0) == 0);  // clientId-UUID (KIP-394)
  CHECK(first.member_id.size() == std::string("kafkit-test-").size() + 36);
  CHECK(first.generation_id == -1);
  a.id = first.member_id;
  auto joined = a.join();
  REQUIRE(joined.error_code == 0);
  CHECK(joined.generation_id == 1);
  CHECK(joined.leader == a.id);
  CHECK(joined.protocol_type == std::optional<std::string>("consumer"));
  CHECK(joined.protocol_name == std::optional<std::string>("range"));
  REQUIRE(joined.members.size() == 1);
  CHECK(joined.members[0].member_id == a.id);
  CHECK(joined.members[0].metadata == subscription({"t1", "t2"}));

  auto sync = a.receive_sync(a.send_sync({{a.id, "assignment-a"}}));
  CHECK(sync.error_code == 0);
  CHECK(text(sync.assignment) == "assignment-a");
  CHECK(sync.protocol_name == std::optional<std::string>("range"));
  CHECK(a.heartbeat() == 0);
  CHECK(a.heartbeat(0) == 0);

  TestClient admin(b.port());
  auto d = describe(admin, "g1");
  CHECK(d.error_code == 0);
  CHECK(d.group_state == "Stable");
  CHECK(d.protocol_type == "consumer");
  CHECK(d.protocol_data == "range");
  REQUIRE(d.members.size() == 1);
  CHECK(d.members[0].member_id == a.id);
  CHECK(d.members[0].client_id == "kafkit-test");
  CHECK(d.members[0].client_host == "/127.0.0.1");
  CHECK(text(d.members[0].member_assignment) == "assignment-a");
  CHECK(d.members[0].member_metadata == subscription({"t1", "t2"}));

  // A non-empty group cannot be deleted.
  DeleteGroupsRequest del;
  del.groups_names = {"g1"};
  CHECK(admin.call<DeleteGroupsResponse>(del, 2).results.at(0).error_code == kErrNonEmptyGroup);

  CHECK(a.leave(1) == 0);
  d = describe(admin, "g1");
  CHECK(d.group_state == "Empty");
  CHECK(d.members.empty());
  CHECK(a.heartbeat() == kErrUnknownMember);

  auto deleted = admin.call<DeleteGroupsResponse>(del, 2);
  CHECK(deleted.results.at(0).error_code == 0);
  CHECK(admin.call<DeleteGroupsResponse>(del, 0).results.at(0).error_code == kErrGroupIdNotFound);
  d = describe(admin, "g1", 0);
  CHECK(d.error_code == 0);
  CHECK(d.group_state == "Dead");
}

TEST_CASE(
    "three members: one generation, the first joiner leads, the leader's assignment reaches "
    "everyone") {
  RunningBroker b(fast_groups("400"));
  std::vector<Member> ms;
  for (int i = 0; i < 3; ++i) ms.push_back(member(b, "g3"));
  for (auto& m : ms) m.start_join();
  std::vector<JoinGroupResponse> joins;
  for (auto& m : ms) joins.push_back(m.receive_join());
  for (const auto& j : joins) {
    CHECK(j.error_code == 0);
    CHECK(j.generation_id == 1);
    CHECK(j.leader == ms[0].id);
  }
  CHECK(joins[0].members.size() == 3);
  CHECK(joins[1].members.empty());
  CHECK(joins[2].members.empty());

  // Followers wait in SyncGroup until the leader's assignment arrives.
  int32_t s1 = ms[1].send_sync();
  int32_t s2 = ms[2].send_sync();
  std::this_thread::sleep_for(100ms);
  int32_t s0 = ms[0].send_sync({{ms[0].id, "p0"}, {ms[1].id, "p1"}});  // ms[2] left out
  CHECK(text(ms[0].receive_sync(s0).assignment) == "p0");
  CHECK(text(ms[1].receive_sync(s1).assignment) == "p1");
  auto third = ms[2].receive_sync(s2);
  CHECK(third.error_code == 0);
  CHECK(third.assignment.empty());

  // Heartbeat errors.
  for (auto& m : ms) CHECK(m.heartbeat() == 0);
  Member stale = member(b, "g3");
  stale.id = ms[1].id;
  stale.generation = 0;
  CHECK(stale.heartbeat() == kErrIllegalGeneration);
  stale.generation = 1;
  stale.id = "nobody";
  CHECK(stale.heartbeat() == kErrUnknownMember);
  stale.group = "no-such-group";
  CHECK(stale.heartbeat() == kErrUnknownMember);
  stale.group = "";
  CHECK(stale.heartbeat() == kErrInvalidGroupId);

  // A SyncGroup v5 naming another protocol is refused.
  SyncGroupRequest wrong = ms[1].sync_request();
  wrong.protocol_type = "consumer";
  wrong.protocol_name = "roundrobin";
  CHECK(ms[1].client->call<SyncGroupResponse>(wrong, 5).error_code == kErrInconsistentProtocol);

  // A fourth member starts a rebalance: heartbeats say so, everyone rejoins.
  Member d = member(b, "g3");
  d.start_join();
  wait_state(b, "g3", "PreparingRebalance");
  for (auto& m : ms) CHECK(m.heartbeat() == kErrRebalanceInProgress);
  for (auto& m : ms) m.send_join();
  for (auto& m : ms) CHECK(m.receive_join().generation_id == 2);
  auto dj = d.receive_join();
  CHECK(dj.generation_id == 2);
  CHECK(dj.leader == ms[0].id);
  // A SyncGroup of the old generation is refused.
  SyncGroupRequest old = ms[1].sync_request();
  old.generation_id = 1;
  CHECK(ms[1].client->call<SyncGroupResponse>(old, 3).error_code == kErrIllegalGeneration);
}

TEST_CASE("the rebalance timeout removes members that do not rejoin") {
  RunningBroker b(fast_groups("200"));
  std::vector<Member> ms;
  for (int i = 0; i < 3; ++i) {
    ms.push_back(member(b, "laggards"));
    ms.back().rebalance_timeout_ms = 600;
  }
  for (auto& m : ms) m.start_join();
  for (auto& m : ms) REQUIRE(m.receive_join().generation_id == 1);
  int32_t f1 = ms[1].send_sync(), f2 = ms[2].send_sync();
  ms[0].receive_sync(ms[0].send_sync({{ms[0].id, "a"}, {ms[1].id, "b"}, {ms[2].id, "c"}}));
  ms[1].receive_sync(f1);
  ms[2].receive_sync(f2);

  // The leader rejoins (forcing a rebalance), the second member too, the third never does.
  // (The second rejoins once the rebalance is under way: before it, a follower rejoining a
  // Stable group without changes just gets the current generation back.)
  auto start = std::chrono::steady_clock::now();
  ms[0].send_join();
  wait_state(b, "laggards", "PreparingRebalance");
  ms[1].send_join();
  auto j0 = ms[0].receive_join();
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 500ms);  // held until the rebalance timeout
  CHECK(j0.generation_id == 2);
  CHECK(j0.members.size() == 2);
  CHECK(ms[1].receive_join().generation_id == 2);
  CHECK(ms[2].heartbeat() == kErrUnknownMember);
}

TEST_CASE("an expired session removes the member and rebalances the rest") {
  RunningBroker b(fast_groups("200"));
  Member a = member(b, "sessions"), c = member(b, "sessions");
  a.session_timeout_ms = 400;
  c.session_timeout_ms = 400;
  a.start_join();
  c.start_join();
  a.receive_join();
  c.receive_join();
  int32_t fc = c.send_sync();
  a.receive_sync(a.send_sync({{a.id, "x"}, {c.id, "y"}}));
  c.receive_sync(fc);
  // Only `a` keeps heartbeating.
  int16_t err = 0;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    err = a.heartbeat();
    if (err != 0) break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(err == kErrRebalanceInProgress);
  auto j = a.join();
  CHECK(j.generation_id == 2);
  REQUIRE(j.members.size() == 1);
  CHECK(j.members[0].member_id == a.id);
  CHECK(c.heartbeat() == kErrUnknownMember);
}

TEST_CASE("static members: a rejoin takes over without a rebalance and fences the old instance") {
  RunningBroker b(fast_groups());
  Member a = member(b, "static");
  a.instance = "instance-a";
  auto j = a.join();  // no MEMBER_ID_REQUIRED for a static member
  REQUIRE(j.error_code == 0);
  CHECK(a.id.rfind("instance-a-", 0) == 0);
  a.receive_sync(a.send_sync({{a.id, "mine"}}));

  Member again = member(b, "static");
  again.instance = "instance-a";
  auto j2 = again.join();
  REQUIRE(j2.error_code == 0);
  CHECK(j2.member_id != a.id);
  CHECK(j2.generation_id == 1);  // no rebalance: nothing changed
  CHECK(j2.skip_assignment);     // KIP-814: the leader keeps the current assignment
  auto s = again.receive_sync(again.send_sync());
  CHECK(s.error_code == 0);
  CHECK(text(s.assignment) == "mine");
  CHECK(a.heartbeat() == kErrFencedInstance);
  CHECK(again.heartbeat() == 0);
  TestClient admin(b.port());
  CHECK(describe(admin, "static").group_state == "Stable");
  auto d = describe(admin, "static");
  REQUIRE(d.members.size() == 1);
  CHECK(d.members[0].group_instance_id == std::optional<std::string>("instance-a"));

  // Before KIP-814 (v5-8) the rejoined leader is told the old leader id so it does not assign.
  Member third = member(b, "static");
  third.instance = "instance-a";
  third.version = 5;
  auto j3 = third.join();
  CHECK(j3.error_code == 0);
  CHECK(j3.leader == again.id);
  CHECK(j3.leader != third.id);

  // LeaveGroup by instance id alone (KIP-345), as an administrator would.
  LeaveGroupRequest leave;
  leave.group_id = "static";
  leave.members.push_back({"", std::string("instance-a"), std::nullopt, {}});
  leave.members.push_back({"", std::string("instance-unknown"), std::nullopt, {}});
  auto lr = admin.call<LeaveGroupResponse>(leave, 4);
  REQUIRE(lr.members.size() == 2);
  CHECK(lr.members[0].error_code == 0);
  CHECK(lr.members[1].error_code == kErrUnknownMember);
  CHECK(describe(admin, "static").group_state == "Empty");
}

TEST_CASE("JoinGroup errors: protocol type, session timeout, unknown member ids, group.max.size") {
  RunningBroker b(Properties{{"group.initial.rebalance.delay.ms", "0"},
                             {"group.min.session.timeout.ms", "100"},
                             {"group.max.size", "2"}});
  Member a = member(b, "errs");
  REQUIRE(a.join_with_id().error_code == 0);
  Member other = member(b, "errs");
  other.protocol_type = "connect";
  CHECK(other.join().error_code == kErrInconsistentProtocol);
  other.protocol_type = "consumer";
  other.protocols = {"no-common-protocol"};
  CHECK(other.join().error_code == kErrInconsistentProtocol);
  other.protocols = {"range"};
  other.session_timeout_ms = 50;
  CHECK(other.join().error_code == kErrInvalidSessionTimeout);
  other.session_timeout_ms = 300;
  other.id = "made-up";
  CHECK(other.join().error_code == kErrUnknownMember);
  Member nogroup = member(b, "never-created");
  nogroup.id = "made-up";
  CHECK(nogroup.join().error_code == kErrUnknownMember);
  Member noid = member(b, "");
  CHECK(noid.join().error_code == kErrInvalidGroupId);

  // Pending member ids count against group.max.size: a flood of new joiners is refused.
  other.id = "";
  auto p1 = other.join();
  CHECK(p1.error_code == kErrMemberIdRequired);
  other.id = "";
  auto full = other.join();
  CHECK(full.error_code == kErrGroupMaxSize);
  // Pending ids expire after the session timeout, making room again.
  std::this_thread::sleep_for(600ms);
  other.id = "";
  CHECK(other.join().error_code == kErrMemberIdRequired);
  size_t pending = 0;
  b.cluster->run_on_loop(
      [&pending](ClusterState& s) { pending = s.groups->find("errs")->pending().size(); });
  CHECK(pending == 1);
}

TEST_CASE("ListGroups with state and type filters, DescribeGroups of several groups") {
  RunningBroker b(fast_groups());
  Member s = member(b, "list-stable");
  s.join_with_id();
  s.receive_sync(s.send_sync({{s.id, "x"}}));
  Member e = member(b, "list-empty");
  e.join_with_id();
  e.receive_sync(e.send_sync());
  REQUIRE(e.leave() == 0);

  TestClient admin(b.port());
  auto all = admin.call<ListGroupsResponse>(ListGroupsRequest{}, 0);
  std::set<std::string> names;
  for (const auto& g : all.groups) {
    names.insert(g.group_id);
    CHECK(g.protocol_type == "consumer");
  }
  CHECK(names == std::set<std::string>{"list-stable", "list-empty"});

  ListGroupsRequest stable;
  stable.states_filter = {"stable"};  // case-insensitive
  auto only = admin.call<ListGroupsResponse>(stable, 4);
  REQUIRE(only.groups.size() == 1);
  CHECK(only.groups[0].group_id == "list-stable");
  CHECK(only.groups[0].group_state == "Stable");
  stable.states_filter = {"Empty", "PreparingRebalance"};
  only = admin.call<ListGroupsResponse>(stable, 5);
  REQUIRE(only.groups.size() == 1);
  CHECK(only.groups[0].group_id == "list-empty");
  CHECK(only.groups[0].group_type == "classic");
  ListGroupsRequest consumer_type;
  consumer_type.types_filter = {"consumer"};
  CHECK(admin.call<ListGroupsResponse>(consumer_type, 5).groups.empty());

  DescribeGroupsRequest req;
  req.groups = {"list-stable", "list-empty", "unknown"};
  req.include_authorized_operations = true;
  auto d = admin.call<DescribeGroupsResponse>(req, 5);
  REQUIRE(d.groups.size() == 3);
  CHECK(d.groups[0].group_state == "Stable");
  CHECK(d.groups[1].group_state == "Empty");
  CHECK(d.groups[2].group_state == "Dead");
  CHECK(d.groups[2].error_code == 0);
  CHECK(d.groups[0].authorized_operations == ((1 << 3) | (1 << 6) | (1 << 8)));
}

TEST_CASE(
    "three nodes: NOT_COORDINATOR elsewhere, COORDINATOR_NOT_AVAILABLE and unloading when it "
    "stops") {
  RunningBroker b(fast_groups(), 3);
  const std::string group = "placed-group";
  int32_t coordinator = -1;
  b.cluster->run_on_loop([&](ClusterState& s) { coordinator = coordinator_for(s, group)->id; });
  const auto& ids = b.cluster->node_ids();
  size_t home = static_cast<size_t>(std::find(ids.begin(), ids.end(), coordinator) - ids.begin());
  size_t away = (home + 1) % 3;

  Member wrong = member(b, group, away);
  CHECK(wrong.join().error_code == kErrNotCoordinator);
  wrong.id = "x";
  wrong.generation = 1;
  CHECK(wrong.heartbeat() == kErrNotCoordinator);
  LeaveGroupRequest lr;
  lr.group_id = group;
  lr.members.push_back({"x", std::nullopt, std::nullopt, {}});
  CHECK(wrong.client->call<LeaveGroupResponse>(lr, 3).error_code == kErrNotCoordinator);
  TestClient away_admin(b.port(away));
  CHECK(describe(away_admin, group).error_code == kErrNotCoordinator);
  DeleteGroupsRequest del;
  del.groups_names = {group};
  CHECK(away_admin.call<DeleteGroupsResponse>(del, 1).results.at(0).error_code ==
        kErrNotCoordinator);

  // Two members on the coordinator; one is parked in JoinGroup when the groups unload.
  Member a = member(b, group, home);
  a.join_with_id();
  a.receive_sync(a.send_sync({{a.id, "a"}}));
  Member c = member(b, group, home);
  c.start_join();  // parked: `a` has not rejoined yet
  wait_state(b, group, "PreparingRebalance", home);
  b.cluster->run_on_loop(
      [&](ClusterState& s) { s.groups->unload([&](const std::string& g) { return g == group; }); });
  CHECK(c.receive_join().error_code == kErrNotCoordinator);
  // Reloaded from what was persisted: generation 1 with `a` only.
  CHECK(describe(away_admin, group).error_code == kErrNotCoordinator);
  TestClient home_admin(b.port(home));
  auto d = describe(home_admin, group);
  CHECK(d.group_state == "Stable");
  REQUIRE(d.members.size() == 1);
  CHECK(a.heartbeat() == 0);

  REQUIRE(b.cluster->stop_node(coordinator).ok());
  Member late = member(b, group, away);
  CHECK(late.join().error_code == kErrCoordinatorNotAvailable);
}

TEST_CASE("a group's persisted form round-trips; malformed bytes are refused") {
  RunningBroker b(fast_groups("200"));
  Member a = member(b, "persist"), c = member(b, "persist");
  c.instance = "static-c";
  a.start_join();
  c.start_join();
  a.receive_join();
  c.receive_join();
  int32_t fc = c.send_sync();
  a.receive_sync(a.send_sync({{a.id, "for-a"}, {c.id, "for-c"}}));
  c.receive_sync(fc);

  std::string encoded, again;
  std::vector<bool> prefix_refused;
  bool restored = false;
  b.cluster->run_on_loop([&](ClusterState& s) {
    encoded = GroupCoordinator::encode_group(*s.groups->find("persist"));
    for (size_t n = 0; n < encoded.size(); ++n)
      prefix_refused.push_back(
          !s.groups->restore_group(as_bytes(std::string_view(encoded).substr(0, n))).ok());
    restored = s.groups->restore_group(as_bytes(encoded)).ok();
    again = GroupCoordinator::encode_group(*s.groups->find("persist"));
  });
  CHECK(restored);
  CHECK(again == encoded);
  CHECK(std::all_of(prefix_refused.begin(), prefix_refused.end(), [](bool r) { return r; }));
  // The restored group serves the same members, generation and assignments.
  CHECK(a.heartbeat() == 0);
  CHECK(c.heartbeat() == 0);
  auto s = c.receive_sync(c.send_sync());
  CHECK(text(s.assignment) == "for-c");
  TestClient admin(b.port());
  auto d = describe(admin, "persist");
  CHECK(d.group_state == "Stable");
  CHECK(d.members.size() == 2);
}

TEST_CASE("membership view: subscriptions and OffsetCommit checks follow Kafka") {
  RunningBroker b(fast_groups());
  Member a = member(b, "view");
  a.join_with_id();
  a.receive_sync(a.send_sync({{a.id, "x"}}));
  std::vector<std::string> topics;
  int16_t ok = -1, bad_gen = -1, bad_member = -1, standalone = -1, unknown_group = -1,
          unknown_group_gen = -1;
  bool has = false, has_unknown = true;
  const std::string id = a.id;
  b.cluster->run_on_loop([&](ClusterState& s) {
    topics = s.groups->subscribed_topics("view");
    has = s.groups->has_members("view");
    has_unknown = s.groups->has_members("nope");
    ok = s.groups->check_commit("view", id, 1, std::nullopt);
    bad_gen = s.groups->check_commit("view", id, 7, std::nullopt);
    bad_member = s.groups->check_commit("view", "other", 1, std::nullopt);
    standalone = s.groups->check_commit("view", "", -1, std::nullopt);
    unknown_group = s.groups->check_commit("nope", "", -1, std::nullopt);
    unknown_group_gen = s.groups->check_commit("nope", "m", 3, std::nullopt);
  });
  CHECK(topics == std::vector<std::string>{"t1", "t2"});
  CHECK(has);
  CHECK_FALSE(has_unknown);
  CHECK(ok == 0);
  CHECK(bad_gen == kErrIllegalGeneration);
  CHECK(bad_member == kErrUnknownMember);
  CHECK(standalone == kErrUnknownMember);  // only members commit while there are members
  CHECK(unknown_group == 0);
  CHECK(unknown_group_gen == kErrIllegalGeneration);

  // The subscription parser never trusts a length.
  Bytes sub = subscription({"topic-a", "b"});
  auto parsed = subscription_topics(sub);
  REQUIRE(parsed.has_value());
  CHECK(*parsed == std::set<std::string>{"topic-a", "b"});
  for (size_t n = 0; n + 4 < sub.size(); ++n)  // the null user data is not needed
    CHECK_FALSE(subscription_topics(ByteView(sub).first(n)).has_value());
  Bytes huge{std::byte(0),    std::byte(0), std::byte(0x7f), std::byte(0xff), std::byte(0xff),
             std::byte(0xff), std::byte(0), std::byte(1),    std::byte('x')};
  CHECK_FALSE(subscription_topics(huge).has_value());
}

TEST_CASE("a member that never syncs is removed after the rebalance timeout") {
  RunningBroker b(fast_groups("200"));
  Member a = member(b, "nosync"), c = member(b, "nosync");
  a.rebalance_timeout_ms = 500;
  c.rebalance_timeout_ms = 500;
  a.start_join();
  c.start_join();
  REQUIRE(a.receive_join().generation_id == 1);
  REQUIRE(c.receive_join().generation_id == 1);
  // Between JoinGroup and SyncGroup a heartbeat is a normal one.
  CHECK(c.heartbeat() == 0);
  a.receive_sync(a.send_sync({{a.id, "a"}, {c.id, "c"}}));
  // `c` never sends SyncGroup: once the rebalance timeout passes it is out.
  wait_state(b, "nosync", "PreparingRebalance");
  CHECK(c.heartbeat() == kErrUnknownMember);
  auto j = a.join();
  CHECK(j.generation_id == 2);
  CHECK(j.members.size() == 1);
}

TEST_CASE("the persist hook sees each stored generation and the deletion") {
  RunningBroker b(fast_groups());
  std::vector<std::pair<std::string, bool>> events;  // group, has bytes; loop thread only
  b.cluster->run_on_loop([&events](ClusterState& s) {
    s.groups->set_persist_hook(
        [&events](const std::string& g, const std::optional<std::string>& bytes) {
          events.emplace_back(g, bytes.has_value());
        });
  });
  Member a = member(b, "hooked");
  a.join_with_id();
  a.receive_sync(a.send_sync({{a.id, "x"}}));  // Stable: stored
  REQUIRE(a.leave() == 0);                     // Empty: stored
  TestClient admin(b.port());
  DeleteGroupsRequest del;
  del.groups_names = {"hooked"};
  CHECK(admin.call<DeleteGroupsResponse>(del, 2).results.at(0).error_code == 0);  // tombstone
  std::vector<std::pair<std::string, bool>> seen;
  b.cluster->run_on_loop([&](ClusterState& s) {
    seen = events;
    s.groups->set_persist_hook(nullptr);
  });
  std::vector<std::pair<std::string, bool>> want{
      {"hooked", true}, {"hooked", true}, {"hooked", false}};
  CHECK(seen == want);
}

TEST_CASE("group.* broker properties: defaults, parsing and errors naming the property") {
  auto defaults = BrokerConfig::from_properties({});
  REQUIRE(defaults.ok());
  CHECK(defaults->group_initial_rebalance_delay_ms == 3000);
  CHECK(defaults->group_min_session_timeout_ms == 6000);
  CHECK(defaults->group_max_session_timeout_ms == 1800000);
  CHECK(defaults->group_max_size == 1000);
  auto set = BrokerConfig::from_properties(
      Properties{{"group.initial.rebalance.delay.ms", "0"}, {"group.max.size", "7"}});
  REQUIRE(set.ok());
  CHECK(set->group_initial_rebalance_delay_ms == 0);
  CHECK(set->group_max_size == 7);
  for (const auto& bad : std::vector<Properties>{
           {{"group.max.size", "0"}},
           {{"group.initial.rebalance.delay.ms", "-1"}},
           {{"group.min.session.timeout.ms", "x"}},
           {{"group.min.session.timeout.ms", "9000"}, {"group.max.session.timeout.ms", "8000"}}}) {
    auto r = BrokerConfig::from_properties(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("group.") != std::string::npos);
  }
}

TEST_CASE("JoinGroup v0-3 members get their id at once; old versions interoperate with new") {
  RunningBroker b(fast_groups("300"));
  Member old = member(b, "versions"), modern = member(b, "versions");
  old.version = 0;
  old.session_timeout_ms = 5000;  // v0: also the rebalance timeout
  modern.version = 7;
  old.start_join();  // no MEMBER_ID_REQUIRED before v4
  modern.start_join();
  auto jo = old.receive_join();
  auto jm = modern.receive_join();
  REQUIRE(jo.error_code == 0);
  REQUIRE(jm.error_code == 0);
  CHECK(jo.member_id.rfind("kafkit-test-", 0) == 0);
  CHECK(jo.generation_id == 1);
  CHECK(jo.leader == jo.member_id);  // the first joiner leads
  CHECK(jo.members.size() == 2);
  CHECK(jm.protocol_type == std::optional<std::string>("consumer"));
  int32_t fm = modern.send_sync({}, 4);
  auto so = old.receive_sync(old.send_sync({{old.id, "o"}, {modern.id, "m"}}, 0), 0);
  CHECK(text(so.assignment) == "o");
  CHECK(text(modern.receive_sync(fm, 4).assignment) == "m");
  CHECK(old.leave(0) == 0);
  CHECK(modern.heartbeat(2) == kErrRebalanceInProgress);
}

}  // namespace
}  // namespace kafkit::broker::test
