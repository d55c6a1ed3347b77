// The consumer against the reference broker in-process: kafkit's Producer writes, the
// Consumer (assign mode) must read back exactly what was written, in order per partition,
// through seeks, pauses, resets, leader changes and a small prefetch budget.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <thread>

#include "../broker/broker_fixture.hpp"
#include "client/consumer/consumer_impl.hpp"
#include "common/wall_clock.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"
#include "kafkit/typed_consumer.hpp"
#include "kafkit/typed_producer.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;

std::string bootstrap(const RunningBroker& b) {
  return b.cluster->bootstrap_servers();
}

// Record timestamps: recent, or the broker's time-based retention (7 days) deletes them.
const std::int64_t kBase = wall_clock_ms() - 600000;

/// Produces `count` records per partition: key "k<p>-<i>", value "v<p>-<i>", timestamp
/// base + i.
void produce(const RunningBroker& b, const std::string& topic, int partitions, int count,
             const std::string& codec = "none", std::int64_t ts_base = kBase) {
  Producer producer(
      Config{{"bootstrap.servers", bootstrap(b)}, {"compression.type", codec}, {"linger.ms", "5"}});
  std::vector<std::string> keys, values;
  for (int p = 0; p < partitions; ++p)
    for (int i = 0; i < count; ++i) {
      keys.push_back("k" + std::to_string(p) + "-" + std::to_string(i));
      values.push_back("v" + std::to_string(p) + "-" + std::to_string(i));
    }
  size_t n = 0;
  for (int p = 0; p < partitions; ++p)
    for (int i = 0; i < count; ++i, ++n) {
      auto r = producer.send({.topic = topic,
                              .partition = p,
                              .key = keys[n],
                              .value = values[n],
                              .timestamp = ts_base + i});
      REQUIRE_MESSAGE(r.ok(), r.error().message);
    }
  auto f = producer.flush(20s);
  REQUIRE_MESSAGE(f.ok(), f.error().message);
}

struct Got {
  std::map<int32_t, std::vector<std::pair<int64_t, std::string>>> by_partition;  // offset, value
  std::vector<ConsumerEvent> events;
  size_t total() const {
    size_t n = 0;
    for (auto& [p, v] : by_partition) n += v.size();
    return n;
  }
};

/// Polls until `want` records arrived or `limit` passed.
void consume(Consumer& c, Got& got, size_t want, std::chrono::milliseconds limit = 15s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (got.total() < want && std::chrono::steady_clock::now() < deadline) {
    PollResult r = c.poll(100ms);
    for (auto& e : r.events) got.events.push_back(e);
    for (const ConsumerRecord& rec : r.records)
      got.by_partition[rec.partition].emplace_back(rec.offset, std::string(rec.value.value_or("")));
  }
}

std::vector<TopicPartitionOffset> all_partitions(const std::string& topic, int n,
                                                 int64_t offset = offsets::beginning) {
  std::vector<TopicPartitionOffset> out;
  for (int p = 0; p < n; ++p) out.push_back(TopicPartitionOffset{topic, p, offset});
  return out;
}

void check_in_order(const Got& got, int partitions, int count) {
  for (int p = 0; p < partitions; ++p) {
    auto it = got.by_partition.find(p);
    REQUIRE(it != got.by_partition.end());
    const auto& recs = it->second;
    REQUIRE(recs.size() == static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      CHECK(recs[static_cast<size_t>(i)].first == i);
      CHECK(recs[static_cast<size_t>(i)].second ==
            "v" + std::to_string(p) + "-" + std::to_string(i));
    }
  }
}

}  // namespace

TEST_CASE("consumer: reads back everything in order per partition, for every codec") {
  RunningBroker broker(Properties{{"num.partitions", "3"}});
  for (std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    CAPTURE(codec);
    std::string topic = "codec-" + codec;
    produce(broker, topic, 3, 700, codec);
    Consumer consumer(
        Config{{"bootstrap.servers", bootstrap(broker)}, {"max.partition.fetch.bytes", "4096"}});
    REQUIRE(consumer.assign(all_partitions(topic, 3)).ok());
    Got got;
    consume(consumer, got, 3 * 700);
    check_in_order(got, 3, 700);
    for (auto& e : got.events)
      CHECK_MESSAGE(e.type != ConsumerEvent::Type::error, e.error->message);
    // A record carries its key, timestamp and topic.
    REQUIRE(consumer.seek({topic, 1}, 5).ok());
    PollResult r;
    for (int i = 0; i < 50 && r.records.empty(); ++i) r = consumer.poll(100ms);
    REQUIRE(!r.records.empty());
    CHECK(r.records[0].offset == 5);
    CHECK(r.records[0].topic == topic);
    CHECK(r.records[0].key == std::optional<std::string_view>("k1-5"));
    CHECK(r.records[0].timestamp == kBase + 5);
    CHECK(consumer.close(5s).ok());
  }
}

