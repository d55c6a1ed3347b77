// xxHash32, written from the algorithm's published description (xxhash.com, "xxHash
// fast digest algorithm", XXH32). The LZ4 frame format uses it for its checksums; we only
// need it to recognise header checksums, so a plain byte-at-a-time reading is enough.
#include <bit>

#include "protocol/codec/codecs.hpp"

namespace kafkit::protocol::detail {

namespace {

constexpr uint32_t prime1 = 0x9E3779B1u;
constexpr uint32_t prime2 = 0x85EBCA77u;
constexpr uint32_t prime3 = 0xC2B2AE3Du;
constexpr uint32_t prime4 = 0x27D4EB2Fu;
constexpr uint32_t prime5 = 0x165667B1u;

uint32_t lane(const std::byte* p) noexcept {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint32_t round(uint32_t acc, uint32_t input) noexcept {
  return std::rotl(acc + input * prime2, 13) * prime1;
}

}  // namespace

uint32_t xxhash32(ByteView data, uint32_t seed) noexcept {
  const std::byte* p = data.data();
  size_t n = data.size();
  uint32_t h;
  if (n >= 16) {
    uint32_t v1 = seed + prime1 + prime2, v2 = seed + prime2, v3 = seed, v4 = seed - prime1;
    for (; n >= 16; n -= 16, p += 16) {
      v1 = round(v1, lane(p));
      v2 = round(v2, lane(p + 4));
      v3 = round(v3, lane(p + 8));
      v4 = round(v4, lane(p + 12));
    }
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
  } else {
    h = seed + prime5;
  }
  h += static_cast<uint32_t>(data.size());
  for (; n >= 4; n -= 4, p += 4) h = std::rotl(h + lane(p) * prime3, 17) * prime4;
  for (; n > 0; --n, ++p) h = std::rotl(h + uint32_t(*p) * prime5, 11) * prime1;
  h ^= h >> 15;
  h *= prime2;
  h ^= h >> 13;
  h *= prime3;
  h ^= h >> 16;
  return h;
}

}  // namespace kafkit::protocol::detail
