// The producer's edges against the reference broker's fault hooks: what each failure
// reports (error, persistence), that every record gets exactly one report, that blocking
// calls keep their deadlines, and that the producer keeps working afterwards.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "kafkit/json_serializer.hpp"
#include "kafkit/producer.hpp"
#include "kafkit/typed_producer.hpp"
#include "log_reader.hpp"
#include "protocol/messages/create_partitions.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using protocol::ErrorCode;
using Clock = std::chrono::steady_clock;

constexpr int16_t kProduce = 0;

int16_t code(ErrorCode c) {
  return static_cast<int16_t>(c);
}

void* opaque(int i) {
  return reinterpret_cast<void*>(static_cast<intptr_t>(i + 1));
}

std::string bootstrap(const RunningBroker& b) {
  return b.cluster->bootstrap_servers();
}

// Every report, by record (opaque), copied out of the callback. Thread-safe: send() may
// serve reports on a sending thread while it waits for buffer space.
class Reports {
 public:
  DeliveryCallback callback() {
    return [this](const DeliveryReport& r) {
      std::lock_guard lock(mutex_);
      if (r.opaque == nullptr) return;  // warm-up records
      Entry e{std::string(r.topic), r.partition, r.offset, r.error, r.persistence};
      ++count_[r.opaque];
      by_opaque_[r.opaque] = e;
      order_.push_back(r.opaque);
    };
  }
  struct Entry {
    std::string topic;
    int32_t partition = -1;
    int64_t offset = -1;
    std::optional<Error> error;
    Persistence persistence = Persistence::not_persisted;
  };
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return order_.size();
  }
  Entry at(int i) const {
    std::lock_guard lock(mutex_);
    auto it = by_opaque_.find(opaque(i));
    REQUIRE_MESSAGE(it != by_opaque_.end(), "no report for record " << i);
    return it->second;
  }
  std::vector<void*> order() const {
    std::lock_guard lock(mutex_);
    return order_;
  }
  /// Records 0..n-1 have exactly one report each, and nothing else was reported.
  void check_exactly_once(int n) const {
    std::lock_guard lock(mutex_);
    CHECK(order_.size() == static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      auto it = count_.find(opaque(i));
      int seen = it == count_.end() ? 0 : it->second;
      CHECK_MESSAGE(seen == 1, "record " << i << " has " << seen << " reports");
    }
  }

 private:
  mutable std::mutex mutex_;
  std::map<void*, int> count_;
  std::map<void*, Entry> by_opaque_;
  std::vector<void*> order_;
};

// Serves reports until `n` have arrived or `limit` passes.
bool poll_for(Producer& p, const Reports& reports, std::size_t n, Clock::duration limit) {
  auto deadline = Clock::now() + limit;
  while (reports.size() < n && Clock::now() < deadline) p.poll(20ms);
  return reports.size() >= n;
}

bool contains(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

// Sends one record per given partition and waits for them: metadata, connections and the
// producer id are in place afterwards. Opaque values are left null.
void warm_up(Producer& p, const std::string& topic, std::vector<int32_t> partitions) {
  auto deadline = Clock::now() + 5s;
  for (int32_t part : partitions) {
    for (;;) {
      auto r = p.send({.topic = topic, .partition = part, .value = "warm-up"});
      if (r.ok()) break;
      // With max.block.ms=0 send() does not wait for the topic's metadata.
      REQUIRE_MESSAGE(r.error().code == code(ErrorCode::UnknownTopicOrPartition),
                      r.error().message);
      REQUIRE_MESSAGE(Clock::now() < deadline, r.error().message);
      std::this_thread::sleep_for(10ms);
    }
  }
  auto f = p.flush(5s);
  REQUIRE_MESSAGE(f.ok(), f.error().message);
}

std::vector<std::string> values_of(const std::vector<LoggedRecord>& log) {
  std::vector<std::string> out;
  for (const auto& r : log) out.push_back(r.value.value_or("<null>"));
  return out;
}

// Waits until the partition's log holds `n` records (the broker appends on its own thread).
bool wait_for_log(uint16_t port, const std::string& topic, int32_t partition, std::size_t n,
                  Clock::duration limit) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (read_partition(port, topic, partition).size() >= n) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// Sends `count` records ("<prefix>0", ...) to one partition, flushes, and checks each was
// delivered once without error. Returns the values in send order.
std::vector<std::string> deliver_all(Producer& p, const Reports& reports, const std::string& topic,
                                     int32_t partition, const std::string& prefix, int count) {
  std::vector<std::string> values;
  for (int i = 0; i < count; ++i) values.push_back(prefix + std::to_string(i));
  for (int i = 0; i < count; ++i)
    REQUIRE(p.send({.topic = topic,
                    .partition = partition,
                    .value = values[size_t(i)],
                    .opaque = opaque(i)})
                .ok());
  auto f = p.flush(8s);
  REQUIRE_MESSAGE(f.ok(), f.error().message);
  reports.check_exactly_once(count);
  for (int i = 0; i < count; ++i) {
    CAPTURE(i);
    auto r = reports.at(i);
    CHECK_MESSAGE(!r.error.has_value(), r.error.value_or(Error{}).message);
  }
  return values;
}

}  // namespace

