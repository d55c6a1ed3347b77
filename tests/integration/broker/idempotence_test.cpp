// Idempotent producers against an in-process broker (KIP-98 / KIP-360 as Kafka 3.x/4.x
// answers them): InitProducerId, the per-partition sequence checks on Produce, duplicates
// answered from the producer state without a second append, and the state surviving a
// clean restart, DeleteRecords and a damaged snapshot, then expiring.
#include <chrono>
#include <climits>
#include <fstream>
#include <set>
#include <thread>

#include "broker/producer_state/producer_snapshot.hpp"
#include "broker/producer_state/state_file.hpp"
#include "broker_fixture.hpp"
#include "idempotence_support.hpp"
#include "protocol/messages/delete_records.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::broker::test {
namespace {

constexpr int16_t kNone = 0;
constexpr int16_t kInvalidRequest = 42;
constexpr int16_t kOutOfOrder = 45;
constexpr int16_t kInvalidEpoch = 47;
constexpr int16_t kCoordinatorNotAvailable = 15;
constexpr int16_t kInvalidRecord = 87;

void create_topic(TestClient& c, const std::string& name) {
  protocol::MetadataRequest m;
  m.topics = std::vector<protocol::MetadataRequest::MetadataRequestTopic>{{{}, name, {}}};
  m.allow_auto_topic_creation = true;
  REQUIRE(c.call<protocol::MetadataResponse>(m, 9).topics.at(0).error_code == 0);
}

int64_t new_producer(TestClient& c) {
  auto r = init_producer_id(c);
  REQUIRE(r.error_code == kNone);
  REQUIRE(r.producer_epoch == 0);
  return r.producer_id;
}

TEST_CASE("InitProducerId hands out distinct ids at every version, never reused after restart") {
  RunningBroker b;
  std::set<int64_t> seen;
  {
    TestClient c(b.port());
    for (int16_t v = 0; v <= 5; ++v) {
      auto r = init_producer_id(c, v);
      CHECK(r.error_code == kNone);
      CHECK(r.producer_id >= 0);
      CHECK(r.producer_epoch == 0);
      CHECK(seen.insert(r.producer_id).second);
    }
    // KIP-360 request form (v3+: current id and epoch). For a null transactional id Kafka's
    // coordinator ignores them and hands out a fresh id with epoch 0; so does this broker.
    int64_t current = *seen.rbegin();
    auto bumped = init_producer_id(c, 4, std::nullopt, current, 0);
    CHECK(bumped.error_code == kNone);
    CHECK(bumped.producer_epoch == 0);
    CHECK(seen.insert(bumped.producer_id).second);
  }
  b.restart();
  TestClient c(b.port());
  for (int i = 0; i < 3; ++i) {
    auto r = init_producer_id(c);
    CHECK(r.error_code == kNone);
    CHECK(r.producer_id > *seen.rbegin());  // above everything handed out before
    CHECK(seen.insert(r.producer_id).second);
  }
}

TEST_CASE("every node of a cluster hands out ids from one sequence") {
  RunningBroker b(Properties{}, 3);
  std::set<int64_t> seen;
  for (size_t node = 0; node < 3; ++node) {
    TestClient c(b.port(node));
    for (int i = 0; i < 2; ++i) CHECK(seen.insert(new_producer(c)).second);
  }
  CHECK(seen.size() == 6);
}

TEST_CASE(
    "InitProducerId with a transactional id: INVALID_REQUEST when empty, else no coordinator") {
  RunningBroker b;
  TestClient c(b.port());
  auto empty = init_producer_id(c, 4, std::string());
  CHECK(empty.error_code == kInvalidRequest);
  CHECK(empty.producer_id == -1);
  auto txn = init_producer_id(c, 1, std::string("my-txn"));
  CHECK(txn.error_code == kCoordinatorNotAvailable);
  CHECK(txn.producer_id == -1);
  CHECK(txn.producer_epoch == -1);
}

TEST_CASE("in-sequence batches append; retries of the last 5 get their original offsets") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "idem");
  int64_t pid = new_producer(c);
  std::vector<int64_t> offsets;
  int32_t seq = 0;
  for (int i = 0; i < 7; ++i) {
    auto r = produce_one(c, "idem", 0, idempotent_batch(pid, 0, seq, 2));
    REQUIRE(r.error == kNone);
    offsets.push_back(r.base_offset);
    seq += 2;
  }
  CHECK(offsets.back() == 12);
  CHECK(log_end_offset(c, "idem") == 14);
  // Each of the last five batches (2..6) again: success, the first answer's offset, and
  // nothing appended.
  for (int i = 2; i < 7; ++i) {
    auto r = produce_one(c, "idem", 0, idempotent_batch(pid, 0, 2 * i, 2));
    CHECK(r.error == kNone);
    CHECK(r.base_offset == offsets[static_cast<size_t>(i)]);
  }
  CHECK(log_end_offset(c, "idem") == 14);
  // Older than the cache: Kafka 3.x says OUT_OF_ORDER_SEQUENCE_NUMBER, and does not append.
  CHECK(produce_one(c, "idem", 0, idempotent_batch(pid, 0, 2, 2)).error == kOutOfOrder);
  // A retry whose range differs from the cached batch is not a duplicate either.
  CHECK(produce_one(c, "idem", 0, idempotent_batch(pid, 0, 12, 1)).error == kOutOfOrder);
  CHECK(log_end_offset(c, "idem") == 14);
  // The log really holds each record once.
  auto f = c.call<protocol::FetchResponse>(fetch_request("idem", 0, 0), 11);
  int batches = 0;
  protocol::ByteView rest(*f.responses.at(0).partitions.at(0).records);
  while (!rest.empty()) {
    auto h = protocol::parse_batch_header(rest);
    REQUIRE(h.ok());
    CHECK(h->producer_id == pid);
    CHECK(h->base_sequence == 2 * batches);
    rest = rest.subspan(h->size_in_bytes());
    ++batches;
  }
  CHECK(batches == 7);
}