TEST_CASE("consumer: seek, pause/resume, offsets_for_times, watermarks and lag") {
  RunningBroker broker(Properties{{"num.partitions", "2"}});
  produce(broker, "t", 2, 100);
  Consumer consumer(Config{{"bootstrap.servers", bootstrap(broker)}});
  REQUIRE(consumer.assign({{"t", 0, 10}, {"t", 1, offsets::beginning}}).ok());

  auto wm = consumer.watermark_offsets({"t", 0}, 5s);
  REQUIRE_MESSAGE(wm.ok(), wm.error().message);
  CHECK(wm->first == 0);
  CHECK(wm->second == 100);

  auto times = consumer.offsets_for_times({{"t", 0, kBase + 42}, {"t", 1, kBase + 500000}}, 5s);
  REQUIRE_MESSAGE(times.ok(), times.error().message);
  REQUIRE(times->size() == 2);
  for (auto& t : *times) {
    if (t.partition == 0) CHECK(t.offset == 42);
    if (t.partition == 1) CHECK(t.offset == offsets::end);
  }

  auto pos = consumer.position({"t", 0});
  REQUIRE(pos.ok());
  CHECK(*pos == 10);
  CHECK(!consumer.position({"t", 7}).ok());

  Got got;
  consume(consumer, got, 90 + 100);
  CHECK(got.by_partition[0].size() == 90);
  CHECK(got.by_partition[0].front().first == 10);
  CHECK(got.by_partition[1].size() == 100);
  CHECK(consumer.lag({"t", 0}) == std::optional<int64_t>(0));
  CHECK(*consumer.position({"t", 1}) == 100);

  // Paused partitions return nothing; resume gives what was fetched meanwhile.
  REQUIRE(consumer.pause({{"t", 0}}).ok());
  CHECK(consumer.paused() == std::vector<TopicPartition>{{"t", 0}});
  produce(broker, "t", 2, 10, "none", kBase + 1000);  // offsets 100..109 in both
  Got more;
  consume(consumer, more, 10, 3s);
  CHECK(more.by_partition.count(0) == 0);
  CHECK(more.by_partition[1].size() == 10);
  CHECK(consumer.lag({"t", 0}).value_or(-1) >= 0);
  REQUIRE(consumer.resume({{"t", 0}}).ok());
  consume(consumer, more, 20);
  REQUIRE(more.by_partition[0].size() == 10);
  CHECK(more.by_partition[0].front().first == 100);

  // Seeks: back to an offset, to the beginning, to the end.
  REQUIRE(consumer.seek({"t", 0}, 42).ok());
  Got again;
  consume(consumer, again, 68);
  REQUIRE(again.by_partition[0].size() == 68);
  CHECK(again.by_partition[0].front().first == 42);
  REQUIRE(consumer.seek_to_beginning({{"t", 1}}).ok());
  Got from_start;
  consume(consumer, from_start, 110);
  REQUIRE(from_start.by_partition[1].size() == 110);
  CHECK(from_start.by_partition[1].front().first == 0);
  REQUIRE(consumer.seek_to_end({{"t", 1}}).ok());
  auto end = consumer.position({"t", 1});
  REQUIRE(end.ok());
  CHECK(*end == 110);
  CHECK(!consumer.seek({"nope", 0}, 1).ok());
}

