// kafkit's group consumer against the reference broker's group coordinator, in-process:
// subscriptions (names and patterns), rebalances as members join and leave, commits on
// revoke, and the proof — groups of 1..8 members joining and leaving while a
// million messages are consumed, every message processed once, committed offsets never
// going backwards.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "../broker/broker_fixture.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using Clock = std::chrono::steady_clock;

std::string bootstrap(const RunningBroker& b) {
  return "127.0.0.1:" + std::to_string(b.port());
}

Properties broker_props(int partitions) {
  return Properties{{"num.partitions", std::to_string(partitions)},
                    {"group.initial.rebalance.delay.ms", "0"}};
}

/// Writes `n` records, record i to partition i % partitions with value "i".
void produce(const RunningBroker& b, const std::string& topic, int partitions, long n) {
  Producer p({{"bootstrap.servers", bootstrap(b)}, {"linger.ms", "5"}});
  std::string v;
  for (long i = 0; i < n; ++i) {
    v = std::to_string(i);
    auto r = p.send(
        {.topic = topic, .partition = static_cast<std::int32_t>(i % partitions), .value = v});
    REQUIRE_MESSAGE(r.ok(), r.error().message);
  }
  auto f = p.flush(60s);
  REQUIRE_MESSAGE(f.ok(), f.error().message);
}

Config member_config(const RunningBroker& b, const std::string& group,
                     const std::string& strategy) {
  return {{"bootstrap.servers", bootstrap(b)},
          {"group.id", group},
          {"partition.assignment.strategy", strategy},
          {"session.timeout.ms", "10000"},
          {"heartbeat.interval.ms", "100"},
          {"max.poll.interval.ms", "30000"},
          {"auto.offset.reset", "earliest"},
          {"auto.commit.interval.ms", "200"},
          {"fetch.max.wait.ms", "50"}};
}

std::set<std::int32_t> partitions_of(const std::vector<TopicPartition>& tps) {
  std::set<std::int32_t> out;
  for (const auto& tp : tps) out.insert(tp.partition);
  return out;
}

/// What a whole group processed, checked as it goes: each (partition, offset) once, and
/// each partition's successful commits never moving backwards.
class GroupLedger {
 public:
  GroupLedger(int partitions, long per_partition)
      : seen_(static_cast<size_t>(partitions),
              std::vector<std::uint8_t>(static_cast<size_t>(per_partition), 0)),
        committed_(static_cast<size_t>(partitions), -1) {}

  void processed(const ConsumerRecord& r) {
    auto& row = seen_.at(static_cast<size_t>(r.partition));
    if (r.offset < 0 || r.offset >= static_cast<std::int64_t>(row.size())) {
      ++out_of_range_;
      return;
    }
    if (row[static_cast<size_t>(r.offset)]++ == 0) {
      ++unique_;
    } else {
      ++duplicates_;
    }
  }
  CommitCallback on_commit() {
    return [this](const Result<void>& r, const std::vector<TopicPartitionOffset>& offsets) {
      std::lock_guard g(mutex_);
      for (const auto& o : offsets) {
        if (!r.ok() || o.error) {
          ++failed_commits_;
          continue;
        }
        auto& last = committed_.at(static_cast<size_t>(o.partition));
        if (o.offset < last) ++backwards_;
        last = std::max(last, o.offset);
      }
    };
  }
  long unique() const { return unique_; }
  long duplicates() const { return duplicates_; }
  long out_of_range() const { return out_of_range_; }
  long backwards() const { return backwards_; }
  long failed_commits() {
    std::lock_guard g(mutex_);
    return failed_commits_;
  }

 private:
  std::vector<std::vector<std::uint8_t>> seen_;
  long unique_ = 0, duplicates_ = 0, out_of_range_ = 0;
  std::mutex mutex_;
  std::vector<std::int64_t> committed_;
  long backwards_ = 0, failed_commits_ = 0;
};