TEST_CASE("producer failures: an unanswered Produce is reported possibly_persisted") {
  RunningBroker broker;
  Reports reports;
  SUBCASE("request.timeout.ms with retries=0") {
    Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                      {"request.timeout.ms", "400"},
                      {"delivery.timeout.ms", "5000"},
                      {"linger.ms", "0"},
                      {"retries", "0"}},
               {.on_delivery = reports.callback()});
    warm_up(p, "slow", {0});
    broker.cluster->delay_responses(kProduce, 1500ms, 1);
    auto start = Clock::now();
    REQUIRE(p.send({.topic = "slow", .partition = 0, .value = "late", .opaque = opaque(0)}).ok());
    REQUIRE(poll_for(p, reports, 1, 5s));
    CHECK(Clock::now() - start < 1500ms);  // reported at the request timeout, not the answer
    auto r = reports.at(0);
    REQUIRE(r.error.has_value());
    CHECK_MESSAGE(contains(r.error->message, "timed out"), r.error->message);
    CHECK(r.persistence == Persistence::possibly_persisted);
    CHECK(r.offset == -1);
    // The broker did append it: "possibly" was right.
    CHECK(wait_for_log(broker.port(), "slow", 0, 2, 3s));
    // And the producer goes on.
    REQUIRE(p.send({.topic = "slow", .partition = 0, .value = "next", .opaque = opaque(1)}).ok());
    REQUIRE(p.flush(5s).ok());
    CHECK_FALSE(reports.at(1).error.has_value());
    reports.check_exactly_once(2);
  }
  SUBCASE("idempotent, delivery.timeout.ms passes while every attempt times out") {
    Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                      {"request.timeout.ms", "300"},
                      {"delivery.timeout.ms", "700"},
                      {"linger.ms", "0"},
                      {"retry.backoff.ms", "50"}},
               {.on_delivery = reports.callback()});
    warm_up(p, "slow", {0});
    broker.cluster->delay_responses(kProduce, 2000ms, 20);
    auto start = Clock::now();
    REQUIRE(p.send({.topic = "slow", .partition = 0, .value = "late", .opaque = opaque(0)}).ok());
    REQUIRE(poll_for(p, reports, 1, 5s));
    CHECK(Clock::now() - start < 2000ms);
    auto r = reports.at(0);
    REQUIRE(r.error.has_value());
    CHECK(r.persistence == Persistence::possibly_persisted);
    CHECK_MESSAGE((contains(r.error->message, "timed out") ||
                   contains(r.error->message, "delivery.timeout.ms")),
                  r.error->message);
    broker.cluster->clear_faults();
    REQUIRE(p.send({.topic = "slow", .partition = 0, .value = "next", .opaque = opaque(1)}).ok());
    auto f = p.flush(5s);
    CHECK_MESSAGE(f.ok(), (f.ok() ? "" : f.error().message));
    auto next = reports.at(1);
    CHECK_MESSAGE(!next.error.has_value(), next.error.value_or(Error{}).message);
    reports.check_exactly_once(2);
  }
}

// Bug found: a record whose first attempt went unanswered (and was appended by the broker)
// was reported not_persisted when a later attempt was refused.
TEST_CASE("producer failures: once possibly persisted, a record stays possibly persisted") {
  RunningBroker broker;
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"enable.idempotence", "false"},
                    {"request.timeout.ms", "400"},
                    {"delivery.timeout.ms", "5000"},
                    {"linger.ms", "0"},
                    {"retries", "1"},
                    {"retry.backoff.ms", "50"}},
             {.on_delivery = reports.callback()});
  warm_up(p, "sticky", {0});
  broker.cluster->delay_responses(kProduce, 1500ms, 1);
  REQUIRE(p.send({.topic = "sticky", .partition = 0, .value = "v", .opaque = opaque(0)}).ok());
  // The first attempt is in the log; its answer is late. The retry is refused.
  REQUIRE(wait_for_log(broker.port(), "sticky", 0, 2, 3s));
  REQUIRE(
      broker.cluster->inject_errors(kProduce, code(ErrorCode::NotEnoughReplicas), 1, "sticky", 0)
          .ok());
  REQUIRE(poll_for(p, reports, 1, 5s));
  auto r = reports.at(0);
  REQUIRE(r.error.has_value());
  CHECK(r.persistence == Persistence::possibly_persisted);
  REQUIRE(p.close(3s).ok());
  reports.check_exactly_once(1);
}

