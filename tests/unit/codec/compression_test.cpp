// Round trips for every codec, the framings other writers use, and the failure behaviour
// promised by compression.hpp: errors that name the codec, the output limit, and `out`
// left as it was.
#include <doctest/doctest.h>

#include <string>

#include "codec_samples.hpp"
#include "protocol/codec/compression.hpp"

using namespace kafkit::protocol;
using codec_test::concat;
using codec_test::log_lines;
using codec_test::noise;

namespace {

constexpr CompressionCodec all_codecs[] = {CompressionCodec::none, CompressionCodec::gzip,
                                           CompressionCodec::snappy, CompressionCodec::lz4,
                                           CompressionCodec::zstd};
constexpr CompressionCodec real_codecs[] = {CompressionCodec::gzip, CompressionCodec::snappy,
                                            CompressionCodec::lz4, CompressionCodec::zstd};

Bytes packed(CompressionCodec c, const Bytes& in, CompressOptions o = {}) {
  Bytes out;
  auto r = compress(c, in, out, o);
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  return out;
}

Bytes unpacked(CompressionCodec c, ByteView in, size_t limit = default_max_decompressed_size) {
  Bytes out;
  auto r = decompress(c, in, out, limit);
  REQUIRE_MESSAGE(r.ok(), codec_name(c) << ": " << r.error().message);
  return out;
}

std::string failure(CompressionCodec c, ByteView in, size_t limit = default_max_decompressed_size) {
  Bytes out = {std::byte{'x'}, std::byte{'y'}};
  auto r = decompress(c, in, out, limit);
  REQUIRE_FALSE(r.ok());
  CHECK(out == Bytes{std::byte{'x'}, std::byte{'y'}});  // left as it was
  CHECK(r.error().message.rfind(std::string(codec_name(c)) + ": ", 0) == 0);
  return r.error().message;
}

}  // namespace

TEST_CASE("codec names") {
  for (auto c : all_codecs) CHECK(parse_codec(codec_name(c)) == c);
  CHECK(parse_codec("LZ4") == CompressionCodec::lz4);
  CHECK(parse_codec("Zstd") == CompressionCodec::zstd);
  CHECK(parse_codec("brotli") == std::nullopt);
  CHECK(parse_codec("") == std::nullopt);
  CHECK(parse_codec("gzip2") == std::nullopt);
}

TEST_CASE("every codec round-trips at every size that matters to its framing") {
  // 32 KiB is the xerial chunk, 64 KiB the lz4 block; 0 and 1 are the edges.
  for (size_t n : {size_t(0), size_t(1), size_t(100), size_t(32767), size_t(32768), size_t(32769),
                   size_t(65536), size_t(65537), size_t(300000)}) {
    for (const Bytes& in : {log_lines(n), noise(n)}) {
      for (auto c : all_codecs) {
        CAPTURE(codec_name(c));
        CAPTURE(n);
        Bytes z = packed(c, in);
        CHECK(unpacked(c, z) == in);
      }
      Bytes raw = packed(CompressionCodec::snappy, in, {.level = 0, .snappy_xerial = false});
      CHECK(unpacked(CompressionCodec::snappy, raw) == in);
    }
  }
}

TEST_CASE("compression levels") {
  Bytes in = log_lines(200000);
  struct Case {
    CompressionCodec codec;
    int level;
    bool ok;
  } cases[] = {{CompressionCodec::gzip, 1, true},   {CompressionCodec::gzip, 9, true},
               {CompressionCodec::gzip, 10, false}, {CompressionCodec::gzip, -1, false},
               {CompressionCodec::lz4, 1, true},    {CompressionCodec::lz4, 9, true},
               {CompressionCodec::lz4, 17, true},   {CompressionCodec::lz4, 18, false},
               {CompressionCodec::zstd, -5, true},  {CompressionCodec::zstd, 19, true},
               {CompressionCodec::zstd, 23, false}, {CompressionCodec::snappy, 99, true}};
  for (auto& k : cases) {
    CAPTURE(codec_name(k.codec));
    CAPTURE(k.level);
    Bytes out = {std::byte{1}};
    auto r = compress(k.codec, in, out, {.level = k.level});
    CHECK(r.ok() == k.ok);
    if (r.ok()) {
      CHECK(unpacked(k.codec, ByteView(out).subspan(1)) == in);
    } else {
      CHECK(r.error().code == kafkit::errc::invalid_argument);
      CHECK(r.error().message.find("level") != std::string::npos);
      CHECK(out == Bytes{std::byte{1}});
    }
  }
  // A higher level must not compress worse on text.
  CHECK(packed(CompressionCodec::gzip, in, {.level = 9}).size() <
        packed(CompressionCodec::gzip, in, {.level = 1}).size());
  CHECK(packed(CompressionCodec::zstd, in, {.level = 19}).size() <
        packed(CompressionCodec::zstd, in, {.level = 1}).size());
}

