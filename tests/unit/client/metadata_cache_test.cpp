// MetadataCache and IdempotenceState: the client's pure bookkeeping.
#include <doctest/doctest.h>

#include "client/cluster/metadata_cache.hpp"
#include "client/producer/idempotence_state.hpp"

using namespace kafkit;
using namespace kafkit::client;

namespace {

using Response = protocol::MetadataResponse;

struct P {
  std::int32_t index;
  std::int32_t leader;
  std::int32_t epoch;
  std::int16_t error = 0;
};

Response response(std::vector<std::int32_t> brokers, const std::string& topic, std::vector<P> parts,
                  std::int16_t topic_error = 0) {
  Response r;
  for (std::int32_t id : brokers) {
    Response::MetadataResponseBroker b;
    b.node_id = id;
    b.host = "host" + std::to_string(id);
    b.port = 9000 + id;
    r.brokers.push_back(b);
  }
  Response::MetadataResponseTopic t;
  t.name = topic;
  t.error_code = topic_error;
  for (const P& p : parts) {
    Response::MetadataResponsePartition mp;
    mp.partition_index = p.index;
    mp.leader_id = p.leader;
    mp.leader_epoch = p.epoch;
    mp.error_code = p.error;
    t.partitions.push_back(mp);
  }
  r.topics.push_back(std::move(t));
  return r;
}

}  // namespace

TEST_CASE("MetadataCache: partition indexes past those listed are ignored (hostile broker)") {
  // Found by kafkit-fuzz proxy and by client-responses-fuzzer: INT32_MAX overflowed the
  // partition count and was written past the table; a huge index made it allocate gigabytes.
  MetadataCache cache;
  cache.update(response({1}, "t", {{0, 1, 5}, {INT32_MAX, 1, 5}}));
  REQUIRE(cache.topic("t") != nullptr);
  CHECK(cache.topic("t")->partitions.size() == 1);
  CHECK(cache.leader("t", 0) == 1);
  cache.update(response({1}, "t", {{1000000000, 1, 5}, {-7, 1, 5}, {1, 1, 6}}));
  REQUIRE(cache.topic("t") != nullptr);
  CHECK(cache.topic("t")->partitions.size() == 2);
  CHECK(cache.leader("t", 0) == -1);
  CHECK(cache.leader("t", 1) == 1);
  CHECK(cache.leader("t", INT32_MAX) == -1);
  // Listed out of order, every index below the count is kept.
  cache.update(response({1}, "t", {{2, 1, 5}, {0, 1, 5}, {1, 1, 5}}));
  CHECK(cache.topic("t")->partitions.size() == 3);
  CHECK(cache.leader("t", 2) == 1);
}

TEST_CASE("MetadataCache: brokers and leaders") {
  MetadataCache cache;
  CHECK(cache.leader("t", 0) == -1);
  CHECK(cache.topic("t") == nullptr);
  cache.update(response({1, 2}, "t", {{0, 1, 5}, {1, 2, 5}}));
  CHECK(cache.version() == 1);
  REQUIRE(cache.brokers().size() == 2);
  REQUIRE(cache.broker(2) != nullptr);
  CHECK(cache.broker(2)->host == "host2");
  CHECK(cache.broker(2)->port == 9002);
  CHECK(cache.broker(3) == nullptr);
  CHECK(cache.leader("t", 0) == 1);
  CHECK(cache.leader("t", 1) == 2);
  CHECK(cache.leader("t", 2) == -1);
  CHECK(cache.leader("t", -1) == -1);
  CHECK(cache.leader("other", 0) == -1);
  REQUIRE(cache.topic("t") != nullptr);
  CHECK(cache.topic("t")->partitions.size() == 2);

  // The broker list is replaced by every answer: a leader that is no longer listed is
  // unknown.
  cache.update(response({1}, "t", {{0, 1, 5}, {1, 2, 5}}));
  CHECK(cache.brokers().size() == 1);
  CHECK(cache.leader("t", 1) == -1);
  CHECK(cache.leader("t", 0) == 1);
}

TEST_CASE("MetadataCache: a partition's leader epoch never goes backwards") {
  MetadataCache cache;
  cache.update(response({1, 2}, "t", {{0, 1, 7}, {1, 1, 3}}));
  // A stale broker still thinks partition 0 is led by 2 at epoch 6.
  cache.update(response({1, 2}, "t", {{0, 2, 6}, {1, 2, 4}}));
  CHECK(cache.leader("t", 0) == 1);
  CHECK(cache.topic("t")->partitions[0].leader_epoch == 7);
  CHECK(cache.leader("t", 1) == 2);  // a newer epoch is taken
  CHECK(cache.topic("t")->partitions[1].leader_epoch == 4);
  // The same epoch is taken as given (the leader may have been invalidated meanwhile).
  cache.update(response({1, 2}, "t", {{0, 1, 7}, {1, 2, 4}}));
  CHECK(cache.leader("t", 0) == 1);
}

