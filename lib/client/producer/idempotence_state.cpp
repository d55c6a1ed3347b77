#include "client/producer/idempotence_state.hpp"

#include <climits>

namespace kafkit::client {

void IdempotenceState::set_producer(std::int64_t producer_id, std::int16_t epoch) {
  producer_id_ = producer_id;
  epoch_ = epoch;
  next_.clear();
}

std::int32_t IdempotenceState::assign(const std::string& topic, std::int32_t partition,
                                      std::int32_t records) {
  std::int32_t& next = next_[{topic, partition}];
  std::int32_t first = next;
  next = sequence_after(first, records);
  return first;
}

std::int32_t IdempotenceState::sequence_after(std::int32_t first, std::int32_t records) {
  // The broker compares sequences modulo 2^31: after INT32_MAX comes 0.
  std::int64_t after = static_cast<std::int64_t>(first) + records;
  return static_cast<std::int32_t>(after > INT32_MAX ? after - INT32_MAX - 1 : after);
}

bool IdempotenceState::sequence_before(std::int32_t a, std::int32_t b) {
  constexpr std::int64_t kSpace = std::int64_t{INT32_MAX} + 1;
  std::int64_t distance = ((std::int64_t{b} - a) % kSpace + kSpace) % kSpace;
  return distance > 0 && distance < kSpace / 2;
}

}  // namespace kafkit::client
