#pragma once
// Wall-clock milliseconds since the epoch: what record timestamps mean in Kafka.
#include <chrono>
#include <cstdint>

namespace kafkit {

inline std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace kafkit
