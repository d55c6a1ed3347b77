// CRC-32C with the SSE4.2 crc32 instruction. The instruction has a latency of three cycles
// but can start one per cycle, so one dependent chain runs at a third of the possible
// speed. Long inputs are therefore cut into chunks of three equal stripes whose CRCs are
// computed side by side and then joined: crc(A‖B‖C) = A·x^(16n) ⊕ B·x^(8n) ⊕ C (mod P) for
// stripes of n bytes, where the two multiplications are carry-less multiplies (pclmulqdq)
// by constants from crc32c_math.hpp, reduced by one more crc32 instruction.
//
// The functions carry target attributes, so the rest of the build needs no -msse4.2 and the
// file compiles to nothing on other architectures.
#include "protocol/codec/crc32c_kernels.hpp"

#if defined(__x86_64__)

#include <immintrin.h>

#include <cstring>

#include "protocol/codec/crc32c_math.hpp"

namespace kafkit::protocol::detail {

namespace {

// Stripe sizes: long stripes amortise the join (about a dozen cycles); the shorter ones
// keep three chains busy on inputs of a few hundred bytes down to 192.
constexpr size_t long_stripe = 8192;
constexpr size_t short_stripe = 256;
constexpr size_t tiny_stripe = 64;

#define KAFKIT_CRC_TARGET __attribute__((target("sse4.2,pclmul")))

KAFKIT_CRC_TARGET inline uint64_t load64(const std::byte* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// s·K reduced: see crc32c_math::shift_constant for why this multiplies by x^(8·bytes).
KAFKIT_CRC_TARGET inline __m128i clmul(uint32_t s, uint32_t k) noexcept {
  return _mm_clmulepi64_si128(_mm_cvtsi32_si128(static_cast<int>(s)),
                              _mm_cvtsi32_si128(static_cast<int>(k)), 0x00);
}

// Runs whole chunks of three `Stripe`-byte stripes, advancing `p` and `n`.
template <size_t Stripe>
KAFKIT_CRC_TARGET inline uint32_t three_way(uint32_t crc, const std::byte*& p, size_t& n) noexcept {
  constexpr uint32_t k1 = crc32c_math::shift_constant(Stripe);
  constexpr uint32_t k2 = crc32c_math::shift_constant(2 * Stripe);
  for (; n >= 3 * Stripe; n -= 3 * Stripe, p += 3 * Stripe) {
    uint64_t a = crc, b = 0, c = 0;
    for (size_t i = 0; i < Stripe; i += 8) {
      a = _mm_crc32_u64(a, load64(p + i));
      b = _mm_crc32_u64(b, load64(p + Stripe + i));
      c = _mm_crc32_u64(c, load64(p + 2 * Stripe + i));
    }
    __m128i joined =
        _mm_xor_si128(clmul(static_cast<uint32_t>(a), k2), clmul(static_cast<uint32_t>(b), k1));
    uint64_t folded = static_cast<uint64_t>(_mm_cvtsi128_si64(joined));
    crc = static_cast<uint32_t>(_mm_crc32_u64(0, folded)) ^ static_cast<uint32_t>(c);
  }
  return crc;
}

}  // namespace

bool cpu_has_sse42_crc() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("pclmul");
}

KAFKIT_CRC_TARGET uint32_t crc32c_sse42(uint32_t crc, const std::byte* p, size_t n) noexcept {
  crc = three_way<long_stripe>(crc, p, n);
  crc = three_way<short_stripe>(crc, p, n);
  crc = three_way<tiny_stripe>(crc, p, n);
  uint64_t c = crc;
  for (; n >= 8; n -= 8, p += 8) c = _mm_crc32_u64(c, load64(p));
  crc = static_cast<uint32_t>(c);
  for (; n > 0; --n, ++p) crc = _mm_crc32_u8(crc, static_cast<uint8_t>(*p));
  return crc;
}

#undef KAFKIT_CRC_TARGET

}  // namespace kafkit::protocol::detail

#endif  // __x86_64__