TEST_CASE("producer failures: a refused record fails alone, not_persisted, with its code") {
  for (int16_t refused : {code(ErrorCode::InvalidRecord), code(ErrorCode::TopicAuthorizationFailed),
                          code(ErrorCode::MessageTooLarge)}) {
    for (bool idempotent : {true, false}) {
      CAPTURE(refused);
      CAPTURE(idempotent);
      RunningBroker broker(Properties{{"num.partitions", "2"}});
      Reports reports;
      std::vector<Error> client_errors;
      // One record per batch, several in flight: the refused batch has successors on the
      // wire that the broker then sees out of sequence.
      Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                        {"enable.idempotence", idempotent ? "true" : "false"},
                        {"max.in.flight", idempotent ? "5" : "1"},
                        {"batch.num.messages", "1"},
                        {"linger.ms", "0"}},
                 {.on_delivery = reports.callback(),
                  .on_error = [&](const Error& e) { client_errors.push_back(e); }});
      warm_up(p, "refuse", {0, 1});
      REQUIRE(broker.cluster->inject_errors(kProduce, refused, 1, "refuse", 0).ok());
      constexpr int kCount = 40;
      std::vector<std::string> values;
      for (int i = 0; i < kCount; ++i) values.push_back("r" + std::to_string(i));
      for (int i = 0; i < kCount; ++i) {
        auto s = p.send({.topic = "refuse",
                         .partition = i % 2,
                         .value = values[static_cast<size_t>(i)],
                         .opaque = opaque(i)});
        REQUIRE_MESSAGE(s.ok(), s.error().message);
      }
      auto f = p.flush(8s);
      REQUIRE_MESSAGE(f.ok(), f.error().message);
      reports.check_exactly_once(kCount);
      // Only the first record of partition 0 was refused.
      auto first = reports.at(0);
      REQUIRE(first.error.has_value());
      CHECK(first.error->code == refused);
      CHECK(first.persistence == Persistence::not_persisted);
      CHECK(contains(first.error->message, "refuse [0]"));
      for (int i = 1; i < kCount; ++i) {
        auto r = reports.at(i);
        CAPTURE(i);
        CHECK_MESSAGE(!r.error.has_value(), r.error.value_or(Error{}).message);
        CHECK(r.persistence == Persistence::persisted);
      }
      // The logs hold everything else once, in send order.
      std::vector<std::string> want0{"warm-up"}, want1{"warm-up"};
      for (int i = 1; i < kCount; ++i) (i % 2 ? want1 : want0).push_back(values[size_t(i)]);
      CHECK(values_of(read_partition(broker.port(), "refuse", 0)) == want0);
      CHECK(values_of(read_partition(broker.port(), "refuse", 1)) == want1);
      // And the producer keeps going.
      REQUIRE(
          p.send({.topic = "refuse", .partition = 0, .value = "after", .opaque = opaque(kCount)})
              .ok());
      REQUIRE(p.flush(5s).ok());
      CHECK_FALSE(reports.at(kCount).error.has_value());
      for (const Error& e : client_errors) CHECK_MESSAGE(e.code != errc::fatal, e.message);
      REQUIRE(p.close(3s).ok());
    }
  }
}

TEST_CASE("producer failures: delivery.timeout.ms expires records while their leader is down") {
  RunningBroker broker(Properties{{"num.partitions", "2"}}, 2);
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"request.timeout.ms", "500"},
                    {"delivery.timeout.ms", "1000"},
                    {"linger.ms", "0"},
                    {"reconnect.backoff.max.ms", "200"},
                    {"metadata.max.age.ms", "500"}},
             {.on_delivery = reports.callback()});
  warm_up(p, "down", {0, 1});
  auto leader0 = broker.cluster->leader_of("down", 0);
  auto leader1 = broker.cluster->leader_of("down", 1);
  REQUIRE(leader0.has_value());
  REQUIRE(leader1.has_value());
  REQUIRE_MESSAGE(leader0->leader != leader1->leader, "both partitions on one node");
  REQUIRE(broker.cluster->stop_node(leader0->leader, false).ok());

  auto start = Clock::now();
  constexpr int kDown = 5;
  for (int i = 0; i < kDown; ++i)
    REQUIRE(p.send({.topic = "down", .partition = 0, .value = "lost", .opaque = opaque(i)}).ok());
  // The other node's partition is unaffected.
  REQUIRE(p.send({.topic = "down", .partition = 1, .value = "fine", .opaque = opaque(kDown)}).ok());
  REQUIRE(poll_for(p, reports, kDown + 1, 5s));
  auto took = Clock::now() - start;
  CHECK(took >= 900ms);
  CHECK(took < 3s);
  CHECK_FALSE(reports.at(kDown).error.has_value());
  for (int i = 0; i < kDown; ++i) {
    auto r = reports.at(i);
    REQUIRE(r.error.has_value());
    CHECK(r.error->code == errc::message_timed_out);
    // Never persisted; "possibly" is honest too when a loaded machine let the first
    // attempt go out on the connection before the producer saw the node's close.
    CHECK(r.persistence != Persistence::persisted);
    CHECK_MESSAGE(contains(r.error->message, "down [0]"), r.error->message);
  }
  // Back up: the producer delivers to it again.
  REQUIRE(broker.cluster->start_node(leader0->leader).ok());
  REQUIRE(
      p.send({.topic = "down", .partition = 0, .value = "back", .opaque = opaque(kDown + 1)}).ok());
  auto f = p.flush(8s);
  REQUIRE_MESSAGE(f.ok(), f.error().message);
  auto back = reports.at(kDown + 1);
  CHECK_MESSAGE(!back.error.has_value(), back.error.value_or(Error{}).message);
  auto node0 = static_cast<size_t>(leader0->leader - broker.cluster->node_ids().front());
  CHECK(values_of(read_partition(broker.port(node0), "down", 0)) ==
        std::vector<std::string>{"warm-up", "back"});
  reports.check_exactly_once(kDown + 2);
}

