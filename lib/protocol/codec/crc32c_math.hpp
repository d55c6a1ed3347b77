#pragma once
// GF(2) arithmetic modulo the CRC-32C polynomial, used to derive the constants that join
// CRCs of neighbouring blocks computed in parallel. Everything is constexpr, so the
// constants are computed by the compiler from first principles rather than pasted in.
//
// Bit order is the one the crc32 instruction and the reflected table algorithm use: bit 31
// of a word holds the coefficient of x^0 and bit 0 the coefficient of x^31.
#include <cstdint>

namespace kafkit::protocol::crc32c_math {

/// P(x) without its x^32 term, reflected (Castagnoli, RFC 3720 B.4).
inline constexpr uint32_t reflected_poly = 0x82F63B78u;

/// a·x mod P.
constexpr uint32_t times_x(uint32_t a) noexcept {
  return (a >> 1) ^ ((a & 1u) ? reflected_poly : 0u);
}

/// a·b mod P (Horner over b's coefficients, highest degree first).
constexpr uint32_t multiply(uint32_t a, uint32_t b) noexcept {
  uint32_t r = 0;
  for (int bit = 0; bit < 32; ++bit) {  // bit 0 = coefficient of x^31
    r = times_x(r);
    if ((b >> bit) & 1u) r ^= a;
  }
  return r;
}

/// x^n mod P by square-and-multiply.
constexpr uint32_t x_pow(uint64_t n) noexcept {
  uint32_t result = 0x80000000u;  // 1
  uint32_t base = 0x40000000u;    // x
  for (; n != 0; n >>= 1) {
    if (n & 1u) result = multiply(result, base);
    base = multiply(base, base);
  }
  return result;
}

/// The constant K with which clmul(s, K) fed through crc32(0, ·) gives s·x^(8·bytes) mod P.
///
/// clmul of two 32-bit reflected operands yields their 63-bit product one position short
/// of 64-bit reflected order, i.e. it reads as s·K·x; crc32(0, v) computes v·x^32 mod P.
/// Together that is s·K·x^33, so K = x^(8·bytes − 33).
constexpr uint32_t shift_constant(uint64_t bytes) noexcept {
  return x_pow(8 * bytes - 33);
}

/// What appending `bytes` zero bytes does to a raw (not inverted) CRC register.
constexpr uint32_t shift(uint32_t crc, uint64_t bytes) noexcept {
  return multiply(crc, x_pow(8 * bytes));
}

/// Folding constants for a 128-bit accumulator A = q0·x^64 + q1 (q0 the first eight bytes,
/// which carry the higher powers) moved `bits` further along the message: A·x^bits ≡
/// clmul(q0, high)·x^33 ⊕ clmul(q1, low)·x^33, the x^33 again being the clmul offset
/// plus reading the 128-bit product in reflected order. So high = x^(bits+64−33) and
/// low = x^(bits−33).
struct FoldConstants {
  uint32_t high;
  uint32_t low;
};
constexpr FoldConstants fold_constants(uint64_t bits) noexcept {
  return {x_pow(bits + 31), x_pow(bits - 33)};
}

}  // namespace kafkit::protocol::crc32c_math