TEST_CASE("consumer: auto.offset.reset earliest, latest and none") {
  RunningBroker broker;
  produce(broker, "r", 1, 20);
  SUBCASE("earliest") {
    Consumer c(Config{{"bootstrap.servers", bootstrap(broker)}, {"auto.offset.reset", "earliest"}});
    REQUIRE(c.assign({{"r", 0, offsets::stored}}).ok());
    Got got;
    consume(c, got, 20);
    REQUIRE(got.by_partition[0].size() == 20);
    CHECK(got.by_partition[0].front().first == 0);
  }
  SUBCASE("latest") {
    Consumer c(Config{{"bootstrap.servers", bootstrap(broker)}, {"auto.offset.reset", "largest"}});
    REQUIRE(c.assign({{"r", 0, offsets::stored}}).ok());
    auto pos = c.position({"r", 0});
    REQUIRE(pos.ok());
    CHECK(*pos == 20);
    produce(broker, "r", 1, 3);
    Got got;
    consume(c, got, 3);
    REQUIRE(got.by_partition[0].size() == 3);
    CHECK(got.by_partition[0].front().first == 20);
  }
  SUBCASE("out of range, earliest: back to the start") {
    Consumer c(Config{{"bootstrap.servers", bootstrap(broker)}, {"auto.offset.reset", "earliest"}});
    REQUIRE(c.assign({{"r", 0, 5000}}).ok());
    Got got;
    consume(c, got, 20);
    REQUIRE(got.by_partition[0].size() == 20);
    CHECK(got.by_partition[0].front().first == 0);
  }
  SUBCASE("none: an error event, nothing fetched until a seek") {
    std::vector<Error> errors;
    Consumer c(Config{{"bootstrap.servers", bootstrap(broker)}, {"auto.offset.reset", "none"}},
               {.on_error = [&](const Error& e) { errors.push_back(e); }});
    REQUIRE(c.assign({{"r", 0, 5000}}).ok());
    Got got;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (got.events.empty() && std::chrono::steady_clock::now() < deadline)
      consume(c, got, 1, 200ms);
    REQUIRE(!got.events.empty());
    CHECK(got.events[0].type == ConsumerEvent::Type::error);
    CHECK(got.events[0].error->code == static_cast<int>(protocol::ErrorCode::OffsetOutOfRange));
    CHECK(errors.size() == got.events.size());
    CHECK(got.total() == 0);
    REQUIRE(c.seek({"r", 0}, 15).ok());
    consume(c, got, 5);
    REQUIRE(got.by_partition[0].size() == 5);
    CHECK(got.by_partition[0].front().first == 15);
  }
}

TEST_CASE("consumer: an assigned topic that does not exist is reported once") {
  RunningBroker broker(Properties{{"auto.create.topics.enable", "false"}});
  Consumer c(Config{{"bootstrap.servers", bootstrap(broker)}, {"retry.backoff.ms", "10"}});
  REQUIRE(c.assign({{"missing", 0, offsets::beginning}, {"missing", 1, offsets::beginning}}).ok());
  Got got;
  consume(c, got, 1, 1500ms);
  REQUIRE(got.events.size() == 1);
  CHECK(got.events[0].error->code ==
        static_cast<int>(protocol::ErrorCode::UnknownTopicOrPartition));
  CHECK(got.events[0].error->message.find("missing") != std::string::npos);
}

TEST_CASE("consumer: enable.partition.eof reports the end of a partition") {
  RunningBroker broker;
  produce(broker, "eof", 1, 5);
  Consumer c(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"enable.partition.eof", "true"},
                    {"fetch.wait.max.ms", "50"}});
  REQUIRE(c.assign({{"eof", 0, offsets::beginning}}).ok());
  Got got;
  bool eof = false;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!eof && std::chrono::steady_clock::now() < deadline) {
    consume(c, got, got.total() + 1, 100ms);
    for (auto& e : got.events) eof = eof || e.type == ConsumerEvent::Type::partition_eof;
  }
  CHECK(eof);
  CHECK(got.total() == 5);
}

TEST_CASE("consumer: follows leader changes while consuming") {
  RunningBroker broker(Properties{{"num.partitions", "4"}}, 3);
  produce(broker, "moving", 4, 500);
  Consumer c(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"max.partition.fetch.bytes", "2048"},
                    {"retry.backoff.ms", "20"}});
  REQUIRE(c.assign(all_partitions("moving", 4)).ok());
  Got got;
  consume(c, got, 400);
  broker.cluster->rotate_leaders();
  consume(c, got, 1000);
  REQUIRE(broker.cluster->move_leader("moving", 0, broker.cluster->node_ids()[2]).ok());
  REQUIRE(broker.cluster->stop_node(broker.cluster->node_ids()[0], true).ok());
  consume(c, got, 2000, 30s);
  check_in_order(got, 4, 500);
}

