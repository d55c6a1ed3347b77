#pragma once
// Inputs for the codec tests: compressible record-like text and incompressible noise.
#include <cstdint>
#include <random>
#include <string>

#include "protocol/types.hpp"

namespace codec_test {

using kafkit::protocol::Bytes;

/// Log-like lines with repeated words and varying numbers, `n` bytes.
inline Bytes log_lines(size_t n, uint32_t seed = 1) {
  static const char* const words[] = {"GET", "POST",  "/api/v1/orders", "/health", "200",
                                      "404", "user=", "latency_ms=",    "INFO",    "WARN"};
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) {
    s += "2024-05-01T12:" + std::to_string(rng() % 60) + " ";
    for (int i = 0; i < 6; ++i)
      s += std::string(words[rng() % 10]) + std::to_string(rng() % 1000) + ' ';
    s += '\n';
  }
  s.resize(n);
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = std::byte(s[i]);
  return b;
}

inline Bytes noise(size_t n, uint32_t seed = 2) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = std::byte(rng());
  return b;
}

inline Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes r = a;
  r.insert(r.end(), b.begin(), b.end());
  return r;
}

}  // namespace codec_test
