// snappy (codec 2): raw snappy blocks, or the xerial framing of snappy-java that the Java
// client writes (protocol-facts §4):
//   magic 82 53 4E 41 50 50 59 00 | INT32 BE version | INT32 BE min compatible version
//   then chunks: INT32 BE compressed length | raw snappy block
// Readers must accept both, telling them apart by the magic, as snappy-java does.
#include <snappy.h>

#include <array>
#include <cstring>
#include <limits>
#include <string>

#include "protocol/codec/codecs.hpp"

namespace kafkit::protocol::detail {

namespace {

constexpr std::array<unsigned char, 8> xerial_magic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t xerial_header_size = 16;
constexpr uint32_t xerial_version = 1;
constexpr uint32_t xerial_min_compatible = 1;
// snappy-java's default block size: each chunk holds up to 32 KiB of uncompressed input.
constexpr size_t xerial_chunk = 32 * 1024;

// A raw block is a varint length then tags; the densest tag (a 3-byte copy of 64 bytes)
// expands 64/3 times, so a block claiming more than 22x its size is corrupt before we
// allocate anything for it.
constexpr size_t max_snappy_ratio = 22;

const char* chars(const std::byte* p) noexcept {
  return reinterpret_cast<const char*>(p);
}
char* chars(std::byte* p) noexcept {
  return reinterpret_cast<char*>(p);
}

void put_be32(std::byte* p, uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = std::byte(v >> (24 - 8 * i));
}
uint32_t get_be32(const std::byte* p) noexcept {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

bool is_xerial(ByteView in) noexcept {
  return in.size() >= xerial_header_size &&
         std::memcmp(in.data(), xerial_magic.data(), xerial_magic.size()) == 0;
}

// Appends one raw block; returns its size.
size_t append_raw(ByteView in, Bytes& out) {
  size_t base = out.size();
  out.resize(base + snappy::MaxCompressedLength(in.size()));
  size_t n = 0;
  snappy::RawCompress(chars(in.data()), in.size(), chars(out.data() + base), &n);
  out.resize(base + n);
  return n;
}

// The uncompressed size a raw block declares, if it is plausible.
Result<size_t> raw_length(ByteView block, const BoundedOutput& out) {
  size_t n = 0;
  if (!snappy::GetUncompressedLength(chars(block.data()), block.size(), &n))
    return out.error("corrupt block: bad length header");
  if (n / max_snappy_ratio > block.size())
    return out.error("corrupt block: claims " + std::to_string(n) + " bytes from " +
                     std::to_string(block.size()));
  return n;
}

Result<void> decode_raw(ByteView block, size_t n, BoundedOutput& out) {
  if (n > out.room()) return out.limit_error();
  auto dst = out.space(n);
  if (!snappy::RawUncompress(chars(block.data()), block.size(), chars(dst.data())))
    return out.error("corrupt block");
  out.advance(n);
  return {};
}

Result<void> decode_xerial(ByteView in, BoundedOutput& out) {
  // First pass over the chunk headers: check the framing and add up the declared sizes,
  // so the limit is enforced and the output allocated once, before any decoding.
  size_t total = 0;
  for (size_t pos = xerial_header_size; pos < in.size();) {
    if (in.size() - pos < 4) return out.error("truncated xerial chunk header");
    size_t len = get_be32(in.data() + pos);
    pos += 4;
    if (len > in.size() - pos) return out.error("truncated xerial chunk");
    auto n = raw_length(in.subspan(pos, len), out);
    if (!n.ok()) return n.error();
    if (*n > out.room() - total) return out.limit_error();
    total += *n;
    pos += len;
  }
  out.presize(total, total);
  for (size_t pos = xerial_header_size; pos < in.size();) {
    size_t len = get_be32(in.data() + pos);
    pos += 4;
    ByteView block = in.subspan(pos, len);
    size_t n = 0;
    snappy::GetUncompressedLength(chars(block.data()), block.size(), &n);
    if (auto r = decode_raw(block, n, out); !r.ok()) return r;
    pos += len;
  }
  return {};
}

}  // namespace

Result<void> snappy_compress(ByteView in, Bytes& out, bool xerial) {
  if (!xerial) {
    // A raw block stores its length as a varint32.
    if (in.size() > std::numeric_limits<uint32_t>::max())
      return Error{errc::invalid_argument, "snappy: a raw block holds at most 4 GiB"};
    append_raw(in, out);
    return {};
  }
  size_t base = out.size();
  out.resize(base + xerial_header_size);
  std::memcpy(out.data() + base, xerial_magic.data(), xerial_magic.size());
  put_be32(out.data() + base + 8, xerial_version);
  put_be32(out.data() + base + 12, xerial_min_compatible);
  for (size_t pos = 0; pos < in.size(); pos += xerial_chunk) {
    size_t at = out.size();
    out.resize(at + 4);
    size_t n = append_raw(in.subspan(pos, std::min(xerial_chunk, in.size() - pos)), out);
    put_be32(out.data() + at, static_cast<uint32_t>(n));
  }
  return {};
}

// Empty input is an error, like for the other codecs: no writer produces it (a raw block
// of nothing is the single byte 00, a xerial stream has its 16-byte header), so it can only
// be a damaged batch. snappy-java alone would read it as empty.
Result<void> snappy_decompress(ByteView in, BoundedOutput& out) {
  if (in.empty()) return out.error("empty input");
  if (is_xerial(in)) return decode_xerial(in, out);
  auto n = raw_length(in, out);
  if (!n.ok()) return n.error();
  if (*n > out.room()) return out.limit_error();
  out.presize(*n, *n);
  return decode_raw(in, *n, out);
}

}  // namespace kafkit::protocol::detail
