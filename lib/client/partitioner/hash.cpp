#include "client/partitioner/hash.hpp"

#include "protocol/codec/crc32c.hpp"

namespace kafkit::client {

int32_t murmur2(protocol::ByteView key) noexcept {
  // All arithmetic is on uint32_t so it wraps like Java's int; `>>` on unsigned is Java's `>>>`.
  constexpr uint32_t seed = 0x9747b28c;
  constexpr uint32_t m = 0x5bd1e995;
  constexpr int r = 24;
  const size_t length = key.size();
  auto byte = [&](size_t i) { return static_cast<uint32_t>(std::to_integer<uint8_t>(key[i])); };

  uint32_t h = seed ^ static_cast<uint32_t>(length);
  const size_t words = length / 4;
  for (size_t i = 0; i < words; ++i) {
    const size_t at = i * 4;
    uint32_t k = byte(at) | (byte(at + 1) << 8) | (byte(at + 2) << 16) | (byte(at + 3) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= byte(tail + 2) << 16;
      [[fallthrough]];
    case 2:
      h ^= byte(tail + 1) << 8;
      [[fallthrough]];
    case 1:
      h ^= byte(tail);
      h *= m;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t java_key_partition(protocol::ByteView key, int32_t partition_count) noexcept {
  return to_positive(murmur2(key)) % partition_count;
}

uint32_t fnv1a(protocol::ByteView key) noexcept {
  constexpr uint32_t prime = 0x01000193;
  uint32_t h = 0x811C9DC5;
  for (std::byte b : key) {
    h ^= std::to_integer<uint8_t>(b);
    h *= prime;
  }
  // Absolute value of h read as int32; unsigned negation has the wrap-around of the C code.
  if (h & 0x80000000u) h = 0u - h;
  return h;
}

uint32_t crc32(protocol::ByteView key) noexcept {
  return protocol::crc32_ieee(key);
}

}  // namespace kafkit::client
