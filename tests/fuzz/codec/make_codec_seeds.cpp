// Writes the seed corpus of decompress_fuzzer: small valid payloads of every framing that
// Kafka writers produce, each prefixed with the fuzzer's codec byte.
//   make-codec-seeds DIR   (the checked-in corpus is tests/fuzz/codec/corpus/decompress)
#include <lz4frame.h>
#include <snappy.h>
#include <zstd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "protocol/codec/codecs.hpp"
#include "protocol/codec/compression.hpp"

using namespace kafkit::protocol;

namespace {

std::string dir;
int written = 0;

void seed(const std::string& name, CompressionCodec codec, const Bytes& payload) {
  std::ofstream f(dir + "/" + name, std::ios::binary);
  char c = static_cast<char>(codec);
  f.write(&c, 1);
  f.write(reinterpret_cast<const char*>(payload.data()), std::streamsize(payload.size()));
  ++written;
}

Bytes text(size_t n) {
  std::string s;
  for (int i = 0; s.size() < n; ++i)
    s += "{\"user\":" + std::to_string(i * 7919 % 1000) + ",\"event\":\"click\",\"page\":\"/p/" +
         std::to_string(i % 13) + "\"}\n";
  s.resize(n);
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = std::byte(s[i]);
  return b;
}

Bytes ours(CompressionCodec c, const Bytes& in, CompressOptions o = {}) {
  Bytes out;
  if (!compress(c, in, out, o).ok()) std::abort();
  return out;
}

Bytes join(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes lz4_frame(const Bytes& in, LZ4F_preferences_t p) {
  Bytes out(LZ4F_compressFrameBound(in.size(), &p));
  size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &p);
  if (LZ4F_isError(n)) std::abort();
  out.resize(n);
  return out;
}

Bytes zstd_stream(const Bytes& in, bool content_size, bool checksum) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, content_size);
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, checksum);
  Bytes out(ZSTD_compressBound(in.size()));
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  ZSTD_outBuffer dst{out.data(), out.size(), 0};
  if (ZSTD_compressStream2(c, &dst, &src, ZSTD_e_end) != 0) std::abort();
  ZSTD_freeCCtx(c);
  out.resize(dst.pos);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make-codec-seeds DIR\n");
    return 2;
  }
  dir = argv[1];
  const Bytes small = text(300), medium = text(3000), chunked = text(40000);
  using C = CompressionCodec;

  seed("none", C::none, small);
  seed("gzip", C::gzip, ours(C::gzip, medium));
  seed("gzip-level9", C::gzip, ours(C::gzip, small, {.level = 9}));
  seed("gzip-two-members", C::gzip, join(ours(C::gzip, small), ours(C::gzip, medium)));
  seed("snappy-raw", C::snappy, ours(C::snappy, medium, {.level = 0, .snappy_xerial = false}));
  seed("snappy-xerial", C::snappy, ours(C::snappy, small));
  seed("snappy-xerial-two-chunks", C::snappy, ours(C::snappy, chunked));
  seed("lz4-kafka", C::lz4, ours(C::lz4, medium));
  seed("lz4-two-frames", C::lz4, join(ours(C::lz4, small), ours(C::lz4, small)));
  Bytes legacy = ours(C::lz4, small);
  legacy[6] = std::byte{detail::lz4_header_checksums(ByteView(legacy).first(6)).legacy};
  seed("lz4-legacy-header-checksum", C::lz4, legacy);
  LZ4F_preferences_t p{};
  p.frameInfo.contentSize = medium.size();
  p.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  seed("lz4-content-size-and-checksum", C::lz4, lz4_frame(medium, p));
  p = {};
  p.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
  p.frameInfo.blockMode = LZ4F_blockLinked;
  seed("lz4-linked-block-checksum", C::lz4, lz4_frame(small, p));
  seed("zstd-content-size", C::zstd, ours(C::zstd, medium));
  seed("zstd-no-content-size", C::zstd, zstd_stream(medium, false, false));
  seed("zstd-checksum", C::zstd, zstd_stream(small, false, true));
  seed("zstd-two-frames", C::zstd, join(ours(C::zstd, small), zstd_stream(small, false, false)));
  std::printf("wrote %d seeds to %s\n", written, dir.c_str());
  return 0;
}
