// kafkit's group consumer when things go wrong or are unusual, against the reference
// broker's group coordinator in-process: regex subscriptions picking up new topics,
// max.poll.interval.ms, static membership (KIP-345), the coordinator's node stopping,
// close() with nobody to talk to, commit rules, user-supplied assignors, and what the
// rebalance callbacks see under eager and cooperative (KIP-429) assignors.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../broker/broker_fixture.hpp"
#include "broker/cluster_state.hpp"
#include "broker/group/coordinator_node.hpp"
#include "broker/group/group.hpp"
#include "broker/group/group_coordinator.hpp"
#include "kafkit/assignor.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using Clock = std::chrono::steady_clock;
using Tps = std::set<TopicPartition>;

constexpr std::int16_t kJoinGroup = 11;
constexpr std::int16_t kSyncGroup = 14;

Properties broker_props(int partitions) {
  return Properties{{"num.partitions", std::to_string(partitions)},
                    {"group.initial.rebalance.delay.ms", "0"}};
}

/// Writes `n` records round-robin over `partitions` partitions (auto-creating the topic).
void produce(const std::string& servers, const std::string& topic, int partitions, int n,
             int first = 0) {
  Producer p({{"bootstrap.servers", servers}, {"linger.ms", "1"}});
  for (int i = first; i < first + n; ++i) {
    std::string v = std::to_string(i);
    auto r = p.send(
        {.topic = topic, .partition = static_cast<std::int32_t>(i % partitions), .value = v});
    REQUIRE_MESSAGE(r.ok(), r.error().message);
  }
  auto f = p.flush(20s);
  REQUIRE_MESSAGE(f.ok(), f.error().message);
}

Config member_config(const std::string& servers, const std::string& group,
                     const std::string& strategy = "range") {
  return {{"bootstrap.servers", servers},
          {"group.id", group},
          {"partition.assignment.strategy", strategy},
          {"session.timeout.ms", "6000"},
          {"heartbeat.interval.ms", "100"},
          {"max.poll.interval.ms", "30000"},
          {"auto.offset.reset", "earliest"},
          {"auto.commit.interval.ms", "200"},
          {"fetch.max.wait.ms", "50"},
          {"metadata.max.age.ms", "300"}};
}

/// The group's generation at the broker (-1 when it has no such group).
std::int32_t generation_of(const RunningBroker& b, const std::string& group) {
  std::int32_t g = -1;
  b.cluster->run_on_loop([&](broker::ClusterState& s) {
    if (const broker::Group* found = s.groups->find(group)) g = found->generation();
  });
  return g;
}

std::string str(const std::vector<TopicPartition>& tps) {
  std::string s;
  for (const auto& tp : tps) s += tp.topic + "/" + std::to_string(tp.partition) + " ";
  return s;
}

/// One group member, polled from the test thread, remembering what it was told.
class Member {
 public:
  Member(Config config, ConsumerCallbacks cb = {}) {
    cb.on_assigned = [this](const std::vector<TopicPartition>& p) {
      log.push_back("assigned " + str(p));
      assigned_calls.push_back(p);
      if (assigned_calls.size() == 1) first_assigned_at = Clock::now();
      owned.insert(p.begin(), p.end());
    };
    cb.on_revoked = [this](const std::vector<TopicPartition>& p) {
      log.push_back("revoked " + str(p));
      revoked_calls.push_back(p);
      for (const auto& tp : p) owned.erase(tp);
    };
    cb.on_lost = [this](const std::vector<TopicPartition>& p) {
      log.push_back("lost " + str(p));
      lost_calls.push_back(p);
      for (const auto& tp : p) owned.erase(tp);
    };
    consumer = std::make_unique<Consumer>(config, std::move(cb));
  }
  Member(const Member&) = delete;
  Member& operator=(const Member&) = delete;