TEST_CASE("producer failures: a full buffer fails send after max.block.ms") {
  RunningBroker broker;
  Reports reports;
  auto config = [&](const char* max_block) {
    return Config{{"bootstrap.servers", bootstrap(broker)},
                  {"queue.buffering.max.messages", "5"},
                  {"max.block.ms", max_block},
                  {"linger.ms", "0"}};
  };
  Producer p0(config("0"), {.on_delivery = reports.callback()});
  Producer p300(config("300"), {.on_delivery = reports.callback()});
  warm_up(p0, "full", {0});
  warm_up(p300, "full", {0});
  REQUIRE(broker.cluster->stop_node(broker.cluster->node_ids().front()).ok());

  for (int i = 0; i < 5; ++i)
    REQUIRE(p0.send({.topic = "full", .value = "v", .opaque = opaque(i)}).ok());
  auto start = Clock::now();
  auto full = p0.send({.topic = "full", .value = "v", .opaque = opaque(99)});
  CHECK(Clock::now() - start < 100ms);
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().code == errc::queue_full);
  CHECK(contains(full.error().message, "queue.buffering.max.messages"));

  for (int i = 5; i < 10; ++i)
    REQUIRE(p300.send({.topic = "full", .value = "v", .opaque = opaque(i)}).ok());
  SUBCASE("alone") {}
  SUBCASE("while another thread is blocked in poll()") {
    // Bug found: send() waited for the serving lock that poll(timeout) holds while it
    // sleeps, so max.block.ms became the poll timeout.
    std::atomic<bool> done{false};
    std::thread poller([&] {
      while (!done) p300.poll(1500ms);
    });
    std::this_thread::sleep_for(50ms);
    start = Clock::now();
    auto blocked = p300.send({.topic = "full", .value = "v", .opaque = opaque(98)});
    auto took = Clock::now() - start;
    done = true;
    poller.join();
    REQUIRE_FALSE(blocked.ok());
    CHECK(blocked.error().code == errc::queue_full);
    CHECK(took >= 290ms);
    CHECK(took < 800ms);
  }
  start = Clock::now();
  auto blocked = p300.send({.topic = "full", .value = "v", .opaque = opaque(98)});
  auto took = Clock::now() - start;
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.error().code == errc::queue_full);
  CHECK(took >= 290ms);
  CHECK(took < 800ms);

  // Closing with the broker down reports the buffered records as closed, once each.
  start = Clock::now();
  CHECK(p0.close(200ms).error().code == errc::timed_out);
  CHECK(p300.close(200ms).error().code == errc::timed_out);
  CHECK(Clock::now() - start < 1500ms);
  reports.check_exactly_once(10);
  for (int i = 0; i < 10; ++i) {
    auto r = reports.at(i);
    REQUIRE(r.error.has_value());
    CHECK(r.error->code == errc::closed);
  }
}

TEST_CASE("producer failures: an unknown topic fails send after max.block.ms") {
  RunningBroker broker(Properties{{"auto.create.topics.enable", "false"}});
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)}, {"max.block.ms", "400"}},
             {.on_delivery = reports.callback()});
  auto start = Clock::now();
  auto r = p.send({.topic = "no-such-topic", .value = "v", .opaque = opaque(0)});
  auto took = Clock::now() - start;
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == code(ErrorCode::UnknownTopicOrPartition));
  CHECK_MESSAGE(contains(r.error().message, "no-such-topic"), r.error().message);
  CHECK(took >= 390ms);
  CHECK(took < 2s);
  // Nothing was queued, so nothing is reported.
  CHECK(p.pending() == 0);
  CHECK(p.poll(50ms) == 0);
  CHECK(reports.size() == 0);
  REQUIRE(p.close(1s).ok());
}

