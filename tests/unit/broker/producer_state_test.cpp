// ProducerStateTable and its snapshot text without a broker: the KIP-98 sequence rules
// decided on batch headers alone, the 5-batch window, epoch changes, expiry by record
// time, and snapshots that round-trip or are refused when damaged.
#include <doctest/doctest.h>

#include <climits>

#include "broker/producer_state/producer_snapshot.hpp"
#include "broker/producer_state/producer_state_table.hpp"

namespace kafkit::broker {
namespace {

protocol::RecordBatchHeader batch(int64_t pid, int16_t epoch, int32_t seq, int32_t count = 1,
                                  int64_t ts = 1000) {
  protocol::RecordBatchHeader h;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = seq;
  h.record_count = count;
  h.last_offset_delta = count - 1;
  h.max_timestamp = ts;
  return h;
}

// Checks and, when the table says so, records at the next offset (as Produce does).
struct Partition {
  ProducerStateTable table;
  int64_t end = 0;

  SequenceVerdict send(const protocol::RecordBatchHeader& h) {
    SequenceVerdict v = table.check(h);
    if (v.append()) {
      table.record(h, end, end + h.record_count - 1, h.max_timestamp);
      end += h.record_count;
    }
    return v;
  }
};

TEST_CASE("last sequence wraps after INT32_MAX to 0") {
  CHECK(ProducerStateTable::last_sequence(0, 0) == 0);
  CHECK(ProducerStateTable::last_sequence(5, 4) == 9);
  CHECK(ProducerStateTable::last_sequence(INT32_MAX, 0) == INT32_MAX);
  CHECK(ProducerStateTable::last_sequence(INT32_MAX, 1) == 0);
  CHECK(ProducerStateTable::last_sequence(INT32_MAX - 1, 3) == 1);
}

TEST_CASE("only the last 5 batches are recognised as duplicates") {
  Partition p;
  for (int32_t s = 0; s < 8; ++s) REQUIRE(p.send(batch(7, 0, s)).append());
  for (int32_t s = 3; s < 8; ++s) {
    SequenceVerdict v = p.send(batch(7, 0, s));
    REQUIRE(v.duplicate);
    CHECK(v.error == ErrorCode::None);
    CHECK(v.duplicate->first_offset == s);
  }
  CHECK(p.send(batch(7, 0, 2)).error == ErrorCode::OutOfOrderSequenceNumber);
  CHECK(p.end == 8);
  REQUIRE(p.table.find(7) != nullptr);
  CHECK(p.table.find(7)->batches.size() == ProducerStateTable::kBatchesKept);
}

TEST_CASE("epochs: stale refused, a new one starts at 0 and forgets the old batches") {
  Partition p;
  REQUIRE(p.send(batch(1, 5, 0, 3)).append());
  CHECK(p.send(batch(1, 4, 3)).error == ErrorCode::InvalidProducerEpoch);
  CHECK(p.send(batch(1, 6, 3)).error == ErrorCode::OutOfOrderSequenceNumber);
  REQUIRE(p.send(batch(1, 6, 0, 2)).append());
  // A retry of the old epoch's batch is now stale, not a duplicate.
  CHECK(p.send(batch(1, 5, 0, 3)).error == ErrorCode::InvalidProducerEpoch);
  CHECK(p.table.find(1)->epoch == 6);
  CHECK(p.table.find(1)->batches.size() == 1);
  // A batch with a producer id but no sequence is invalid.
  CHECK(p.send(batch(1, 6, -1)).error == ErrorCode::InvalidRecord);
  // Unknown producers start anywhere.
  CHECK(p.send(batch(2, 0, 42)).append());
  CHECK(p.send(batch(2, 0, 44)).error == ErrorCode::OutOfOrderSequenceNumber);
  CHECK(p.send(batch(2, 0, 43)).append());
}

TEST_CASE("expiry is by the newest record time and never overflows on odd timestamps") {
  ProducerStateTable t;
  t.record(batch(1, 0, 0, 1, 1000), 0, 0, 1000);
  t.record(batch(2, 0, 0, 1, 5000), 1, 1, 5000);
  t.record(batch(3, 0, 0, 1, INT64_MIN), 2, 2, INT64_MIN);
  t.record(batch(4, 0, 0, 1, INT64_MAX), 3, 3, INT64_MAX);
  t.mark_saved(4);
  CHECK(t.expire(5999, 1000) == 2);  // 1 (5999-1000 >= 1000) and 3
  CHECK(t.dirty());
  CHECK(t.find(1) == nullptr);
  CHECK(t.find(2) != nullptr);
  CHECK(t.find(4) != nullptr);
  CHECK(t.expire(6000, 1000) == 1);
  CHECK(t.find(2) == nullptr);
}

TEST_CASE("snapshots round-trip; damaged ones are refused") {
  ProducerStateTable t;
  for (int32_t s = 0; s < 7; ++s)
    t.record(batch(9, 2, s * 2, 2, 100 + s), s * 2, s * 2 + 1, 100 + s);
  t.record(batch(3, 0, INT32_MAX, 2), 14, 15, 77);
  std::string text = encode_producer_snapshot(t, 16);
  auto back = decode_producer_snapshot(text);
  REQUIRE(back.ok());
  CHECK(back->second == 16);
  CHECK(back->first.entries() == t.entries());
  CHECK_FALSE(back->first.snapshot_due(16));
  CHECK(back->first.snapshot_due(17));

  CHECK_FALSE(decode_producer_snapshot("").ok());
  CHECK_FALSE(decode_producer_snapshot(text.substr(0, text.size() / 2)).ok());
  std::string flipped = text;
  flipped[text.find("p 9") + 2] = '8';
  CHECK_FALSE(decode_producer_snapshot(flipped).ok());
  CHECK_FALSE(decode_producer_snapshot(text + "p 1 0 0 0\n").ok());
}

}  // namespace
}  // namespace kafkit::broker
