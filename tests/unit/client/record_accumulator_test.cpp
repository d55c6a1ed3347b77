// RecordAccumulator without an I/O thread: time is given as time points, so linger is tested
// without sleeping; buffer bounds, topic states and record checks are tested directly.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "client/producer/record_accumulator.hpp"
#include "protocol/messages/error_codes.hpp"

using namespace kafkit;
using namespace kafkit::client;
using namespace std::chrono_literals;

namespace {

// Records without an explicit partition go to `target`.
class FixedPartitioner final : public Partitioner {
 public:
  explicit FixedPartitioner(std::int32_t target) : target_(target) {}
  std::int32_t partition(const PartitionContext&) override { return target_; }

 private:
  std::int32_t target_;
};

constexpr int kMessageTooLarge = static_cast<int>(protocol::ErrorCode::MessageTooLarge);
constexpr int kUnknownTopic = static_cast<int>(protocol::ErrorCode::UnknownTopicOrPartition);
constexpr int kTopicAuthorization = static_cast<int>(protocol::ErrorCode::TopicAuthorizationFailed);

const SteadyClock::time_point t0 = SteadyClock::now();

struct Fixture {
  explicit Fixture(AccumulatorConfig config, std::int32_t partitions = 2)
      : acc(std::move(config), std::make_unique<FixedPartitioner>(0)) {
    if (partitions > 0) acc.set_topic("t", partitions, {0, 1});
  }
  RecordAccumulator::AppendResult append(std::string_view value,
                                         std::optional<std::int32_t> partition = std::nullopt,
                                         std::string_view topic = "t",
                                         SteadyClock::time_point now = t0) {
    ProducerRecord r{.topic = topic, .partition = partition, .value = value};
    return acc.append(r, nullptr, 1700000000000, now);
  }
  std::vector<BatchPtr> take(SteadyClock::time_point now, bool flush = false) {
    std::vector<BatchPtr> out;
    next_linger = acc.take_ready(now, flush, out);
    return out;
  }
  RecordAccumulator acc;
  std::optional<SteadyClock::time_point> next_linger;
};

AccumulatorConfig config_with(auto&& edit) {
  AccumulatorConfig c;
  c.linger = 1h;  // nothing leaves by linger unless a test says so
  edit(c);
  return c;
}

std::size_t records_in(const std::vector<BatchPtr>& batches) {
  std::size_t n = 0;
  for (const auto& b : batches) n += b->records.size();
  return n;
}

}  // namespace

TEST_CASE("RecordAccumulator: a batch leaves after linger.ms, or at once when flushing") {
  Fixture f(config_with([](AccumulatorConfig& c) { c.linger = 100ms; }));
  REQUIRE(f.append("a").status == RecordAccumulator::Status::appended);
  REQUIRE(f.append("b", std::nullopt, "t", t0 + 10ms).status ==
          RecordAccumulator::Status::appended);
  CHECK(f.take(t0 + 99ms).empty());
  // The linger counts from the batch's first record.
  REQUIRE(f.next_linger.has_value());
  CHECK(*f.next_linger == t0 + 100ms);
  auto ready = f.take(t0 + 100ms);
  REQUIRE(ready.size() == 1);
  CHECK(ready[0]->records.size() == 2);
  CHECK(ready[0]->topic == "t");
  CHECK(ready[0]->partition == 0);
  CHECK_FALSE(f.next_linger.has_value());
  CHECK_FALSE(f.acc.has_open_batches());

  REQUIRE(f.append("c", std::nullopt, "t", t0 + 200ms).status ==
          RecordAccumulator::Status::appended);
  CHECK(f.acc.has_open_batches());
  CHECK(f.take(t0 + 201ms).empty());
  auto flushed = f.take(t0 + 201ms, true);
  REQUIRE(flushed.size() == 1);
  CHECK(flushed[0]->records.size() == 1);
}

TEST_CASE("RecordAccumulator: linger.ms=0 sends each batch at the next look") {
  Fixture f(config_with([](AccumulatorConfig& c) { c.linger = 0ms; }));
  REQUIRE(f.append("a").status == RecordAccumulator::Status::appended);
  CHECK(f.take(t0).size() == 1);
}

TEST_CASE("RecordAccumulator: batch.num.messages seals a batch") {
  Fixture f(config_with([](AccumulatorConfig& c) { c.batch_num_messages = 3; }));
  bool woke_on_seal = false;
  for (int i = 0; i < 7; ++i) {
    auto r = f.append("v" + std::to_string(i));
    REQUIRE(r.status == RecordAccumulator::Status::appended);
    if (i == 2) woke_on_seal = r.wake;
  }
  CHECK(woke_on_seal);
  auto ready = f.take(t0 + 1ms);
  REQUIRE(ready.size() == 2);
  CHECK(ready[0]->records.size() == 3);
  CHECK(ready[1]->records.size() == 3);
  auto rest = f.take(t0 + 1ms, true);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0]->records.size() == 1);
}

