#include "net/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace kafkit::net {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max,
                 std::uint64_t seed)
    : initial_(initial), max_(max), rng_(seed) {
  if (initial.count() < 0) {
    throw std::invalid_argument("reconnect.backoff.ms must be >= 0, got " +
                                std::to_string(initial.count()));
  }
  if (max < initial) {
    throw std::invalid_argument("reconnect.backoff.max.ms (" + std::to_string(max.count()) +
                                ") must be >= reconnect.backoff.ms (" +
                                std::to_string(initial.count()) + ")");
  }
}

std::chrono::milliseconds Backoff::base_delay(int attempt) const {
  // Double step by step and stop at the cap, so no shift can overflow however many
  // attempts a long outage accumulates.
  std::int64_t delay = initial_.count();
  for (int i = 0; i < attempt && delay < max_.count(); ++i) {
    delay = delay > max_.count() / 2 ? max_.count() : delay * 2;
  }
  return std::chrono::milliseconds(std::min<std::int64_t>(delay, max_.count()));
}

std::chrono::milliseconds Backoff::next() {
  auto base = base_delay(attempts_);
  if (attempts_ < 64) ++attempts_;  // base_delay saturates long before; keeps int in range
  // 53 random bits -> uniform u in [0, 1) -> factor in [1 - jitter, 1 + jitter).
  double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  double factor = 1.0 - kJitter + 2.0 * kJitter * u;
  auto jittered =
      static_cast<std::int64_t>(std::llround(static_cast<double>(base.count()) * factor));
  return std::chrono::milliseconds(std::clamp<std::int64_t>(jittered, 0, max_.count()));
}

}  // namespace kafkit::net
