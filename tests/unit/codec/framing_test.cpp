// The framings written by other Kafka clients, built here with the codec libraries
// directly: gzip members, xerial snappy, LZ4 frames with every optional field and the
// Kafka 0.8/0.9 header checksum, zstd frames without a content size.
#include <doctest/doctest.h>
#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <string>

#include "codec_samples.hpp"
#include "protocol/codec/codecs.hpp"
#include "protocol/codec/compression.hpp"

using namespace kafkit::protocol;
using codec_test::concat;
using codec_test::log_lines;

namespace {

Bytes packed(CompressionCodec c, const Bytes& in, CompressOptions o = {}) {
  Bytes out;
  REQUIRE(compress(c, in, out, o).ok());
  return out;
}

Bytes unpacked(CompressionCodec c, ByteView in) {
  Bytes out;
  auto r = decompress(c, in, out);
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  return out;
}

std::string failure(CompressionCodec c, ByteView in) {
  Bytes out;
  auto r = decompress(c, in, out);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

Bytes hex(std::string_view h) {
  Bytes out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(std::byte(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

Bytes lz4_frame(const Bytes& in, LZ4F_preferences_t prefs) {
  Bytes out(LZ4F_compressFrameBound(in.size(), &prefs));
  size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
  REQUIRE_FALSE(LZ4F_isError(n));
  out.resize(n);
  return out;
}

Bytes zstd_stream(const Bytes& in, bool content_size, bool checksum) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, content_size ? 1 : 0);
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  Bytes out(ZSTD_compressBound(in.size()));
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  ZSTD_outBuffer dst{out.data(), out.size(), 0};
  size_t rc = ZSTD_compressStream2(c, &dst, &src, ZSTD_e_end);
  ZSTD_freeCCtx(c);
  REQUIRE(rc == 0);
  out.resize(dst.pos);
  return out;
}

}  // namespace

TEST_CASE("gzip: a stream of several members decompresses completely") {
  Bytes a = log_lines(70000, 1), b = log_lines(100, 2), c = log_lines(0, 3);
  Bytes z = concat(concat(packed(CompressionCodec::gzip, a), packed(CompressionCodec::gzip, b)),
                   packed(CompressionCodec::gzip, c));
  CHECK(unpacked(CompressionCodec::gzip, z) == concat(a, b));
  Bytes one = packed(CompressionCodec::gzip, a);
  CHECK(one[0] == std::byte{0x1f});
  CHECK(one[1] == std::byte{0x8b});
  // Bytes after the last member must be another member, not padding.
  CHECK(failure(CompressionCodec::gzip, concat(one, Bytes(8))).find("after member 1") !=
        std::string::npos);
  // The CRC-32 in the trailer is checked.
  Bytes bad = one;
  bad[bad.size() - 6] ^= std::byte{1};
  failure(CompressionCodec::gzip, bad);
}

TEST_CASE("snappy: xerial framing as snappy-java writes it") {
  Bytes in = log_lines(100000);
  Bytes z = packed(CompressionCodec::snappy, in);
  REQUIRE(z.size() > 16);
  CHECK(Bytes(z.begin(), z.begin() + 16) == hex("82534e41505059000000000100000001"));
  // 32 KiB of input per chunk: 100000 bytes make 4 chunks.
  size_t pos = 16, chunks = 0, total = 0;
  while (pos < z.size()) {
    size_t len = size_t(z[pos]) << 24 | size_t(z[pos + 1]) << 16 | size_t(z[pos + 2]) << 8 |
                 size_t(z[pos + 3]);
    size_t n = 0;
    REQUIRE(snappy::GetUncompressedLength(reinterpret_cast<const char*>(&z[pos + 4]), len, &n));
    CHECK(n == (chunks < 3 ? 32768 : 100000 - 3 * 32768));
    total += n;
    pos += 4 + len;
    ++chunks;
  }
  CHECK(chunks == 4);
  CHECK(total == in.size());
  // A header without chunks is an empty stream; a cut chunk is not.
  CHECK(unpacked(CompressionCodec::snappy, ByteView(z).first(16)).empty());
  CHECK(failure(CompressionCodec::snappy, ByteView(z).first(18)).find("chunk header") !=
        std::string::npos);
  CHECK(failure(CompressionCodec::snappy, ByteView(z).first(100)).find("truncated") !=
        std::string::npos);
}

TEST_CASE("snappy: a raw block as librdkafka writes it") {
  Bytes in = log_lines(50000);
  std::string raw;
  snappy::Compress(reinterpret_cast<const char*>(in.data()), in.size(), &raw);
  CHECK(unpacked(CompressionCodec::snappy, as_bytes(raw)) == in);
  Bytes ours = packed(CompressionCodec::snappy, in, {.level = 0, .snappy_xerial = false});
  CHECK(as_chars(ours) == raw);
  // The empty raw block is one byte, 00.
  CHECK(unpacked(CompressionCodec::snappy, hex("00")).empty());
  // A length header claiming far more than the block can encode is refused up front.
  CHECK(failure(CompressionCodec::snappy, hex("ffffffff0f00")).find("claims") != std::string::npos);
}

TEST_CASE("lz4: the frame Kafka and librdkafka write") {
  Bytes z = packed(CompressionCodec::lz4, log_lines(1000));
  // magic, FLG 60 (v1, independent blocks), BD 40 (64 KiB), HC 82 (protocol-facts §4).
  CHECK(Bytes(z.begin(), z.begin() + 7) == hex("04224d18604082"));
  auto sums = detail::lz4_header_checksums(hex("04224d186040"));
  CHECK(sums.correct == 0x82);
  CHECK(sums.legacy == 0x1A);
}

TEST_CASE("lz4: every optional frame field and several frames") {
  Bytes in = log_lines(300000);
  Bytes all;
  for (int flags = 0; flags < 32; ++flags) {
    LZ4F_preferences_t p{};
    p.frameInfo.blockMode = (flags & 1) ? LZ4F_blockLinked : LZ4F_blockIndependent;
    p.frameInfo.contentChecksumFlag =
        (flags & 2) ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
    p.frameInfo.blockChecksumFlag = (flags & 4) ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
    p.frameInfo.contentSize = (flags & 8) ? in.size() : 0;
    p.frameInfo.blockSizeID = (flags & 16) ? LZ4F_max4MB : LZ4F_max64KB;
    CAPTURE(flags);
    Bytes f = lz4_frame(in, p);
    CHECK(unpacked(CompressionCodec::lz4, f) == in);
    // Our idea of the header checksum matches liblz4's for every header layout.
    size_t hc_at = 6 + ((flags & 8) ? 8 : 0);
    CHECK(detail::lz4_header_checksums(ByteView(f).first(hc_at)).correct == uint8_t(f[hc_at]));
    if (flags % 8 == 0) all = concat(all, f);
  }
  CHECK(unpacked(CompressionCodec::lz4, all) == concat(concat(concat(in, in), in), in));
}

TEST_CASE("lz4: Kafka 0.8/0.9 header checksum (KIP-57)") {
  Bytes in = log_lines(5000);
  Bytes z = packed(CompressionCodec::lz4, in);
  Bytes legacy = z;
  legacy[6] = std::byte{0x1A};
  CHECK(unpacked(CompressionCodec::lz4, legacy) == in);
  Bytes wrong = z;
  wrong[6] = std::byte{0x1B};
  CHECK(failure(CompressionCodec::lz4, wrong).find("header") != std::string::npos);
  // With a content size the descriptor is longer; the legacy rule still applies.
  LZ4F_preferences_t p{};
  p.frameInfo.contentSize = in.size();
  Bytes f = lz4_frame(in, p);
  f[14] = std::byte{detail::lz4_header_checksums(ByteView(f).first(14)).legacy};
  CHECK(unpacked(CompressionCodec::lz4, f) == in);
}

TEST_CASE("lz4: content size and checksums are enforced") {
  Bytes in = log_lines(5000);
  LZ4F_preferences_t p{};
  p.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  Bytes f = lz4_frame(in, p);
  f[f.size() - 1] ^= std::byte{1};
  failure(CompressionCodec::lz4, f);
  CHECK(failure(CompressionCodec::lz4, concat(packed(CompressionCodec::lz4, in), Bytes(3)))
            .find("lz4: ") == 0);
}

TEST_CASE("xxHash32 against liblz4's content checksums") {
  CHECK(detail::xxhash32({}, 0) == 0x02CC5D05u);
  Bytes data = log_lines(2000, 9);
  LZ4F_preferences_t p{};
  p.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  for (size_t n : {size_t(0), size_t(1), size_t(3), size_t(4), size_t(15), size_t(16), size_t(17),
                   size_t(31), size_t(32), size_t(33), size_t(100), size_t(2000)}) {
    Bytes part(data.begin(), data.begin() + long(n));
    Bytes f = lz4_frame(part, p);
    const std::byte* t = f.data() + f.size() - 4;
    uint32_t want =
        uint32_t(t[0]) | uint32_t(t[1]) << 8 | uint32_t(t[2]) << 16 | uint32_t(t[3]) << 24;
    CHECK_MESSAGE(detail::xxhash32(part, 0) == want, "length " << n);
  }
}

TEST_CASE("zstd: frames with and without content size, checksums, several frames") {
  Bytes in = log_lines(300000);
  for (bool size : {false, true}) {
    for (bool sum : {false, true}) {
      Bytes z = zstd_stream(in, size, sum);
      CHECK((ZSTD_getFrameContentSize(z.data(), z.size()) == ZSTD_CONTENTSIZE_UNKNOWN) == !size);
      CHECK(unpacked(CompressionCodec::zstd, z) == in);
      CHECK(unpacked(CompressionCodec::zstd, concat(z, z)) == concat(in, in));
    }
  }
  // Ours carries the content size, as librdkafka's does.
  Bytes ours = packed(CompressionCodec::zstd, in);
  CHECK(ZSTD_getFrameContentSize(ours.data(), ours.size()) == in.size());
  Bytes bad = zstd_stream(in, false, true);
  bad[bad.size() - 2] ^= std::byte{1};
  failure(CompressionCodec::zstd, bad);
}

TEST_CASE("a forged content size does not drive the allocation") {
  Bytes in = log_lines(1000);
  constexpr uint64_t claim = uint64_t(200) << 20;
  // zstd: a frame that promises 200 MB, then ends after 1000 bytes.
  ZSTD_CCtx* c = ZSTD_createCCtx();
  REQUIRE(ZSTD_CCtx_setPledgedSrcSize(c, claim) == 0);
  Bytes z(ZSTD_compressBound(in.size()) + 64);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  ZSTD_outBuffer dst{z.data(), z.size(), 0};
  REQUIRE(ZSTD_compressStream2(c, &dst, &src, ZSTD_e_flush) == 0);
  ZSTD_freeCCtx(c);
  z.resize(dst.pos);
  REQUIRE(ZSTD_getFrameContentSize(z.data(), z.size()) == claim);
  Bytes out;
  CHECK_FALSE(decompress(CompressionCodec::zstd, z, out).ok());
  CHECK(out.capacity() <= z.size() * 64 + 4096);

  // lz4: a complete frame whose content size field was rewritten to 200 MB.
  LZ4F_preferences_t p{};
  p.frameInfo.contentSize = in.size();
  Bytes f = lz4_frame(in, p);
  for (int i = 0; i < 8; ++i) f[6 + i] = std::byte(claim >> (8 * i));
  f[14] = std::byte{detail::lz4_header_checksums(ByteView(f).first(14)).correct};
  out.clear();
  out.shrink_to_fit();
  CHECK(failure(CompressionCodec::lz4, f).find("lz4: corrupt frame") == 0);
  CHECK_FALSE(decompress(CompressionCodec::lz4, f, out).ok());
  CHECK(out.capacity() <= f.size() * 64 + 4096);
}

TEST_CASE("lz4: a failed frame does not poison the next decode") {
  // liblz4 1.9.4 keeps a failed frame's remaining content size across
  // LZ4F_resetDecompressionContext; the next frame without a content size must still work.
  Bytes in = log_lines(5000);
  LZ4F_preferences_t p{};
  p.frameInfo.contentSize = in.size();
  Bytes with_size = lz4_frame(in, p);
  failure(CompressionCodec::lz4, ByteView(with_size).first(with_size.size() / 2));
  CHECK(unpacked(CompressionCodec::lz4, packed(CompressionCodec::lz4, in)) == in);
}