TEST_CASE("producer failures: flush and close keep their deadlines with the leader down") {
  RunningBroker broker;
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)}, {"linger.ms", "0"}},
             {.on_delivery = reports.callback()});
  warm_up(p, "stuck", {0});
  REQUIRE(broker.cluster->stop_node(broker.cluster->node_ids().front()).ok());
  constexpr int kCount = 20;
  for (int i = 0; i < kCount; ++i)
    REQUIRE(p.send({.topic = "stuck", .value = "v", .opaque = opaque(i)}).ok());

  auto start = Clock::now();
  auto flushed = p.flush(300ms);
  auto took = Clock::now() - start;
  REQUIRE_FALSE(flushed.ok());
  CHECK(flushed.error().code == errc::timed_out);
  CHECK(took >= 290ms);
  CHECK(took < 800ms);
  CHECK(p.pending() == kCount);

  start = Clock::now();
  auto closed = p.close(300ms);
  took = Clock::now() - start;
  CHECK_FALSE(closed.ok());
  CHECK(took < 1000ms);
  reports.check_exactly_once(kCount);
  for (int i = 0; i < kCount; ++i) {
    auto r = reports.at(i);
    REQUIRE(r.error.has_value());
    CHECK(r.error->code == errc::closed);
  }
  CHECK(p.pending() == 0);
  auto after = p.send({.topic = "stuck", .value = "v"});
  REQUIRE_FALSE(after.ok());
  CHECK(after.error().code == errc::closed);
  CHECK(p.close(100ms).ok());  // idempotent
  CHECK(p.flush(100ms).ok());  // nothing left to wait for (and no sender to ask)
  CHECK(p.poll(0ms) == 0);
}

TEST_CASE("producer failures: records still lingering when close() comes are reported closed") {
  RunningBroker broker;
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"linger.ms", "60000"},
                    {"delivery.timeout.ms", "120000"}},
             {.on_delivery = reports.callback()});
  warm_up(p, "linger", {0});  // flush sends regardless of linger.ms
  REQUIRE(broker.cluster->stop_node(broker.cluster->node_ids().front()).ok());
  for (int i = 0; i < 3; ++i)
    REQUIRE(p.send({.topic = "linger", .value = "v", .opaque = opaque(i)}).ok());
  auto start = Clock::now();
  (void)p.close(200ms);
  CHECK(Clock::now() - start < 1000ms);
  reports.check_exactly_once(3);
  for (int i = 0; i < 3; ++i) {
    auto r = reports.at(i);
    REQUIRE(r.error.has_value());
    CHECK(r.error->code == errc::closed);
    // Never persisted; "possibly" is honest too when close()'s flush wrote the batch on
    // the connection before the producer's I/O thread saw the node close it.
    CHECK(r.persistence != Persistence::persisted);
  }
}

TEST_CASE("producer failures: partitions added to a topic receive records after a refresh") {
  RunningBroker broker(Properties{{"num.partitions", "1"}});
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"metadata.max.age.ms", "200"},
                    {"partitioner", "round_robin"},
                    {"linger.ms", "0"}},
             {.on_delivery = reports.callback()});
  warm_up(p, "grow", {0});
  auto refused = p.send({.topic = "grow", .partition = 2, .value = "early"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == code(ErrorCode::UnknownTopicOrPartition));

  {
    broker::test::TestClient admin(broker.port());
    protocol::CreatePartitionsRequest req;
    protocol::CreatePartitionsRequest::CreatePartitionsTopic t;
    t.name = "grow";
    t.count = 3;
    t.assignments = std::nullopt;
    req.topics.push_back(std::move(t));
    req.timeout_ms = 5000;
    auto resp = admin.call<protocol::CreatePartitionsResponse>(req, 3);
    REQUIRE(resp.results.size() == 1);
    REQUIRE(resp.results[0].error_code == 0);
  }
  // Explicit partition 2 is accepted once the producer has refreshed its metadata.
  auto deadline = Clock::now() + 5s;
  bool accepted = false;
  while (!accepted && Clock::now() < deadline) {
    accepted = p.send({.topic = "grow", .partition = 2, .value = "new", .opaque = opaque(0)}).ok();
    if (!accepted) std::this_thread::sleep_for(20ms);
  }
  REQUIRE(accepted);
  // The partitioner spreads over all three now.
  for (int i = 1; i <= 6; ++i)
    REQUIRE(p.send({.topic = "grow", .value = "rr", .opaque = opaque(i)}).ok());
  REQUIRE(p.flush(5s).ok());
  reports.check_exactly_once(7);
  std::set<int32_t> used;
  for (int i = 1; i <= 6; ++i) {
    auto r = reports.at(i);
    CHECK_FALSE(r.error.has_value());
    used.insert(r.partition);
  }
  CHECK(used == std::set<int32_t>{0, 1, 2});
  auto p2 = values_of(read_partition(broker.port(), "grow", 2));
  REQUIRE(!p2.empty());
  CHECK(p2.front() == "new");
}