TEST_CASE("sequence gaps, stale epochs and bad first sequences of a new epoch are refused") {
  RunningBroker b(Properties{{"num.partitions", "2"}});
  TestClient c(b.port());
  create_topic(c, "seq");
  int64_t pid = new_producer(c);
  REQUIRE(produce_one(c, "seq", 0, idempotent_batch(pid, 3, 0, 3)).error == kNone);
  // Gap: 3 expected.
  CHECK(produce_one(c, "seq", 0, idempotent_batch(pid, 3, 4)).error == kOutOfOrder);
  CHECK(produce_one(c, "seq", 0, idempotent_batch(pid, 3, 2)).error == kOutOfOrder);
  // Stale epoch.
  CHECK(produce_one(c, "seq", 0, idempotent_batch(pid, 2, 3)).error == kInvalidEpoch);
  CHECK(produce_one(c, "seq", 0, idempotent_batch(pid, 2, 0, 3)).error == kInvalidEpoch);
  // A bumped epoch starts over at 0.
  CHECK(produce_one(c, "seq", 0, idempotent_batch(pid, 4, 3)).error == kOutOfOrder);
  auto bumped = produce_one(c, "seq", 0, idempotent_batch(pid, 4, 0));
  CHECK(bumped.error == kNone);
  CHECK(bumped.base_offset == 3);
  CHECK(produce_one(c, "seq", 0, idempotent_batch(pid, 3, 3)).error == kInvalidEpoch);
  CHECK(produce_one(c, "seq", 0, idempotent_batch(pid, 4, 1)).error == kNone);
  CHECK(log_end_offset(c, "seq") == 5);
  // State is per partition: partition 1 has never seen this producer.
  CHECK(produce_one(c, "seq", 1, idempotent_batch(pid, 4, 0)).error == kNone);
  // An idempotent batch must carry a sequence.
  CHECK(produce_one(c, "seq", 0, idempotent_batch(pid, 4, -1)).error == kInvalidRecord);
  // Plain batches are not affected.
  CHECK(produce_one(c, "seq", 0, make_batch({"plain"})).error == kNone);
  CHECK(produce_one(c, "seq", 0, make_batch({"plain"})).error == kNone);
}

TEST_CASE("a producer without state may start at any sequence; sequences wrap after INT32_MAX") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "wrap");
  int64_t pid = new_producer(c);
  // KIP-360 (Kafka 2.5+): no state, so no UNKNOWN_PRODUCER_ID: the sequence is accepted.
  REQUIRE(produce_one(c, "wrap", 0, idempotent_batch(pid, 0, INT32_MAX - 1, 3)).error == kNone);
  // INT32_MAX-1, INT32_MAX, 0: the next is 1.
  CHECK(produce_one(c, "wrap", 0, idempotent_batch(pid, 0, 0)).error == kOutOfOrder);
  auto dup = produce_one(c, "wrap", 0, idempotent_batch(pid, 0, INT32_MAX - 1, 3));
  CHECK(dup.error == kNone);
  CHECK(dup.base_offset == 0);
  CHECK(produce_one(c, "wrap", 0, idempotent_batch(pid, 0, 1)).error == kNone);
  CHECK(log_end_offset(c, "wrap") == 4);
}