TEST_CASE("consumer: one byte budget over all prefetched partitions") {
  RunningBroker broker(Properties{{"num.partitions", "200"}});
  // 200 partitions x 40 records x ~1 KiB: ~8 MB lagging, budget 256 KiB. (With 1,000
  // partitions the consumer's part takes under a second too, but the in-process broker
  // needs a minute to create, fill and delete them: too slow for this suite.) Batches of at
  // most 8 KB: the budget can be exceeded by one batch per leader (KIP-74: a broker
  // returns a first batch larger than the limit whole).
  {
    Producer producer(Config{
        {"bootstrap.servers", bootstrap(broker)}, {"linger.ms", "20"}, {"batch.size", "8000"}});
    std::string value(1000, 'x');
    for (int p = 0; p < 200; ++p)
      for (int i = 0; i < 40; ++i)
        REQUIRE(producer.send({.topic = "wide", .partition = p, .value = value}).ok());
    REQUIRE(producer.flush(30s).ok());
  }
  Config config{{"bootstrap.servers", bootstrap(broker)},
                {"queued.max.messages.kbytes", "256"},
                {"max.partition.fetch.bytes", "8192"}};
  auto parsed = client::ConsumerConfig::parse(config);
  REQUIRE(parsed.ok());
  client::ConsumerImpl impl(*parsed, {});
  REQUIRE(impl.assign(all_partitions("wide", 200)).ok());
  // Without polling, prefetching stops at the budget (plus at most one batch per leader:
  // KIP-74's first batch).
  std::size_t peak = 0;
  for (int i = 0; i < 30; ++i) {
    std::this_thread::sleep_for(20ms);
    peak = std::max(peak, impl.prefetched_bytes());
  }
  CHECK(peak > 100 * 1024);
  CHECK(peak <= 256 * 1024 + 9000);
  // Polling frees budget and everything comes through, the budget holding all along.
  size_t total = 0;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (total < 8000 && std::chrono::steady_clock::now() < deadline) {
    total += impl.poll(50ms).records.size();
    peak = std::max(peak, impl.prefetched_bytes());
  }
  CHECK(total == 8000);
  CHECK(peak <= 256 * 1024 + 9000);
  CHECK(impl.close(5s).ok());
}

TEST_CASE("consumer: a busy partition does not wait behind fetches parked for idle ones") {
  // Partition 0 holds far more than the two queued chunks; 1 and 2 are empty. Once 0's
  // queue is full, a fetch of only 1 and 2 would park at the broker for fetch.max.wait.ms
  // (made 10 s here), and 0 would wait behind it whenever its queue was full as fetches
  // went out (twice per run or more before the fix). No such stall may happen at all.
  RunningBroker broker(Properties{{"num.partitions", "3"}});
  produce(broker, "busy", 1, 50000);
  Consumer c(Config{{"bootstrap.servers", bootstrap(broker)},
                    {"fetch.max.wait.ms", "10000"},
                    {"max.partition.fetch.bytes", "16384"}});
  REQUIRE(c.assign(all_partitions("busy", 3)).ok());
  Got got;
  auto start = std::chrono::steady_clock::now();
  consume(c, got, 50000, 60s);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(got.total() == 50000);
  CHECK(took < 8s);  // under a second without a stall, even under ASan
  CHECK(c.close(5s).ok());
}