TEST_CASE("producer failures: TypedProducer bytes on the wire match the serializers") {
  RunningBroker broker;
  Config config{{"bootstrap.servers", bootstrap(broker)}, {"linger.ms", "0"}};
  {
    Reports reports;
    TypedProducer<std::string, std::int64_t> counts(config, {.on_delivery = reports.callback()});
    REQUIRE(counts
                .send("typed", std::string("page"), std::int64_t{0x0102030405060708},
                      {.partition = 0, .opaque = opaque(0)})
                .ok());
    REQUIRE(
        counts.send("typed", std::nullopt, std::int64_t{-2}, {.partition = 0, .opaque = opaque(1)})
            .ok());
    REQUIRE(counts.flush(5s).ok());
    reports.check_exactly_once(2);
    CHECK_FALSE(reports.at(0).error.has_value());
    auto log = read_partition(broker.port(), "typed", 0);
    REQUIRE(log.size() == 2);
    CHECK(log[0].key == std::string("page"));
    CHECK(log[0].value == std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
    CHECK_FALSE(log[1].key.has_value());
    CHECK(log[1].value == std::string(7, '\xff') + std::string(1, '\xfe'));
  }
  {
    Reports reports;
    TypedProducer<std::string, nlohmann::json> docs(config, {.on_delivery = reports.callback()});
    nlohmann::json doc = {{"id", 7}, {"tags", {"a", "b"}}, {"ok", true}};
    REQUIRE(
        docs.send("typed-json", std::string("doc-7"), doc, {.partition = 0, .opaque = opaque(0)})
            .ok());
    REQUIRE(docs.flush(5s).ok());
    reports.check_exactly_once(1);
    auto log = read_partition(broker.port(), "typed-json", 0);
    REQUIRE(log.size() == 1);
    CHECK(log[0].key == std::string("doc-7"));
    REQUIRE(log[0].value.has_value());
    CHECK(*log[0].value == doc.dump());
    CHECK(nlohmann::json::parse(*log[0].value) == doc);
  }
}

TEST_CASE("producer failures: four sending threads and one polling thread") {
  RunningBroker broker(Properties{{"num.partitions", "3"}});
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"linger.ms", "2"},
                    {"queue.buffering.max.messages", "500"}},  // senders also wait for space
             {.on_delivery = reports.callback()});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2500;
  constexpr int kTotal = kThreads * kPerThread;
  std::atomic<bool> done{false};
  std::thread poller([&] {
    auto deadline = Clock::now() + 20s;
    while (!done && Clock::now() < deadline) p.poll(10ms);
  });
  std::vector<std::string> values(kTotal);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kPerThread; ++i)
      values[size_t(t * kPerThread + i)] = std::to_string(t) + ":" + std::to_string(i);
  std::atomic<int> send_errors{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int n = t * kPerThread + i;
        auto r = p.send(
            {.topic = "mt", .partition = i % 3, .value = values[size_t(n)], .opaque = opaque(n)});
        if (!r.ok()) ++send_errors;
      }
    });
  }
  for (auto& s : senders) s.join();
  auto deadline = Clock::now() + 10s;
  while (reports.size() < kTotal && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  done = true;
  poller.join();
  CHECK(send_errors == 0);
  reports.check_exactly_once(kTotal);
  for (int n = 0; n < kTotal; n += 97) CHECK_FALSE(reports.at(n).error.has_value());
  // Per thread and partition, the log keeps send order.
  std::size_t total = 0;
  for (int32_t part = 0; part < 3; ++part) {
    auto log = read_partition(broker.port(), "mt", part);
    total += log.size();
    std::map<int, int> last;  // thread -> last index seen
    for (const auto& rec : log) {
      REQUIRE(rec.value.has_value());
      auto colon = rec.value->find(':');
      int t = std::stoi(rec.value->substr(0, colon));
      int i = std::stoi(rec.value->substr(colon + 1));
      CHECK(i % 3 == part);
      if (last.count(t)) CHECK(i > last[t]);
      last[t] = i;
    }
  }
  CHECK(total == kTotal);
  REQUIRE(p.close(5s).ok());
}