TEST_CASE("RecordAccumulator: batch.size seals a batch before it grows past it") {
  constexpr std::size_t kBatchSize = 400;
  Fixture f(config_with([](AccumulatorConfig& c) { c.batch_size = kBatchSize; }));
  const std::string value(60, 'x');
  constexpr int kCount = 40;
  for (int i = 0; i < kCount; ++i)
    REQUIRE(f.append(value).status == RecordAccumulator::Status::appended);
  auto ready = f.take(t0 + 1ms);
  CHECK(ready.size() >= 4);
  for (const auto& b : ready) {
    CHECK(b->records.size() >= 2);
    CHECK(b->builder.size_in_bytes() <= kBatchSize);
  }
  auto rest = f.take(t0 + 1ms, true);
  CHECK(records_in(ready) + records_in(rest) == kCount);

  // A record larger than batch.size (but within message.max.bytes) travels alone.
  REQUIRE(f.append(std::string(1000, 'y')).status == RecordAccumulator::Status::appended);
  auto big = f.take(t0 + 2ms);
  REQUIRE(big.size() == 1);
  CHECK(big[0]->records.size() == 1);
}

TEST_CASE("RecordAccumulator: queue.buffering.max.messages bounds records until reported") {
  Fixture f(config_with([](AccumulatorConfig& c) { c.max_messages = 3; }));
  for (int i = 0; i < 3; ++i) REQUIRE(f.append("v").status == RecordAccumulator::Status::appended);
  CHECK(f.acc.buffered_records() == 3);
  CHECK(f.append("v").status == RecordAccumulator::Status::buffer_full);
  // Taking batches does not free records: only served reports do.
  CHECK(f.take(t0, true).size() == 1);
  CHECK(f.append("v").status == RecordAccumulator::Status::buffer_full);
  f.acc.release_records(1);
  CHECK(f.append("v").status == RecordAccumulator::Status::appended);
  CHECK(f.append("v").status == RecordAccumulator::Status::buffer_full);
}

TEST_CASE("RecordAccumulator: queue.buffering.max.kbytes bounds bytes until answered") {
  Fixture f(config_with([](AccumulatorConfig& c) { c.max_bytes = 350; }));
  const std::string value(100, 'x');
  int appended = 0;
  while (f.append(value).status == RecordAccumulator::Status::appended) {
    ++appended;
    REQUIRE(appended < 10);
  }
  CHECK(appended >= 2);
  CHECK(f.append(value).status == RecordAccumulator::Status::buffer_full);
  auto batches = f.take(t0, true);
  REQUIRE(batches.size() == 1);
  f.acc.release_bytes(batches[0]->accounted_bytes);
  CHECK(f.append(value).status == RecordAccumulator::Status::appended);
}

TEST_CASE("RecordAccumulator: records refused before they are buffered") {
  Fixture f(config_with([](AccumulatorConfig& c) { c.max_request_size = 1000; }), 2);
  SUBCASE("explicit partition out of range") {
    for (std::int32_t p : {2, 100, -1}) {
      CAPTURE(p);
      auto r = f.append("v", p);
      CHECK(r.status == RecordAccumulator::Status::failed);
      REQUIRE(r.error.has_value());
      CHECK(r.error->code == kUnknownTopic);
      CHECK(r.error->message.find("topic t") != std::string::npos);
    }
    CHECK(f.append("v", 1).status == RecordAccumulator::Status::appended);
    CHECK(f.acc.buffered_records() == 1);
  }
  SUBCASE("larger than message.max.bytes") {
    auto r = f.append(std::string(1000, 'x'));
    CHECK(r.status == RecordAccumulator::Status::failed);
    REQUIRE(r.error.has_value());
    CHECK(r.error->code == kMessageTooLarge);
    CHECK(r.error->message.find("message.max.bytes") != std::string::npos);
    CHECK(f.acc.buffered_records() == 0);
    CHECK(f.append(std::string(800, 'x')).status == RecordAccumulator::Status::appended);
  }
}

