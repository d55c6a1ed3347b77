#pragma once
// The record-batch compression codecs, both ways. Decompression never trusts the input:
// the output is capped (a decompression bomb is an error, not an allocation), and every
// malformed stream gives a clear error. All functions may be called from any thread at
// once: the codec contexts that are worth reusing are kept per thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/result.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

/// Values are the codec ids in bits 0-2 of the batch attributes.
enum class CompressionCodec : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

/// "none", "gzip", "snappy", "lz4", "zstd".
std::string_view codec_name(CompressionCodec c) noexcept;
/// The codec for a `compression.type` / `compression.codec` value; nullopt if unknown.
std::optional<CompressionCodec> parse_codec(std::string_view name) noexcept;

struct CompressOptions {
  /// Codec-specific level; 0 picks the codec's default (what the Java client uses).
  int level = 0;
  /// Snappy only: write the xerial framing that the Java client writes (and every Kafka
  /// reader accepts); false writes one raw snappy block, as librdkafka does.
  bool snappy_xerial = true;
};

/// Default cap on decompressed bytes per batch.
inline constexpr size_t default_max_decompressed_size = size_t(256) << 20;

/// Appends the compressed form of `in` to `out`.
Result<void> compress(CompressionCodec codec, ByteView in, Bytes& out,
                      const CompressOptions& options = {});

/// Appends the decompressed form of `in` to `out`; fails (leaving `out` as it was) when
/// the input is malformed or would decompress to more than `max_output` bytes.
/// gzip: any RFC 1952 stream (several members too). snappy: xerial-framed or a raw block.
/// lz4: LZ4 frames (also with the header checksum that Kafka 0.8/0.9 wrote for magic 0).
/// zstd: one or more frames, with or without a content size.
Result<void> decompress(CompressionCodec codec, ByteView in, Bytes& out,
                        size_t max_output = default_max_decompressed_size);

}  // namespace kafkit::protocol
