// gzip (codec 1) through zlib: RFC 1952 members written with deflate's gzip wrapper, read
// with zlib's automatic gzip/zlib header detection, several members in a row.
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <string>

#include "protocol/codec/codecs.hpp"

namespace kafkit::protocol::detail {

namespace {

constexpr int window_bits = 15;
constexpr int gzip_wrapper = 16;  // windowBits + 16: write a gzip header and trailer
constexpr int auto_header = 32;   // windowBits + 32: accept a gzip or zlib header
constexpr int default_level = 6;  // zlib's Z_DEFAULT_COMPRESSION, and the Java client's

// zlib counts in uInt; larger buffers are fed in pieces.
uInt clamp_uint(size_t n) noexcept {
  return static_cast<uInt>(std::min<size_t>(n, UINT_MAX));
}

Bytef* as_z(std::byte* p) noexcept {
  return reinterpret_cast<Bytef*>(p);
}
const Bytef* as_z(const std::byte* p) noexcept {
  return reinterpret_cast<const Bytef*>(p);
}

struct Deflater {
  z_stream zs{};
  ~Deflater() { deflateEnd(&zs); }
};
struct Inflater {
  z_stream zs{};
  ~Inflater() { inflateEnd(&zs); }
};

std::string zlib_reason(const z_stream& zs, int rc) {
  if (zs.msg != nullptr) return zs.msg;
  return "zlib error " + std::to_string(rc);
}

}  // namespace

Result<void> gzip_compress(ByteView in, Bytes& out, int level) {
  if (level == 0) level = default_level;
  if (level < 1 || level > 9)
    return Error{
        errc::invalid_argument,
        "gzip compression level must be 1-9 (0 = default 6), got " + std::to_string(level)};
  Deflater d;
  if (deflateInit2(&d.zs, level, Z_DEFLATED, window_bits + gzip_wrapper, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    return Error{errc::io, "gzip: cannot initialise deflate (out of memory)"};
  const size_t base = out.size();
  // deflateBound covers the whole stream including the gzip header and trailer, so one
  // allocation suffices.
  out.resize(base + deflateBound(&d.zs, in.size()));
  const std::byte* src = in.data();
  size_t src_left = in.size();
  size_t produced = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    d.zs.next_in = const_cast<Bytef*>(as_z(src));
    d.zs.avail_in = clamp_uint(src_left);
    d.zs.next_out = as_z(out.data() + base + produced);
    d.zs.avail_out = clamp_uint(out.size() - base - produced);
    uInt in_before = d.zs.avail_in, out_before = d.zs.avail_out;
    rc = deflate(&d.zs, src_left == d.zs.avail_in ? Z_FINISH : Z_NO_FLUSH);
    src += in_before - d.zs.avail_in;
    src_left -= in_before - d.zs.avail_in;
    produced += out_before - d.zs.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END) {
      out.resize(base);
      return Error{errc::io, "gzip: deflate failed: " + zlib_reason(d.zs, rc)};
    }
  }
  out.resize(base + produced);
  return {};
}

Result<void> gzip_decompress(ByteView in, BoundedOutput& out) {
  if (in.empty()) return out.error("empty input");
  Inflater f;
  if (inflateInit2(&f.zs, window_bits + auto_header) != Z_OK)
    return Error{errc::io, "gzip: cannot initialise inflate (out of memory)"};
  // The trailer's ISIZE (input size mod 2^32) of the last member is a fair first guess.
  size_t expected = 0;
  if (in.size() >= 18) {
    const auto* t = in.data() + in.size() - 4;
    expected = size_t(t[0]) | size_t(t[1]) << 8 | size_t(t[2]) << 16 | size_t(t[3]) << 24;
  }
  out.presize(expected, in.size());

  const std::byte* src = in.data();
  size_t src_left = in.size();
  size_t members = 0;
  LimitProbe probe;
  for (;;) {
    auto dst = out.room() > 0 ? out.space() : probe.span();
    f.zs.next_in = const_cast<Bytef*>(as_z(src));
    f.zs.avail_in = clamp_uint(src_left);
    f.zs.next_out = as_z(dst.data());
    f.zs.avail_out = clamp_uint(dst.size());
    uInt in_before = f.zs.avail_in, out_before = f.zs.avail_out;
    int rc = inflate(&f.zs, Z_NO_FLUSH);
    size_t consumed = in_before - f.zs.avail_in;
    size_t written = out_before - f.zs.avail_out;
    src += consumed;
    src_left -= consumed;
    if (dst.data() == &probe.byte) {
      if (written != 0) return out.limit_error();
    } else {
      out.advance(written);
    }
    switch (rc) {
      case Z_STREAM_END:
        ++members;
        if (src_left == 0) return {};
        // RFC 1952 2.2: a gzip file is a series of members; each may start a new stream.
        inflateReset(&f.zs);
        continue;
      case Z_OK:
      case Z_BUF_ERROR:
        if (src_left == 0 && f.zs.avail_out != 0) return out.error("truncated stream");
        if (consumed == 0 && written == 0 && f.zs.avail_out != 0)
          return out.error("stream makes no progress");
        continue;
      case Z_NEED_DICT:
        return out.error("stream needs a preset dictionary");
      case Z_MEM_ERROR:
        return Error{errc::io, "gzip: out of memory"};
      default: {
        std::string what = "corrupt data";
        if (members > 0) what += " after member " + std::to_string(members);
        return out.error(what + ": " + zlib_reason(f.zs, rc));
      }
    }
  }
}

}  // namespace kafkit::protocol::detail