TEST_CASE("compress appends and decompress appends") {
  Bytes in = log_lines(5000);
  for (auto c : all_codecs) {
    Bytes out = {std::byte{7}, std::byte{8}};
    REQUIRE(compress(c, in, out).ok());
    CHECK(out[0] == std::byte{7});
    Bytes back = {std::byte{9}};
    REQUIRE(decompress(c, ByteView(out).subspan(2), back).ok());
    CHECK(back == concat(Bytes{std::byte{9}}, in));
  }
}

TEST_CASE("the output limit") {
  Bytes in = log_lines(100000);
  for (auto c : all_codecs) {
    CAPTURE(codec_name(c));
    Bytes z = packed(c, in);
    CHECK(unpacked(c, z, in.size()) == in);  // exactly at the limit is fine
    std::string m = failure(c, z, in.size() - 1);
    CHECK(m.find("decompressed size exceeds the limit of 99999 bytes") != std::string::npos);
    failure(c, z, 0);
  }
}

TEST_CASE("a decompression bomb fails without allocating more than the limit") {
  Bytes zeros(size_t(16) << 20);
  constexpr size_t limit = size_t(1) << 20;
  for (auto c : real_codecs) {
    CAPTURE(codec_name(c));
    for (bool xerial : {true, false}) {
      Bytes z = packed(c, zeros, {.level = 0, .snappy_xerial = xerial});
      Bytes out;
      auto r = decompress(c, z, out, limit);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().message.find("exceeds the limit") != std::string::npos);
      CHECK(out.empty());
      CHECK(out.capacity() <= limit);
    }
  }
}

TEST_CASE("unknown codec ids are refused") {
  Bytes out;
  auto bad = static_cast<CompressionCodec>(5);
  auto r = decompress(bad, as_bytes("abc"), out);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == kafkit::errc::unsupported);
  CHECK_FALSE(compress(bad, as_bytes("abc"), out).ok());
  CHECK(out.empty());
}

TEST_CASE("empty and garbage input is an error for every codec") {
  for (auto c : real_codecs) {
    CAPTURE(codec_name(c));
    CHECK(failure(c, ByteView{}).find("empty input") != std::string::npos);
    failure(c, as_bytes("this is not compressed data at all, not even close"));
    failure(c, Bytes{std::byte{0xFF}});
  }
  CHECK(unpacked(CompressionCodec::none, ByteView{}).empty());
}

TEST_CASE("truncated streams are errors") {
  Bytes in = log_lines(100000);
  for (auto c : real_codecs) {
    CAPTURE(codec_name(c));
    Bytes z = packed(c, in);
    for (size_t keep : {z.size() - 1, z.size() - 4, z.size() / 2, size_t(10), size_t(1)}) {
      CAPTURE(keep);
      failure(c, ByteView(z).first(keep));
    }
  }
}

TEST_CASE("flipped bits are caught") {
  Bytes in = log_lines(20000);
  for (auto c : real_codecs) {
    CAPTURE(codec_name(c));
    Bytes z = packed(c, in);
    // Somewhere in the middle of the compressed data; gzip and zstd (no checksum in our
    // frames) may still decode it, but never to the original.
    Bytes bad = z;
    bad[bad.size() / 2] ^= std::byte{0x10};
    Bytes out;
    auto r = decompress(c, bad, out);
    CHECK((!r.ok() || out != in));
  }
}
