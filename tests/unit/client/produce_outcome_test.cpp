// The sender's verdicts on Produce answers: what is delivered, retried, or ends in an
// epoch bump.
#include <doctest/doctest.h>

#include "client/producer/produce_outcome.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::client {
namespace {

using protocol::ErrorCode;

int code(ErrorCode c) {
  return static_cast<int>(c);
}

TEST_CASE(
    "decide_produce: an out-of-order answer bumps the epoch unless an older batch explains it") {
  int out_of_order = code(ErrorCode::OutOfOrderSequenceNumber);
  // Behind an older batch of ours waiting to be resent: resending in order fixes it.
  auto behind = decide_produce(out_of_order, false, true, true);
  CHECK(behind.verdict == ProduceVerdict::retry);
  CHECK_FALSE(behind.bump_epoch);
  // Nothing older waits (the broker holds later batches of ours): every resend would get
  // the same answer until delivery.timeout.ms. Only a new epoch moves on.
  auto alone = decide_produce(out_of_order, false, true, false);
  CHECK(alone.verdict == ProduceVerdict::retry);
  CHECK(alone.bump_epoch);
  // The other sequence errors always mean the broker's state and ours differ.
  for (ErrorCode c : {ErrorCode::UnknownProducerId, ErrorCode::InvalidProducerEpoch}) {
    auto d = decide_produce(code(c), false, true, true);
    CHECK(d.verdict == ProduceVerdict::retry);
    CHECK(d.bump_epoch);
  }
  // Without idempotence there are no sequences to fix.
  auto plain = decide_produce(out_of_order, false, false, false);
  CHECK_FALSE(plain.bump_epoch);
}

TEST_CASE("decide_produce: delivered, duplicates, retriable and final errors") {
  CHECK(decide_produce(0, false, true, false).verdict == ProduceVerdict::delivered);
  auto dup = decide_produce(code(ErrorCode::DuplicateSequenceNumber), false, true, false);
  CHECK(dup.verdict == ProduceVerdict::delivered);
  CHECK(dup.duplicate);
  auto moved = decide_produce(code(ErrorCode::NotLeaderOrFollower), false, true, false);
  CHECK(moved.verdict == ProduceVerdict::retry);
  CHECK(moved.refresh_metadata);
  CHECK_FALSE(moved.possibly_persisted);
  auto timed_out = decide_produce(code(ErrorCode::RequestTimedOut), false, true, false);
  CHECK(timed_out.verdict == ProduceVerdict::retry);
  CHECK(timed_out.possibly_persisted);
  CHECK(decide_produce(code(ErrorCode::InvalidRecord), false, true, false).verdict ==
        ProduceVerdict::failed);
}

}  // namespace
}  // namespace kafkit::client