/// Drives a group through membership changes while it consumes `total` messages: one member
/// to start, one more joining at each step up to `max_members`, then members leaving in
/// order (close: commit, revoke, LeaveGroup) down to one, a change every `total / steps`
/// processed messages. All members are polled from this thread.
void churn(const RunningBroker& b, const std::string& topic, int partitions, long total,
           const std::string& strategy, int max_members) {
  GroupLedger ledger(partitions, total / partitions);
  const std::string group = "churn-" + strategy;
  std::vector<std::unique_ptr<Consumer>> members;
  int revokes = 0;
  auto add = [&] {
    ConsumerCallbacks cb;
    cb.on_commit = ledger.on_commit();
    cb.on_revoked = [&revokes](const std::vector<TopicPartition>& p) {
      if (!p.empty()) ++revokes;
    };
    members.push_back(std::make_unique<Consumer>(member_config(b, group, strategy), cb));
    REQUIRE(members.back()->subscribe({topic}).ok());
  };
  add();
  const int steps = 2 * (max_members - 1);
  int step = 0;
  long next_change = total / (steps + 1);
  auto deadline = Clock::now() + 240s;
  std::string events;
  while (ledger.unique() < total && Clock::now() < deadline) {
    for (auto& m : members) {
      PollResult got = m->poll(1ms);
      for (const auto& e : got.events) {
        if (e.type == ConsumerEvent::Type::fatal ||
            e.type == ConsumerEvent::Type::partitions_lost ||
            e.type == ConsumerEvent::Type::poll_interval_exceeded)
          events += "event " + std::to_string(static_cast<int>(e.type)) + " " +
                    (e.error ? e.error->message : "") + "; ";
      }
      for (const ConsumerRecord& r : got.records) ledger.processed(r);
    }
    if (step < steps && ledger.unique() >= next_change) {
      if (step < max_members - 1) {
        add();
      } else {
        auto leaving = std::move(members.front());
        members.erase(members.begin());
        auto closed = leaving->close(10s);
        CHECK_MESSAGE(closed.ok(), closed.error().message);
      }
      ++step;
      next_change += total / (steps + 1);
    }
  }
  for (auto& m : members) CHECK(m->close(10s).ok());
  MESSAGE(strategy << ": " << ledger.unique() << " processed, " << step << " membership changes, "
                   << revokes << " revokes, " << ledger.failed_commits()
                   << " partition commits failed");
  CHECK(events.empty());
  CHECK(step == steps);
  CHECK(revokes >= steps / 2);
  CHECK(ledger.unique() == total);
  CHECK(ledger.duplicates() == 0);
  CHECK(ledger.out_of_range() == 0);
  CHECK(ledger.backwards() == 0);

  // What the group committed at the end is the end of every partition.
  Consumer reader({{"bootstrap.servers", bootstrap(b)}, {"group.id", group}});
  std::vector<TopicPartition> all;
  for (int p = 0; p < partitions; ++p) all.push_back({topic, p});
  auto committed = reader.committed(all, 10s);
  REQUIRE(committed.ok());
  for (const auto& o : *committed) CHECK(o.offset == total / partitions);
}

}  // namespace

TEST_SUITE("consumer-group") {
  TEST_CASE("1..8 members join and leave while a million messages are consumed (range)") {
    RunningBroker b(broker_props(12));
    produce(b, "churn", 12, 1'000'008);
    churn(b, "churn", 12, 1'000'008, "range", 8);
  }

  TEST_CASE("members join and leave under cooperative-sticky: nothing lost, nothing twice") {
    RunningBroker b(broker_props(12));
    produce(b, "churn-coop", 12, 240'000);
    churn(b, "churn-coop", 12, 240'000, "cooperative-sticky", 5);
  }

  TEST_CASE("one member gets every partition, reads everything and commits it") {
    RunningBroker b(broker_props(4));
    produce(b, "solo", 4, 400);
    std::vector<TopicPartition> assigned;
    ConsumerCallbacks cb;
    cb.on_assigned = [&](const std::vector<TopicPartition>& p) {
      assigned.insert(assigned.end(), p.begin(), p.end());
    };
    Consumer c(member_config(b, "solo-group", "range"), cb);
    REQUIRE(c.subscribe({"solo"}).ok());
    std::map<std::int32_t, std::int64_t> next;
    int received = 0;
    auto deadline = Clock::now() + 20s;
    while (received < 400 && Clock::now() < deadline) {
      PollResult got = c.poll(100ms);
      for (const auto& e : got.events) {
        if (e.error) MESSAGE("event: " << e.error->message);
      }
      for (const ConsumerRecord& r : got.records) {
        CHECK(r.offset == next[r.partition]);
        next[r.partition] = r.offset + 1;
        ++received;
      }
    }
    CHECK(received == 400);
    CHECK(partitions_of(assigned) == std::set<std::int32_t>{0, 1, 2, 3});
    CHECK(c.subscription() == std::vector<std::string>{"solo"});
    REQUIRE(c.commit().ok());
    auto committed = c.committed({{"solo", 0}, {"solo", 3}}, 5s);
    REQUIRE(committed.ok());
    for (const auto& o : *committed) CHECK(o.offset == 100);
    REQUIRE(c.close(10s).ok());
  }
}

}  // namespace kafkit::test