TEST_CASE("typed consumer: deserializes what a typed producer wrote; bad records are events") {
  RunningBroker broker;
  {
    TypedProducer<std::string, std::int64_t> producer(
        Config{{"bootstrap.servers", bootstrap(broker)}});
    for (std::int64_t i = 0; i < 10; ++i)
      REQUIRE(producer.send("typed", "k" + std::to_string(i), i * 1000).ok());
    // A tombstone: no int64 to read, but an optional<int64> is nullopt.
    Producer& raw = producer.producer();
    REQUIRE(raw.send({.topic = "typed", .key = "gone", .value = std::nullopt}).ok());
    REQUIRE(producer.flush(10s).ok());
  }
  std::vector<Error> errors;
  TypedConsumer<std::string, std::int64_t> consumer(
      Config{{"bootstrap.servers", bootstrap(broker)}},
      {.on_error = [&](const Error& e) { errors.push_back(e); }});
  REQUIRE(consumer.assign({{"typed", 0, offsets::beginning}}).ok());
  std::vector<TypedConsumerRecord<std::string, std::int64_t>> got;
  std::vector<ConsumerEvent> events;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((got.size() < 10 || events.empty()) && std::chrono::steady_clock::now() < deadline) {
    auto r = consumer.poll(100ms);
    for (auto& rec : r.records) got.push_back(std::move(rec));
    for (auto& e : r.events) events.push_back(e);
  }
  REQUIRE(got.size() == 10);
  for (std::int64_t i = 0; i < 10; ++i) {
    CHECK(got[static_cast<size_t>(i)].key == "k" + std::to_string(i));
    CHECK(got[static_cast<size_t>(i)].value == i * 1000);
  }
  REQUIRE(events.size() == 1);
  CHECK(events[0].error->message.find("offset 10") != std::string::npos);
  CHECK(errors.size() == 1);
  CHECK(*consumer.position({"typed", 0}) == 11);

  TypedConsumer<std::string_view, std::optional<std::int64_t>> optional(
      Config{{"bootstrap.servers", bootstrap(broker)}});
  REQUIRE(optional.assign({{"typed", 0, 10}}).ok());
  std::vector<TypedConsumerRecord<std::string_view, std::optional<std::int64_t>>> tomb;
  deadline = std::chrono::steady_clock::now() + 10s;
  while (tomb.empty() && std::chrono::steady_clock::now() < deadline)
    for (auto& rec : optional.poll(100ms).records) tomb.push_back(std::move(rec));
  REQUIRE(tomb.size() == 1);
  CHECK(tomb[0].key == "gone");
  CHECK_FALSE(tomb[0].value.has_value());
}

TEST_CASE("consumer: commits to kafkit-broker's group coordinator, stored offsets as starts") {
  RunningBroker broker(Properties{{"num.partitions", "2"}});
  produce(broker, "c", 2, 30);
  {
    Consumer c(Config{{"bootstrap.servers", bootstrap(broker)},
                      {"group.id", "g1"},
                      {"enable.auto.commit", "true"},
                      {"auto.offset.reset", "earliest"}});
    REQUIRE(c.assign({{"c", 0, offsets::stored}, {"c", 1, 20}}).ok());
    Got got;
    consume(c, got, 40);
    REQUIRE(got.by_partition[0].size() == 30);
    REQUIRE(got.by_partition[1].size() == 10);
    auto committed = c.commit({{"c", 0, 12}});
    REQUIRE_MESSAGE(committed.ok(), committed.error().message);
    auto back = c.committed({{"c", 0}, {"c", 1}}, 5s);
    REQUIRE_MESSAGE(back.ok(), back.error().message);
    CHECK(back->at(0).offset == 12);
    CHECK(back->at(1).offset == offsets::stored);
    REQUIRE(c.seek({"c", 1}, 25).ok());
    REQUIRE(c.close(5s).ok());  // auto-commit: positions 30 and 25
  }
  Consumer again(Config{{"bootstrap.servers", bootstrap(broker)}, {"group.id", "g1"}});
  auto back = again.committed({{"c", 0}, {"c", 1}}, 5s);
  REQUIRE_MESSAGE(back.ok(), back.error().message);
  CHECK(back->at(0).offset == 30);
  CHECK(back->at(1).offset == 25);
  REQUIRE(again.assign({{"c", 1, offsets::stored}}).ok());
  Got got;
  consume(again, got, 5);
  REQUIRE(got.by_partition[1].size() == 5);
  CHECK(got.by_partition[1].front().first == 25);
}

TEST_CASE("consumer: close is bounded when no broker answers") {
  // A port nothing listens on.
  std::string dead = "127.0.0.1:1";
  Consumer c(
      Config{{"bootstrap.servers", dead}, {"group.id", "g"}, {"enable.auto.commit", "true"}});
  REQUIRE(c.assign({{"t", 0, 5}}).ok());
  (void)c.poll(200ms);
  auto start = std::chrono::steady_clock::now();
  auto closed = c.close(1s);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(!closed.ok());  // the commit of offset 5 could not be made
  CHECK(took < 2s);
  CHECK(c.close(1s).error().code == errc::closed);
  {
    // A group member whose coordinator never answers: leaving is bounded too.
    Consumer d(Config{{"bootstrap.servers", dead}, {"group.id", "g"}});
    REQUIRE(d.subscribe({"t"}).ok());
    (void)d.poll(200ms);
    start = std::chrono::steady_clock::now();
    (void)d.close(1s);  // ok or not: nothing was joined
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    start = std::chrono::steady_clock::now();
  }  // the destructor is bounded too (already closed)
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}

}  // namespace kafkit::test