TEST_CASE("producer state survives a clean restart, DeleteRecords and a damaged snapshot") {
  RunningBroker b;
  int64_t pid = -1;
  {
    TestClient c(b.port());
    create_topic(c, "kept");
    create_topic(c, "plain");
    REQUIRE(produce_one(c, "plain", 0, make_batch({"a", "b"})).error == kNone);
    pid = new_producer(c);
    for (int32_t s = 0; s < 4; ++s)
      REQUIRE(produce_one(c, "kept", 0, idempotent_batch(pid, 0, s)).error == kNone);
  }
  b.restart();
  {
    TestClient c(b.port());
    auto dup = produce_one(c, "kept", 0, idempotent_batch(pid, 0, 2));
    CHECK(dup.error == kNone);
    CHECK(dup.base_offset == 2);
    CHECK(produce_one(c, "kept", 0, idempotent_batch(pid, 0, 5)).error == kOutOfOrder);
    CHECK(log_end_offset(c, "kept") == 4);
    // Kafka keeps producer state when the data it came from is deleted (KIP-360).
    protocol::DeleteRecordsRequest del;
    del.topics.push_back({"kept", {{0, 4, {}}}, {}});
    del.timeout_ms = 5000;
    auto deleted = c.call<protocol::DeleteRecordsResponse>(del, 2);
    REQUIRE(deleted.topics.at(0).partitions.at(0).error_code == kNone);
    auto again = produce_one(c, "kept", 0, idempotent_batch(pid, 0, 3));
    CHECK(again.error == kNone);
    CHECK(again.base_offset == 3);
    CHECK(produce_one(c, "kept", 0, idempotent_batch(pid, 0, 5)).error == kOutOfOrder);
  }
  b.restart();
  {
    TestClient c(b.port());
    CHECK(produce_one(c, "kept", 0, idempotent_batch(pid, 0, 3)).base_offset == 3);
    CHECK(produce_one(c, "kept", 0, idempotent_batch(pid, 0, 5)).error == kOutOfOrder);
    CHECK(produce_one(c, "kept", 0, idempotent_batch(pid, 0, 4)).error == kNone);
    CHECK(log_end_offset(c, "kept") == 5);
  }
  b.cluster->stop();
  // A clean stop leaves a snapshot at the log end also where no idempotent producer wrote,
  // so the next start need not replay that log.
  auto plain = read_small_file(b.dir.path / "plain-0" / "producer-state.snapshot");
  REQUIRE(plain.ok());
  REQUIRE(plain->has_value());
  auto decoded = decode_producer_snapshot(**plain);
  REQUIRE(decoded.ok());
  CHECK(decoded->second == 2);
  CHECK(decoded->first.entries().empty());
  // A snapshot that is not intact is ignored: the state is rebuilt from the log (here only
  // batch 4 is left after DeleteRecords).
  {
    std::ofstream damaged(b.dir.path / "kept-0" / "producer-state.snapshot", std::ios::trunc);
    damaged << "kafkit-producer-state 1\noffset 5\np 1 2 3";
  }
  b.restart();
  TestClient c(b.port());
  auto dup = produce_one(c, "kept", 0, idempotent_batch(pid, 0, 4));
  CHECK(dup.error == kNone);
  CHECK(dup.base_offset == 4);
  CHECK(produce_one(c, "kept", 0, idempotent_batch(pid, 0, 6)).error == kOutOfOrder);
  CHECK(log_end_offset(c, "kept") == 5);
}

TEST_CASE("producer state expires after producer.id.expiration.ms") {
  RunningBroker b(Properties{{"producer.id.expiration.ms", "1000"},
                             {"log.retention.check.interval.ms", "100"}});
  TestClient c(b.port());
  create_topic(c, "expiry");
  int64_t pid = new_producer(c);
  REQUIRE(produce_one(c, "expiry", 0, idempotent_batch(pid, 0, 0)).error == kNone);
  CHECK(produce_one(c, "expiry", 0, idempotent_batch(pid, 0, 7)).error == kOutOfOrder);
  // Once the state is gone any sequence is accepted again (and a retry is appended anew).
  auto start = std::chrono::steady_clock::now();
  int16_t error = kOutOfOrder;
  while (error != kNone && std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    error = produce_one(c, "expiry", 0, idempotent_batch(pid, 0, 7)).error;
  }
  CHECK(error == kNone);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(800));
  CHECK(log_end_offset(c, "expiry") == 2);
}

TEST_CASE("producer.id.expiration.ms is validated") {
  for (const char* bad : {"0", "-5", "abc", "3000000000"}) {
    auto config = BrokerConfig::from_properties(Properties{{"producer.id.expiration.ms", bad}});
    CHECK_FALSE(config.ok());
  }
  auto ok = BrokerConfig::from_properties(Properties{{"producer.id.expiration.ms", "60000"}});
  REQUIRE(ok.ok());
  CHECK(ok->producer_id_expiration_ms == 60000);
  CHECK(BrokerConfig{}.producer_id_expiration_ms == 86400000);
}

}  // namespace
}  // namespace kafkit::broker::test
