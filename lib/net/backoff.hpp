#pragma once
// Backoff: the delay before each reconnect attempt to a broker, with the semantics of
// `reconnect.backoff.ms` / `reconnect.backoff.max.ms`: the first delay is the initial
// value, each further attempt doubles it until the maximum, and every delay gets ±20%
// jitter so that many clients losing the same broker do not reconnect in lock step.
// The result never exceeds the maximum (jitter is clipped there), so "max" is a real bound.
//
// Pure and deterministic: the jitter comes from a caller-seeded std::mt19937_64, whose
// output sequence the standard fixes, turned into a factor by our own arithmetic (the
// std distributions differ between standard libraries). Not thread-safe; one per broker
// connection, owned by its loop thread.
#include <chrono>
#include <cstdint>
#include <random>

namespace kafkit::net {

class Backoff {
 public:
  static constexpr double kJitter = 0.2;

  /// Throws std::invalid_argument, naming the property, if `initial` is negative or
  /// `max` is smaller than `initial`.
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed);

  /// Delay before the next attempt; advances the attempt count.
  std::chrono::milliseconds next();
  /// After a successful connection: the next failure starts again at the initial delay.
  void reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }

  /// The un-jittered delay of attempt `attempt` (0-based): initial * 2^attempt, capped.
  std::chrono::milliseconds base_delay(int attempt) const;

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  int attempts_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace kafkit::net
