#pragma once
// The x86-64 CRC-32C kernels behind crc32c(); each continues a raw (not inverted) register.
// Declared only on x86-64, and callable only after the matching cpu_has_* check.
#include <cstddef>
#include <cstdint>

namespace kafkit::protocol::detail {

#if defined(__x86_64__)
/// SSE4.2 crc32 and pclmulqdq: three interleaved crc32 streams (crc32c_sse42.cpp).
bool cpu_has_sse42_crc() noexcept;
uint32_t crc32c_sse42(uint32_t crc, const std::byte* data, size_t size) noexcept;

/// Additionally AVX-512F and VPCLMULQDQ: carry-less folding 256 bytes at a time for long
/// inputs, the SSE4.2 kernel for short ones (crc32c_vpclmul.cpp).
bool cpu_has_vpclmul_crc() noexcept;
uint32_t crc32c_vpclmul(uint32_t crc, const std::byte* data, size_t size) noexcept;
#endif

}  // namespace kafkit::protocol::detail