TEST_CASE("MetadataCache: invalidate_leader until the next answer") {
  MetadataCache cache;
  cache.update(response({1, 2}, "t", {{0, 1, 3}}));
  cache.invalidate_leader("t", 0);
  CHECK(cache.leader("t", 0) == -1);
  // Out of range and unknown topics are ignored.
  cache.invalidate_leader("t", 5);
  cache.invalidate_leader("t", -1);
  cache.invalidate_leader("nope", 0);
  // An older answer does not bring back the leader it had before.
  cache.update(response({1, 2}, "t", {{0, 2, 2}}));
  CHECK(cache.leader("t", 0) == -1);
  cache.update(response({1, 2}, "t", {{0, 2, 4}}));
  CHECK(cache.leader("t", 0) == 2);
}

TEST_CASE("MetadataCache: partition count grows; topic errors are kept") {
  MetadataCache cache;
  cache.update(response({1}, "t", {{0, 1, 0}}));
  cache.update(response({1}, "t", {{0, 1, 0}, {1, 1, 0}, {2, 1, 0}}));
  CHECK(cache.topic("t")->partitions.size() == 3);
  CHECK(cache.leader("t", 2) == 1);
  cache.update(response({1}, "u", {}, 3));
  REQUIRE(cache.topic("u") != nullptr);
  CHECK(cache.topic("u")->error == 3);
  CHECK(cache.topic("t") != nullptr);  // an answer about u leaves t as it was
}

TEST_CASE("IdempotenceState: sequence order across the wrap") {
  CHECK(IdempotenceState::sequence_before(0, 1));
  CHECK_FALSE(IdempotenceState::sequence_before(1, 0));
  CHECK_FALSE(IdempotenceState::sequence_before(7, 7));
  CHECK(IdempotenceState::sequence_before(INT32_MAX, 0));  // 0 follows INT32_MAX
  CHECK(IdempotenceState::sequence_before(INT32_MAX - 10, 20));
  CHECK_FALSE(IdempotenceState::sequence_before(20, INT32_MAX - 10));
  CHECK(IdempotenceState::sequence_after(INT32_MAX - 1, 3) == 1);
  CHECK(IdempotenceState::sequence_before(INT32_MAX - 1,
                                          IdempotenceState::sequence_after(INT32_MAX - 1, 3)));
}

TEST_CASE("IdempotenceState: sequences per partition, wrap at INT32_MAX, reset per epoch") {
  IdempotenceState s;
  CHECK_FALSE(s.has_producer_id());
  s.set_producer(1000, 0);
  CHECK(s.has_producer_id());
  CHECK(s.producer_id() == 1000);
  CHECK(s.producer_epoch() == 0);
  CHECK(s.assign("t", 0, 10) == 0);
  CHECK(s.assign("t", 0, 5) == 10);
  CHECK(s.assign("t", 1, 3) == 0);  // each partition has its own
  CHECK(s.assign("u", 0, 1) == 0);  // and each topic
  CHECK(s.assign("t", 0, 1) == 15);
  CHECK(s.assign("t", 1, 1) == 3);

  SUBCASE("wraps from INT32_MAX to 0") {
    // Walk partition 2 up to just below the limit in big steps.
    std::int32_t next = 0;
    while (INT32_MAX - next > 1000000000) next = s.assign("t", 2, 1000000000) + 1000000000;
    std::int32_t left = INT32_MAX - next;  // records until INT32_MAX is the last sequence
    CHECK(s.assign("t", 2, left) == next);
    CHECK(s.assign("t", 2, 1) == INT32_MAX);
    CHECK(s.assign("t", 2, 4) == 0);
    CHECK(s.assign("t", 2, 1) == 4);
    // A batch that straddles the wrap: the next one starts past 0.
    IdempotenceState w;
    w.set_producer(1, 0);
    (void)w.assign("t", 0, INT32_MAX - 1);  // next is INT32_MAX - 1
    CHECK(w.assign("t", 0, 3) == INT32_MAX - 1);
    CHECK(w.assign("t", 0, 1) == 1);
  }
  SUBCASE("a new producer id or epoch starts every partition at 0") {
    s.set_producer(1000, 1);
    CHECK(s.producer_epoch() == 1);
    CHECK(s.assign("t", 0, 1) == 0);
    CHECK(s.assign("t", 1, 1) == 0);
    s.set_producer(2000, 0);
    CHECK(s.producer_id() == 2000);
    CHECK(s.assign("t", 0, 1) == 0);
  }
  SUBCASE("bump requests") {
    CHECK_FALSE(s.bump_needed());
    s.request_bump();
    CHECK(s.bump_needed());
    s.bump_done();
    CHECK_FALSE(s.bump_needed());
  }
}