TEST_CASE("producer failures: close() while other threads keep sending") {
  // Every send() that returned ok gets exactly one report, whenever close() comes; sends
  // after it fail with errc::closed.
  RunningBroker broker(Properties{{"num.partitions", "2"}});
  for (int round = 0; round < 8; ++round) {
    CAPTURE(round);
    Reports reports;
    auto p = std::make_unique<Producer>(
        Config{{"bootstrap.servers", bootstrap(broker)}, {"linger.ms", "0"}},
        ProducerCallbacks{.on_delivery = reports.callback()});
    warm_up(*p, "race", {0, 1});
    constexpr int kThreads = 3;
    std::atomic<int> next{0};
    std::vector<std::vector<int>> accepted(kThreads);
    std::vector<std::thread> senders;
    for (int t = 0; t < kThreads; ++t) {
      senders.emplace_back([&, t] {
        for (;;) {
          int n = next++;
          auto r =
              p->send({.topic = "race", .partition = n % 2, .value = "v", .opaque = opaque(n)});
          if (!r.ok()) {
            CHECK(r.error().code == errc::closed);
            return;
          }
          accepted[size_t(t)].push_back(n);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + round));
    // close()'s flush may not finish while the others keep sending (flush waits for every
    // pending record, not only those sent before it): only its deadline is checked.
    auto start = Clock::now();
    (void)p->close(300ms);
    CHECK(Clock::now() - start < 3s);  // 300 ms plus joining; slack for sanitizer builds
    for (auto& s : senders) s.join();
    std::set<int> sent;
    for (auto& v : accepted) sent.insert(v.begin(), v.end());
    CHECK(p->pending() == 0);
    p->poll(0ms);
    std::vector<void*> seen = reports.order();
    std::set<void*> unique(seen.begin(), seen.end());
    CHECK(unique.size() == seen.size());
    CHECK(seen.size() == sent.size());
    int missing = 0;
    for (int n : sent) missing += unique.count(opaque(n)) == 1 ? 0 : 1;
    CHECK(missing == 0);
    p.reset();
  }
}

TEST_CASE("producer failures: sequence errors from the broker end in an epoch bump, not loss") {
  // UNKNOWN_PRODUCER_ID (the broker lost our state), OUT_OF_ORDER_SEQUENCE_NUMBER and
  // INVALID_PRODUCER_EPOCH on one batch with others in flight behind it: every record is
  // delivered once, in order, with no error reported.
  for (int16_t injected :
       {code(ErrorCode::UnknownProducerId), code(ErrorCode::OutOfOrderSequenceNumber),
        code(ErrorCode::InvalidProducerEpoch)}) {
    CAPTURE(injected);
    RunningBroker broker;
    Reports reports;
    Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                      {"batch.num.messages", "1"},
                      {"linger.ms", "0"}},
               {.on_delivery = reports.callback()});
    warm_up(p, "seq", {0});
    REQUIRE(broker.cluster->inject_errors(kProduce, injected, 1, "seq", 0).ok());
    auto values = deliver_all(p, reports, "seq", 0, "s", 30);
    std::vector<std::string> want{"warm-up"};
    want.insert(want.end(), values.begin(), values.end());
    CHECK(values_of(read_partition(broker.port(), "seq", 0)) == want);
    REQUIRE(p.close(3s).ok());
  }
}

// Bug found: a broker with no state for the producer on a partition accepts any sequence
// (as Kafka does), so when the partition's first batch failed, the batches sent right
// behind it were appended first, and the first one came after them under a new epoch.
TEST_CASE("producer failures: a partition's refused first batch still lands first") {
  RunningBroker broker(Properties{{"num.partitions", "2"}});
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"batch.num.messages", "1"},
                    {"linger.ms", "0"}},
             {.on_delivery = reports.callback()});
  warm_up(p, "first", {0});  // a producer id; partition 1 has never seen it
  REQUIRE(broker.cluster->inject_errors(kProduce, code(ErrorCode::NotEnoughReplicas), 1, "first", 1)
              .ok());
  // The refusal is answered late: whatever the producer sends behind it arrives first.
  broker.cluster->delay_responses(kProduce, 300ms, 1);
  auto values = deliver_all(p, reports, "first", 1, "f", 12);
  CHECK(values_of(read_partition(broker.port(), "first", 1)) == values);
  REQUIRE(p.close(3s).ok());
}

TEST_CASE("producer failures: a retriable InitProducerId error delays, then delivers") {
  RunningBroker broker;
  constexpr int16_t kInitProducerId = 22;
  REQUIRE(
      broker.cluster->inject_errors(kInitProducerId, code(ErrorCode::CoordinatorNotAvailable), 3)
          .ok());
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)}, {"retry.backoff.ms", "20"}},
             {.on_delivery = reports.callback()});
  REQUIRE(p.send({.topic = "pid", .value = "v", .opaque = opaque(0)}).ok());
  auto f = p.flush(5s);
  REQUIRE_MESSAGE(f.ok(), f.error().message);
  reports.check_exactly_once(1);
  CHECK_FALSE(reports.at(0).error.has_value());
  auto log = read_partition(broker.port(), "pid", 0);
  REQUIRE(log.size() == 1);
  CHECK(log[0].producer_id >= 0);
  CHECK(log[0].base_sequence == 0);
}

