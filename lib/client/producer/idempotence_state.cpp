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
  // The broker compares sequences modulo 2^31: after INT32_MAX comes 0.
  std::int64_t after = static_cast<std::int64_t>(next) + records;
  next = static_cast<std::int32_t>(after > INT32_MAX ? after - INT32_MAX - 1 : after);
  return first;
}

}  // namespace kafkit::client
