#pragma once
// Checksums of the record formats: CRC-32C (Castagnoli) over RecordBatch v2 from the
// attributes field to the end, and CRC-32 (IEEE) over legacy v0/v1 messages.
#include <cstdint>

#include "protocol/types.hpp"

namespace kafkit::protocol {

/// CRC-32C of `data`, continuing from `crc` (0 to start). Uses the CPU's crc32
/// instruction (SSE4.2) when it has one, or carry-less multiplication (AVX-512 VPCLMULQDQ)
/// where that is faster, chosen at run time; same result either way.
uint32_t crc32c(ByteView data, uint32_t crc = 0) noexcept;
/// The table-driven implementation, identical in result; exposed for tests and benchmarks.
uint32_t crc32c_portable(ByteView data, uint32_t crc = 0) noexcept;
/// True when crc32c() uses hardware instructions on this CPU.
bool crc32c_hardware() noexcept;
/// Which implementation crc32c() uses here: "vpclmulqdq" (carry-less folding, AVX-512),
/// "sse4.2" (the crc32 instruction) or "portable".
const char* crc32c_implementation() noexcept;

/// CRC-32 (IEEE 802.3, as zlib computes it) for magic 0/1 messages.
uint32_t crc32_ieee(ByteView data, uint32_t crc = 0) noexcept;

}  // namespace kafkit::protocol