  /// One poll; returns its events.
  std::vector<ConsumerEvent> poll(std::chrono::milliseconds t = 5ms) {
    PollResult got = consumer->poll(t);
    for (const auto& e : got.events) {
      events.push_back(e);
      event_log.push_back("event " + std::to_string(static_cast<int>(e.type)) + " " +
                          (e.error ? e.error->message : "") + " " + str(e.partitions));
    }
    for (const auto& r : got.records) {
      TopicPartition tp{std::string(r.topic), r.partition};
      records.push_back({tp, r.offset});
      received_at.push_back(Clock::now());
    }
    return std::move(got.events);
  }
  bool has_event(ConsumerEvent::Type t) const {
    return std::any_of(events.begin(), events.end(),
                       [t](const ConsumerEvent& e) { return e.type == t; });
  }
  std::set<std::int32_t> owned_partitions() const {
    std::set<std::int32_t> out;
    for (const auto& tp : owned) out.insert(tp.partition);
    return out;
  }
  std::string history() const {
    std::string s;
    for (const auto& l : log) s += l + "\n";
    for (const auto& l : event_log) s += l + "\n";
    return s;
  }

  std::unique_ptr<Consumer> consumer;
  Tps owned;
  std::vector<std::string> log;  // callbacks
  std::vector<std::string> event_log;
  std::vector<std::vector<TopicPartition>> assigned_calls, revoked_calls, lost_calls;
  std::vector<ConsumerEvent> events;
  std::vector<std::pair<TopicPartition, std::int64_t>> records;
  std::vector<Clock::time_point> received_at;
  Clock::time_point first_assigned_at{};
};

/// Polls every member until `done` holds or `limit` passes; returns `done()`.
template <class F>
bool poll_until(std::vector<Member*> members, F done, std::chrono::milliseconds limit = 15s) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    for (Member* m : members) m->poll(5ms);
    if (done()) return true;
  }
  return done();
}

/// Polls for `d` without a condition (lets a group settle or proves nothing happens).
void poll_for(std::vector<Member*> members, std::chrono::milliseconds d) {
  poll_until(
      members, [] { return false; }, d);
}

std::size_t total_owned(std::vector<Member*> members) {
  std::size_t n = 0;
  for (Member* m : members) n += m->owned.size();
  return n;
}

std::set<std::int32_t> partitions_of_last(const std::vector<std::vector<TopicPartition>>& calls) {
  std::set<std::int32_t> out;
  if (calls.empty()) return out;
  for (const auto& tp : calls.back()) out.insert(tp.partition);
  return out;
}

/// Gives every partition to the member with the smallest id.
class AllToFirst : public PartitionAssignor {
 public:
  std::string_view name() const override { return "all-to-first"; }
  std::map<std::string, GroupMemberAssignment> assign(
      const std::map<std::string, std::int32_t>& partition_counts,
      const std::vector<GroupMemberSubscription>& members) override {
    ++calls;
    std::map<std::string, GroupMemberAssignment> out;
    for (const auto& m : members) out[m.member_id];
    if (out.empty()) return out;
    auto& first = out.begin()->second;
    for (const auto& [topic, count] : partition_counts)
      for (std::int32_t p = 0; p < count; ++p) first.partitions.push_back({topic, p});
    return out;
  }
  std::atomic<int> calls{0};
};

}  // namespace

