#pragma once
// Deterministic pseudo-random values for generated messages (round-trip tests, fuzz seeds,
// benchmarks). SplitMix64: tiny, fast and reproducible from one seed.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "protocol/types.hpp"

namespace kafkit::protocol {

class RandomSource {
 public:
  explicit RandomSource(uint64_t seed) noexcept : state_(seed) {}

  uint64_t next() noexcept {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) noexcept { return n == 0 ? 0 : next() % n; }
  bool chance(unsigned one_in) noexcept { return below(one_in) == 0; }

  /// Integers favour edge values (0, -1, min, max) a quarter of the time.
  template <class T>
  T integer() noexcept {
    switch (below(8)) {
      case 0:
        return T(0);
      case 1:
        return T(-1);
      case 2:
        return std::numeric_limits<T>::min();
      case 3:
        return std::numeric_limits<T>::max();
      default:
        return static_cast<T>(next());
    }
  }
  bool boolean() noexcept { return (next() & 1) != 0; }
  double float64() noexcept {
    return static_cast<double>(static_cast<int64_t>(next() >> 11)) / 1024.0;
  }
  Uuid uuid() noexcept;
  std::string string();
  Bytes bytes();
  /// A small element count for arrays (hostile: now and then up to 15).
  size_t count() noexcept { return hostile_ && chance(16) ? below(16) : below(4); }

  /// Hostile values for protocol fuzzing (kafkit-fuzz): strings and bytes are now and then
  /// empty or near the INT16 string limit, arrays sometimes longer. Off by default, so
  /// round-trip tests and seeds keep their small messages.
  void set_hostile(bool on) noexcept { hostile_ = on; }

 private:
  uint64_t state_;
  bool hostile_ = false;
};

}  // namespace kafkit::protocol