TEST_CASE("producer failures: the only broker restarts with a request in flight") {
  // The answer to an appended batch is lost with the connection; the producer finds the
  // node again, resends, and the broker's deduplication keeps the log at one copy.
  RunningBroker broker;
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"linger.ms", "0"},
                    {"reconnect.backoff.max.ms", "200"}},
             {.on_delivery = reports.callback()});
  warm_up(p, "restart", {0});
  int32_t node = broker.cluster->node_ids().front();
  broker.cluster->delay_responses(kProduce, 3000ms, 1);
  REQUIRE(p.send({.topic = "restart", .partition = 0, .value = "once", .opaque = opaque(0)}).ok());
  REQUIRE(wait_for_log(broker.port(), "restart", 0, 2, 3s));
  REQUIRE(broker.cluster->stop_node(node).ok());
  std::this_thread::sleep_for(300ms);
  REQUIRE(broker.cluster->start_node(node).ok());
  REQUIRE(p.send({.topic = "restart", .partition = 0, .value = "after", .opaque = opaque(1)}).ok());
  auto f = p.flush(6s);
  REQUIRE_MESSAGE(f.ok(), f.error().message);
  reports.check_exactly_once(2);
  for (int i = 0; i < 2; ++i) {
    auto r = reports.at(i);
    CHECK_MESSAGE(!r.error.has_value(), r.error.value_or(Error{}).message);
  }
  CHECK(values_of(read_partition(broker.port(), "restart", 0)) ==
        std::vector<std::string>{"warm-up", "once", "after"});
  REQUIRE(p.close(3s).ok());
}

TEST_CASE("producer failures: flush() waits for the records sent before it, not after it") {
  // Bug found: flush() waited until nothing at all was pending, so a record another thread
  // sent during the flush to a partition without a leader made it time out.
  RunningBroker broker(Properties{{"num.partitions", "2"}}, 2);
  Reports reports;
  Producer p(Config{{"bootstrap.servers", bootstrap(broker)}, {"linger.ms", "0"}},
             {.on_delivery = reports.callback()});
  warm_up(p, "later", {0, 1});
  auto leader0 = broker.cluster->leader_of("later", 0);
  auto leader1 = broker.cluster->leader_of("later", 1);
  REQUIRE(leader0.has_value());
  REQUIRE(leader1.has_value());
  REQUIRE_MESSAGE(leader0->leader != leader1->leader, "both partitions on one node");
  REQUIRE(broker.cluster->stop_node(leader1->leader, false).ok());
  // The record before the flush is answered late; one sent during it cannot be sent at all.
  broker.cluster->delay_responses(kProduce, 400ms, 1);
  REQUIRE(p.send({.topic = "later", .partition = 0, .value = "before", .opaque = opaque(0)}).ok());
  std::thread other([&] {
    std::this_thread::sleep_for(100ms);
    CHECK(p.send({.topic = "later", .partition = 1, .value = "during", .opaque = opaque(1)}).ok());
  });
  auto start = Clock::now();
  auto f = p.flush(2s);
  auto took = Clock::now() - start;
  other.join();
  CHECK_MESSAGE(f.ok(), (f.ok() ? "" : f.error().message));
  CHECK(took >= 300ms);
  CHECK(took < 1500ms);
  CHECK_FALSE(reports.at(0).error.has_value());
  CHECK(p.pending() == 1);
  (void)p.close(100ms);
  reports.check_exactly_once(2);
}

TEST_CASE("producer failures: a delivery callback that sends, flushes or closes does not hang") {
  // Bug found: send() waiting for buffer space serves reports; a callback that sent again
  // into the full buffer locked the serving mutex its own thread held (a hang), and
  // flush() or close() from a callback did the same.
  RunningBroker broker;
  std::unique_ptr<Producer> p;
  std::vector<Result<void>> nested;
  std::atomic<int> reports{0};
  p = std::make_unique<Producer>(
      Config{{"bootstrap.servers", bootstrap(broker)},
             {"queue.buffering.max.messages", "1"},
             {"max.block.ms", "300"},
             {"linger.ms", "0"}},
      ProducerCallbacks{.on_delivery = [&](const DeliveryReport& r) {
        ++reports;
        if (r.opaque != opaque(0)) return;
        nested.push_back(p->send({.topic = "nested", .value = "inner", .opaque = opaque(9)}));
        nested.push_back(p->flush(100ms));
        nested.push_back(p->close(100ms));
      }});
  warm_up(*p, "nested", {0});
  REQUIRE(p->send({.topic = "nested", .value = "a", .opaque = opaque(0)}).ok());
  auto start = Clock::now();
  // Waits for space: serves record 0's report, whose callback runs the nested calls.
  auto second = p->send({.topic = "nested", .value = "b", .opaque = opaque(1)});
  CHECK(Clock::now() - start < 3s);
  REQUIRE(nested.size() == 3);
  // The buffer is still full inside the callback (its record is not released yet).
  CHECK_FALSE(nested[0].ok());
  CHECK(nested[0].error().code == errc::queue_full);
  CHECK_FALSE(nested[1].ok());
  CHECK(contains(nested[1].error().message, "callback"));
  CHECK_FALSE(nested[2].ok());
  CHECK(contains(nested[2].error().message, "callback"));
  CHECK(second.ok());
  CHECK(p->flush(5s).ok());
  CHECK(p->close(1s).ok());
  CHECK(reports == 3);  // warm-up, a, b
}

}  // namespace kafkit::test
