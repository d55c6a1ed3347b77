// CRC-32C: a run-time choice among the x86-64 kernels (carry-less folding, the crc32
// instruction) and a portable slicing-by-8 loop, plus the zlib CRC-32 of legacy messages.
#include "protocol/codec/crc32c.hpp"

#include <zlib.h>

#include <array>
#include <bit>
#include <cstring>

#include "protocol/codec/crc32c_kernels.hpp"
#include "protocol/codec/crc32c_math.hpp"

namespace kafkit::protocol {

namespace {

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// tables[k][b]: the register contribution of byte b followed by k zero bytes, so eight
// lookups advance the register by eight bytes at once (slicing-by-8).
constexpr Tables make_tables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int i = 0; i < 8; ++i) c = crc32c_math::times_x(c);
    t[0][b] = c;
  }
  for (size_t k = 1; k < 8; ++k)
    for (uint32_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
  return t;
}
constexpr Tables tables = make_tables();

uint64_t load_le64(const std::byte* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

uint32_t portable_raw(uint32_t crc, const std::byte* p, size_t n) noexcept {
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t w = load_le64(p) ^ crc;
    crc = tables[7][w & 0xFF] ^ tables[6][(w >> 8) & 0xFF] ^ tables[5][(w >> 16) & 0xFF] ^
          tables[4][(w >> 24) & 0xFF] ^ tables[3][(w >> 32) & 0xFF] ^ tables[2][(w >> 40) & 0xFF] ^
          tables[1][(w >> 48) & 0xFF] ^ tables[0][w >> 56];
  }
  for (; n > 0; --n, ++p) crc = (crc >> 8) ^ tables[0][(crc ^ uint32_t(*p)) & 0xFF];
  return crc;
}

using Kernel = uint32_t (*)(uint32_t, const std::byte*, size_t) noexcept;

// The fastest kernel this CPU runs, chosen once.
Kernel pick_kernel() noexcept {
#if defined(__x86_64__)
  if (detail::cpu_has_vpclmul_crc()) return detail::crc32c_vpclmul;
  if (detail::cpu_has_sse42_crc()) return detail::crc32c_sse42;
#endif
  return portable_raw;
}

Kernel kernel() noexcept {
  static const Kernel k = pick_kernel();
  return k;
}

}  // namespace

bool crc32c_hardware() noexcept {
  return kernel() != portable_raw;
}

const char* crc32c_implementation() noexcept {
#if defined(__x86_64__)
  if (kernel() == detail::crc32c_vpclmul) return "vpclmulqdq";
  if (kernel() == detail::crc32c_sse42) return "sse4.2";
#endif
  return "portable";
}

// The public value is the register inverted before and after (RFC 3720), so a running CRC
// can be passed back in as `crc` to continue over the next piece.
uint32_t crc32c(ByteView data, uint32_t crc) noexcept {
  return ~kernel()(~crc, data.data(), data.size());
}

uint32_t crc32c_portable(ByteView data, uint32_t crc) noexcept {
  return ~portable_raw(~crc, data.data(), data.size());
}

uint32_t crc32_ieee(ByteView data, uint32_t crc) noexcept {
  return static_cast<uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

}  // namespace kafkit::protocol