TEST_CASE("RecordAccumulator: unknown topics wait for metadata") {
  Fixture f(AccumulatorConfig{}, 0);
  CHECK(f.append("v", std::nullopt, "new").status == RecordAccumulator::Status::unknown_topic);
  CHECK(f.append("v", std::nullopt, "new").status == RecordAccumulator::Status::unknown_topic);
  auto topics = f.acc.topics();
  REQUIRE(topics.size() == 1);
  CHECK(topics[0] == "new");

  SUBCASE("set_topic makes it usable; a smaller count later is stale and ignored") {
    f.acc.set_topic("new", 3, {0, 1, 2});
    CHECK(f.acc.wait_for_topic("new", SteadyClock::now()).ok());
    CHECK(f.append("v", 2, "new").status == RecordAccumulator::Status::appended);
    f.acc.set_topic("new", 1, {0});
    CHECK(f.append("v", 2, "new").status == RecordAccumulator::Status::appended);
    // Growth is taken.
    f.acc.set_topic("new", 5, {0, 1, 2, 3, 4});
    CHECK(f.append("v", 4, "new").status == RecordAccumulator::Status::appended);
    // An error for a topic already known does not make it unusable.
    f.acc.set_topic_error("new", Error{kTopicAuthorization, "no"});
    CHECK(f.append("v", 0, "new").status == RecordAccumulator::Status::appended);
  }
  SUBCASE("set_topic_error fails sends and waits") {
    f.acc.set_topic_error("new", Error{kTopicAuthorization, "topic new: TOPIC_AUTHORIZATION"});
    auto r = f.append("v", std::nullopt, "new");
    CHECK(r.status == RecordAccumulator::Status::failed);
    REQUIRE(r.error.has_value());
    CHECK(r.error->code == kTopicAuthorization);
    auto waited = f.acc.wait_for_topic("new", SteadyClock::now() + 5s);
    REQUIRE_FALSE(waited.ok());
    CHECK(waited.error().code == kTopicAuthorization);
    // Metadata that lists it later clears the error.
    f.acc.set_topic("new", 1, {0});
    CHECK(f.append("v", std::nullopt, "new").status == RecordAccumulator::Status::appended);
  }
  SUBCASE("a sender told unknown_topic counts as waiting until its wait_for_topic returns") {
    CHECK(f.acc.has_waiters("new"));
    CHECK_FALSE(f.acc.has_waiters("other"));
    (void)f.acc.wait_for_topic("new", SteadyClock::now());
    CHECK(f.acc.has_waiters("new"));  // the second append's caller still waits
    (void)f.acc.wait_for_topic("new", SteadyClock::now());
    CHECK_FALSE(f.acc.has_waiters("new"));
  }
  SUBCASE("wait_for_topic times out at its deadline, naming the topic") {
    auto start = SteadyClock::now();
    auto waited = f.acc.wait_for_topic("new", start + 50ms);
    auto took = SteadyClock::now() - start;
    REQUIRE_FALSE(waited.ok());
    CHECK(waited.error().code == kUnknownTopic);
    CHECK(waited.error().message.find("new") != std::string::npos);
    CHECK(took >= 50ms);
    CHECK(took < 2s);
  }
  SUBCASE("wait_for_topic wakes when another thread publishes the topic") {
    std::thread io([&] {
      std::this_thread::sleep_for(20ms);
      f.acc.set_topic("new", 2, {0, 1});
    });
    auto start = SteadyClock::now();
    auto waited = f.acc.wait_for_topic("new", start + 5s);
    io.join();
    CHECK(waited.ok());
    CHECK(SteadyClock::now() - start < 2s);
  }
}

TEST_CASE("RecordAccumulator: partitions keep separate batches in append order") {
  Fixture f(config_with([](AccumulatorConfig&) {}), 2);
  for (int i = 0; i < 6; ++i)
    REQUIRE(f.append("v", i % 2).status == RecordAccumulator::Status::appended);
  auto batches = f.take(t0, true);
  REQUIRE(batches.size() == 2);
  CHECK(batches[0]->partition != batches[1]->partition);
  for (const auto& b : batches) CHECK(b->records.size() == 3);
}

TEST_CASE("RecordAccumulator: records are numbered in append order; mark() reads both counts") {
  Fixture f(config_with([](AccumulatorConfig&) {}), 2);
  CHECK(f.acc.mark() == std::pair<std::uint64_t, std::size_t>{0, 0});
  for (int i = 0; i < 5; ++i)
    REQUIRE(f.append("v", i % 2).status == RecordAccumulator::Status::appended);
  // Refused records take no number.
  CHECK(f.append("v", 7).status == RecordAccumulator::Status::failed);
  CHECK(f.acc.mark() == std::pair<std::uint64_t, std::size_t>{5, 5});
  auto batches = f.take(t0, true);
  std::vector<std::uint64_t> numbers;
  for (const auto& b : batches)
    for (const auto& r : b->records) numbers.push_back(r.number);
  std::sort(numbers.begin(), numbers.end());
  CHECK(numbers == std::vector<std::uint64_t>{0, 1, 2, 3, 4});
  f.acc.release_records(2);
  CHECK(f.acc.mark() == std::pair<std::uint64_t, std::size_t>{5, 3});
}
