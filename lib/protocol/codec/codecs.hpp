#pragma once
// The per-codec halves behind compress()/decompress() (compression.cpp dispatches).
// Compressors append to `out`; decompressors write through a BoundedOutput, which enforces
// the size limit and restores `out` on failure.
#include <cstdint>

#include "common/result.hpp"
#include "protocol/codec/bounded_output.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol::detail {

Result<void> gzip_compress(ByteView in, Bytes& out, int level);
Result<void> gzip_decompress(ByteView in, BoundedOutput& out);

Result<void> snappy_compress(ByteView in, Bytes& out, bool xerial);
Result<void> snappy_decompress(ByteView in, BoundedOutput& out);

Result<void> lz4_compress(ByteView in, Bytes& out, int level);
Result<void> lz4_decompress(ByteView in, BoundedOutput& out);

Result<void> zstd_compress(ByteView in, Bytes& out, int level);
Result<void> zstd_decompress(ByteView in, BoundedOutput& out);

/// xxHash32 (the LZ4 frame format's checksum), needed to recognise the header checksum
/// byte that Kafka 0.8/0.9 computed wrongly.
uint32_t xxhash32(ByteView data, uint32_t seed) noexcept;

/// The LZ4 frame header checksum byte for a header starting with the magic number:
/// `correct` hashes the frame descriptor only (the LZ4 frame format), `legacy` also hashes
/// the 4 magic bytes, as Kafka 0.8/0.9 did (KIP-57). `header_without_hc` is the complete
/// header up to the checksum byte: magic, FLG, BD, optional content size and dictionary id.
struct Lz4HeaderChecksums {
  uint8_t correct;
  uint8_t legacy;
};
Lz4HeaderChecksums lz4_header_checksums(ByteView header_without_hc) noexcept;

}  // namespace kafkit::protocol::detail