TEST_SUITE("consumer-group") {
  TEST_CASE("a regex subscription picks up a matching topic created later, never others") {
    RunningBroker b(broker_props(2));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "rx-a", 2, 4);
    produce(servers, "other", 2, 4);
    Member m(member_config(servers, "rx-group"));
    REQUIRE(m.consumer->subscribe({"^rx-.*"}).ok());
    CHECK(poll_until({&m}, [&] { return m.owned.size() == 2; }));
    CHECK(m.owned == Tps{{"rx-a", 0}, {"rx-a", 1}});

    produce(servers, "rx-b", 2, 4);
    CHECK(poll_until({&m}, [&] { return m.owned.size() == 4; }));
    CHECK(m.owned == Tps{{"rx-a", 0}, {"rx-a", 1}, {"rx-b", 0}, {"rx-b", 1}});
    CHECK_MESSAGE(poll_until(
                      {&m}, [&] { return m.records.size() >= 8; }, 10s),
                  m.history());
    poll_for({&m}, 200ms);
    CHECK(m.records.size() == 8);
    for (const auto& record : m.records) CHECK(record.first.topic != "other");
    auto a = m.consumer->assignment();
    CHECK(std::none_of(a.begin(), a.end(),
                       [](const TopicPartition& tp) { return tp.topic == "other"; }));
    CHECK(m.consumer->close(5s).ok());
  }

  TEST_CASE("max.poll.interval.ms exceeded: the member leaves, loses its partitions, rejoins") {
    RunningBroker b(broker_props(2));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "slow", 2, 4);
    Config c = member_config(servers, "slow-group");
    c.set("max.poll.interval.ms", "1500");
    Member slow(c), busy(c);
    REQUIRE(slow.consumer->subscribe({"slow"}).ok());
    REQUIRE(busy.consumer->subscribe({"slow"}).ok());
    REQUIRE(poll_until({&slow, &busy},
                       [&] { return slow.owned.size() == 1 && busy.owned.size() == 1; }));
    const auto revoked_before = slow.revoked_calls.size();
    // `slow` stops polling; `busy` keeps polling and takes over both partitions.
    CHECK(poll_until(
        {&busy}, [&] { return busy.owned.size() == 2; }, 6s));
    auto events = slow.poll(0ms);
    auto has = [&](ConsumerEvent::Type t) {
      return std::any_of(events.begin(), events.end(),
                         [t](const ConsumerEvent& e) { return e.type == t; });
    };
    CHECK_MESSAGE(has(ConsumerEvent::Type::poll_interval_exceeded), slow.history());
    CHECK_MESSAGE(has(ConsumerEvent::Type::partitions_lost), slow.history());
    CHECK(slow.lost_calls.size() == 1);
    CHECK(slow.revoked_calls.size() == revoked_before);
    CHECK(slow.owned.empty());
    // The next polls rejoin: the group splits the partitions again.
    CHECK_MESSAGE(poll_until({&slow, &busy},
                             [&] { return slow.owned.size() == 1 && busy.owned.size() == 1; }),
                  slow.history());
    CHECK(slow.consumer->close(5s).ok());
    CHECK(busy.consumer->close(5s).ok());
  }

  TEST_CASE("static membership: a restarted static member gets its partitions back quietly") {
    RunningBroker b(broker_props(4));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "static", 4, 8);
    Config sc = member_config(servers, "static-group");
    sc.set("group.instance.id", "static-a");
    Config other = member_config(servers, "static-group");
    other.set("group.instance.id", "static-b");
    auto a = std::make_unique<Member>(sc);
    Member keep(other);
    REQUIRE(a->consumer->subscribe({"static"}).ok());
    REQUIRE(keep.consumer->subscribe({"static"}).ok());
    REQUIRE(poll_until({a.get(), &keep},
                       [&] { return a->owned.size() == 2 && keep.owned.size() == 2; }));
    poll_for({a.get(), &keep}, 300ms);
    const Tps a_had = a->owned, keep_had = keep.owned;
    const auto keep_log = keep.log.size();
    const std::int32_t generation = generation_of(b, "static-group");

    REQUIRE(a->consumer->close(5s).ok());
    a.reset();
    poll_for({&keep}, 500ms);
    Member again(sc);
    REQUIRE(again.consumer->subscribe({"static"}).ok());
    CHECK(poll_until({&again, &keep}, [&] { return again.owned.size() == 2; }));
    CHECK(again.owned == a_had);
    poll_for({&again, &keep}, 500ms);
    CHECK(keep.owned == keep_had);
    CHECK_MESSAGE(keep.log.size() == keep_log, keep.history());
    // KIP-345: a static member leaving (close sends no LeaveGroup) and coming back within
    // the session is no membership change: no rebalance, same generation.
    CHECK(generation_of(b, "static-group") == generation);
    CHECK(again.consumer->close(5s).ok());
    CHECK(keep.consumer->close(5s).ok());
  }

  TEST_CASE("static membership: a second live member with the same instance id fences the first") {
    RunningBroker b(broker_props(2));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "fenced", 2, 4);
    Config sc = member_config(servers, "fenced-group");
    sc.set("group.instance.id", "twin");
    sc.set("enable.auto.commit", "false");
    Member first(sc);
    REQUIRE(first.consumer->subscribe({"fenced"}).ok());
    REQUIRE(poll_until({&first}, [&] { return first.owned.size() == 2; }));
    Member second(sc);
    REQUIRE(second.consumer->subscribe({"fenced"}).ok());
    CHECK_MESSAGE(poll_until({&first, &second},
                             [&] {
                               return first.has_event(ConsumerEvent::Type::fatal) &&
                                      second.owned.size() == 2;
                             }),
                  first.history());
    for (const auto& e : first.events) {
      if (e.type == ConsumerEvent::Type::fatal) {
        REQUIRE(e.error.has_value());
        CHECK(e.error->message.find("FENCED_INSTANCE_ID") != std::string::npos);
      }
    }
    auto commit = first.consumer->commit({{"fenced", 0, 1}});
    CHECK_FALSE(commit.ok());
    CHECK(second.consumer->commit({{"fenced", 0, 1}}).ok());
    (void)first.consumer->close(2s);
    CHECK(second.consumer->close(5s).ok());
  }

  TEST_CASE("the coordinator's node stops: members find the new one and keep consuming") {
    RunningBroker b(broker_props(6), 3);
    const std::string servers = b.cluster->bootstrap_servers();
    const std::string group = "moving-group";
    produce(servers, "moving", 6, 600);
    std::int32_t coordinator = -1;
    b.cluster->run_on_loop(
        [&](broker::ClusterState& s) { coordinator = broker::coordinator_for(s, group)->id; });
    Member m1(member_config(servers, group)), m2(member_config(servers, group));
    REQUIRE(m1.consumer->subscribe({"moving"}).ok());
    REQUIRE(m2.consumer->subscribe({"moving"}).ok());
    auto processed = [&] { return m1.records.size() + m2.records.size(); };
    REQUIRE(poll_until({&m1, &m2}, [&] {
      return m1.owned.size() == 3 && m2.owned.size() == 3 && processed() >= 300;
    }));
    poll_for({&m1, &m2}, 400ms);  // an auto-commit of what was read so far
    REQUIRE(b.cluster->stop_node(coordinator, true).ok());
    produce(servers, "moving", 6, 600, 600);
    CHECK_MESSAGE(poll_until(
                      {&m1, &m2}, [&] { return processed() >= 1200; }, 20s),
                  m1.history() << m2.history());
    std::int32_t now = -1;
    b.cluster->run_on_loop(
        [&](broker::ClusterState& s) { now = broker::coordinator_for(s, group)->id; });
    CHECK(now != coordinator);
    // A new member joining after the move triggers a rebalance through the new coordinator;
    // revoked partitions are committed first, so nothing is read twice.
    Member m3(member_config(servers, group));
    REQUIRE(m3.consumer->subscribe({"moving"}).ok());
    produce(servers, "moving", 6, 60, 1200);
    CHECK_MESSAGE(
        poll_until({&m1, &m2, &m3},
                   [&] { return processed() + m3.records.size() >= 1260 && m3.owned.size() == 2; }),
        m1.history() << m2.history() << m3.history());
    // The group's state moved with it (generation, members): nobody had to rejoin or lost
    // its partitions, and commits found the new coordinator too.
    for (Member* m : {&m1, &m2}) {
      CHECK_MESSAGE(m->lost_calls.empty(), m->history());
      CHECK_MESSAGE(!m->has_event(ConsumerEvent::Type::error), m->history());
    }
    std::map<std::pair<TopicPartition, std::int64_t>, int> seen;
    for (Member* m : {&m1, &m2, &m3})
      for (const auto& r : m->records) ++seen[r];
    int twice = 0;
    for (const auto& [r, n] : seen) twice += n > 1 ? 1 : 0;
    CHECK(seen.size() == 1260);
    CHECK(twice == 0);
    for (Member* m : {&m1, &m2, &m3}) CHECK(m->consumer->close(5s).ok());
  }

  TEST_CASE("close(2s) returns in time when the coordinator is unreachable") {
    RunningBroker b(broker_props(2));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "gone", 2, 10);
    Member m(member_config(servers, "gone-group"));
    REQUIRE(m.consumer->subscribe({"gone"}).ok());
    REQUIRE(poll_until({&m}, [&] { return m.records.size() == 10; }));
    b.cluster->stop();
    auto start = Clock::now();
    (void)m.consumer->close(2s);
    auto took = Clock::now() - start;
    CHECK(took < 3s);
    CHECK_FALSE(m.consumer->close(1s).ok());  // closed already
  }

  TEST_CASE("commits: unowned partitions and no generation fail locally; async in poll") {
    RunningBroker b(broker_props(2));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "commits", 2, 20);
    Config c = member_config(servers, "commit-group");
    c.set("enable.auto.commit", "false");
    Member m(c);
    REQUIRE(m.consumer->subscribe({"commits"}).ok());
    REQUIRE(poll_until({&m}, [&] { return m.records.size() == 20; }));

    // Not owned: refused before anything is sent (nothing is stored for it).
    auto unowned = m.consumer->commit({{"commits-other", 0, 5}});
    REQUIRE_FALSE(unowned.ok());
    CHECK(unowned.error().message.find("commits-other") != std::string::npos);
    auto stored = m.consumer->committed({{"commits-other", 0}}, 5s);
    REQUIRE(stored.ok());
    CHECK(stored->at(0).offset == offsets::stored);

    // commit_async: the callback runs inside a later poll(), on this thread.
    bool in_poll = false, ran = false, ran_in_poll = false, ok = false;
    auto me = std::this_thread::get_id();
    std::thread::id ran_on;
    m.consumer->commit_async([&](const Result<void>& r, const std::vector<TopicPartitionOffset>&) {
      ran = true;
      ran_in_poll = in_poll;
      ran_on = std::this_thread::get_id();
      ok = r.ok();
    });
    std::this_thread::sleep_for(200ms);
    CHECK_FALSE(ran);
    auto deadline = Clock::now() + 5s;
    while (!ran && Clock::now() < deadline) {
      in_poll = true;
      m.poll(10ms);
      in_poll = false;
    }
    CHECK(ran);
    CHECK(ran_in_poll);
    CHECK(ran_on == me);
    CHECK(ok);
    auto after = m.consumer->committed({{"commits", 0}, {"commits", 1}}, 5s);
    REQUIRE(after.ok());
    for (const auto& o : *after) CHECK(o.offset == 10);

    // During a rebalance: SyncGroup answers are held back; after the eager revoke this
    // member owns nothing and has no generation, so a commit is refused without a request.
    b.cluster->delay_responses(kSyncGroup, 1500ms, 2);
    Member joiner(c);
    REQUIRE(joiner.consumer->subscribe({"commits"}).ok());
    REQUIRE(poll_until(
        {&m, &joiner}, [&] { return !m.revoked_calls.empty(); }, 5s));
    CHECK(m.consumer->assignment().empty());
    auto t0 = Clock::now();
    auto during = m.consumer->commit({{"commits", 0, 3}});
    CHECK(Clock::now() - t0 < 500ms);
    CHECK_FALSE(during.ok());
    CHECK(poll_until({&m, &joiner}, [&] { return total_owned({&m, &joiner}) == 2; }));
    auto still = m.consumer->committed({{"commits", 0}}, 5s);
    REQUIRE(still.ok());
    CHECK(still->at(0).offset == 10);
    CHECK(m.consumer->close(5s).ok());
    CHECK(joiner.consumer->close(5s).ok());
  }

  TEST_CASE("auto-commit commits only what poll() returned") {
    RunningBroker b(broker_props(1));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "auto", 1, 100);
    Config c = member_config(servers, "auto-group");
    c.set("max.poll.records", "7");
    Member m(c);
    REQUIRE(m.consumer->subscribe({"auto"}).ok());
    REQUIRE(poll_until({&m}, [&] { return m.records.size() >= 30; }));
    const auto n = static_cast<std::int64_t>(m.records.size());
    CHECK(n < 100);
    REQUIRE(m.consumer->close(5s).ok());

    Member next(c);
    REQUIRE(next.consumer->subscribe({"auto"}).ok());
    REQUIRE(poll_until({&next}, [&] { return !next.records.empty(); }));
    CHECK(next.records.front().second == n);
    CHECK(next.consumer->close(5s).ok());
  }

  TEST_CASE("a user-supplied assignor is used when every member offers it") {
    RunningBroker b(broker_props(4));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "custom", 4, 8);
    auto make = [&](std::shared_ptr<AllToFirst> a) {
      ConsumerCallbacks cb;
      cb.assignors = {a};
      return std::make_unique<Member>(member_config(servers, "custom-group"), cb);
    };
    auto a1 = std::make_shared<AllToFirst>(), a2 = std::make_shared<AllToFirst>();
    auto m1 = make(a1), m2 = make(a2);
    REQUIRE(m1->consumer->subscribe({"custom"}).ok());
    REQUIRE(m2->consumer->subscribe({"custom"}).ok());
    // Both joined once the second one has been through a rebalance.
    REQUIRE(poll_until({m1.get(), m2.get()}, [&] {
      return total_owned({m1.get(), m2.get()}) == 4 && !m2->assigned_calls.empty() &&
             !m1->assigned_calls.empty();
    }));
    poll_for({m1.get(), m2.get()}, 500ms);
    CHECK(a1->calls + a2->calls >= 1);
    Member* first = m1->consumer->member_id() < m2->consumer->member_id() ? m1.get() : m2.get();
    Member* second = first == m1.get() ? m2.get() : m1.get();
    CHECK(first->owned_partitions() == std::set<std::int32_t>{0, 1, 2, 3});
    CHECK(second->owned.empty());
    CHECK(partitions_of_last(first->assigned_calls) == std::set<std::int32_t>{0, 1, 2, 3});
    CHECK(m1->consumer->close(5s).ok());
    CHECK(m2->consumer->close(5s).ok());
  }

  TEST_CASE("eager (range): a joining member makes the first revoke all, then get its new set") {
    RunningBroker b(broker_props(4));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "eager", 4, 8);
    Member a(member_config(servers, "eager-group", "range"));
    REQUIRE(a.consumer->subscribe({"eager"}).ok());
    REQUIRE(poll_until({&a}, [&] { return a.owned.size() == 4; }));
    a.log.clear();
    Member b2(member_config(servers, "eager-group", "range"));
    REQUIRE(b2.consumer->subscribe({"eager"}).ok());
    REQUIRE(poll_until({&a, &b2}, [&] { return a.owned.size() == 2 && b2.owned.size() == 2; }));
    REQUIRE(a.revoked_calls.size() == 1);
    CHECK(a.revoked_calls[0].size() == 4);
    REQUIRE(a.assigned_calls.size() == 2);
    CHECK(a.assigned_calls[1].size() == 2);
    CHECK_MESSAGE(a.log.size() == 2, a.history());
    if (a.log.size() == 2) {
      CHECK(a.log[0].rfind("revoked", 0) == 0);
      CHECK(a.log[1].rfind("assigned", 0) == 0);
    }
    CHECK(a.consumer->close(5s).ok());
    CHECK(b2.consumer->close(5s).ok());
  }

  TEST_CASE("cooperative-sticky: only moved partitions are revoked, the rest keep flowing") {
    RunningBroker b(broker_props(4));
    const std::string servers = b.cluster->bootstrap_servers();
    produce(servers, "coop", 4, 8);
    Member a(member_config(servers, "coop-group", "cooperative-sticky"));
    REQUIRE(a.consumer->subscribe({"coop"}).ok());
    REQUIRE(poll_until({&a}, [&] { return a.owned.size() == 4 && a.records.size() == 8; }));
    a.log.clear();
    a.records.clear();
    a.received_at.clear();
    // Hold the joins at the coordinator so the rebalance lasts a while, and write new
    // records meanwhile: `a` must go on returning those of the partitions it keeps.
    b.cluster->delay_responses(kJoinGroup, 1000ms, 4);
    Member b2(member_config(servers, "coop-group", "cooperative-sticky"));
    REQUIRE(b2.consumer->subscribe({"coop"}).ok());
    poll_for({&a, &b2}, 200ms);
    produce(servers, "coop", 4, 40, 8);
    REQUIRE(poll_until({&a, &b2}, [&] { return a.owned.size() == 2 && b2.owned.size() == 2; }));
    poll_for({&a, &b2}, 300ms);
    REQUIRE(a.revoked_calls.size() == 1);
    CHECK(a.revoked_calls[0].size() == 2);
    for (const auto& tp : a.revoked_calls[0]) CHECK(a.owned.count(tp) == 0);
    // No new partitions for `a`: on_assigned, if called, has nothing in it.
    for (const auto& call : std::vector(a.assigned_calls.begin() + 1, a.assigned_calls.end()))
      CHECK(call.empty());
    // Records of the kept partitions arrived while the rebalance ran.
    int kept_records = 0, kept_before_b = 0;
    for (std::size_t i = 0; i < a.records.size(); ++i) {
      if (a.owned.count(a.records[i].first) == 0) continue;
      ++kept_records;
      if (a.received_at[i] < b2.first_assigned_at) ++kept_before_b;
    }
    CHECK(kept_records == 20);
    CHECK(kept_before_b > 0);
    CHECK(a.consumer->close(5s).ok());
    CHECK(b2.consumer->close(5s).ok());
  }
}

}  // namespace kafkit::test
