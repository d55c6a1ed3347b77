// Codec names and the dispatch to the per-codec files.
#include "protocol/codec/compression.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "protocol/codec/bounded_output.hpp"
#include "protocol/codec/codecs.hpp"

namespace kafkit::protocol {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

Error unknown_codec(CompressionCodec codec) {
  return Error{errc::unsupported, "unknown compression codec " +
                                      std::to_string(static_cast<int>(codec)) +
                                      " (attributes bits 0-2 must be 0-4)"};
}

}  // namespace

std::string_view codec_name(CompressionCodec c) noexcept {
  switch (c) {
    case CompressionCodec::none:
      return "none";
    case CompressionCodec::gzip:
      return "gzip";
    case CompressionCodec::snappy:
      return "snappy";
    case CompressionCodec::lz4:
      return "lz4";
    case CompressionCodec::zstd:
      return "zstd";
  }
  return "unknown";
}

// Case-insensitive, as librdkafka compares its enum-valued properties.
std::optional<CompressionCodec> parse_codec(std::string_view name) noexcept {
  for (auto c : {CompressionCodec::none, CompressionCodec::gzip, CompressionCodec::snappy,
                 CompressionCodec::lz4, CompressionCodec::zstd})
    if (iequals(name, codec_name(c))) return c;
  return std::nullopt;
}

Result<void> compress(CompressionCodec codec, ByteView in, Bytes& out,
                      const CompressOptions& options) {
  switch (codec) {
    case CompressionCodec::none:
      out.insert(out.end(), in.begin(), in.end());
      return {};
    case CompressionCodec::gzip:
      return detail::gzip_compress(in, out, options.level);
    case CompressionCodec::snappy:
      return detail::snappy_compress(in, out, options.snappy_xerial);
    case CompressionCodec::lz4:
      return detail::lz4_compress(in, out, options.level);
    case CompressionCodec::zstd:
      return detail::zstd_compress(in, out, options.level);
  }
  return unknown_codec(codec);
}

Result<void> decompress(CompressionCodec codec, ByteView in, Bytes& out, size_t max_output) {
  // codec_name() returns views of string literals, so .data() is NUL-terminated.
  detail::BoundedOutput sink(out, max_output, codec_name(codec).data());
  Result<void> r;
  switch (codec) {
    case CompressionCodec::none: {
      if (in.size() > sink.room()) return sink.limit_error();
      auto dst = sink.space(in.size());
      std::copy(in.begin(), in.end(), dst.begin());
      sink.advance(in.size());
      break;
    }
    case CompressionCodec::gzip:
      r = detail::gzip_decompress(in, sink);
      break;
    case CompressionCodec::snappy:
      r = detail::snappy_decompress(in, sink);
      break;
    case CompressionCodec::lz4:
      r = detail::lz4_decompress(in, sink);
      break;
    case CompressionCodec::zstd:
      r = detail::zstd_decompress(in, sink);
      break;
    default:
      return unknown_codec(codec);
  }
  if (r.ok()) sink.commit();
  return r;
}

}  // namespace kafkit::protocol
