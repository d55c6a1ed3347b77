// lz4 (codec 3): the LZ4 frame format through liblz4's LZ4F API. We write what Kafka and
// librdkafka write (64 KiB independent blocks, no checksums, no content size) and read any
// frame LZ4F reads, several in a row, including Kafka 0.8/0.9's wrong header checksum.
#include <lz4frame.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "protocol/codec/codecs.hpp"

namespace kafkit::protocol::detail {

namespace {

constexpr uint32_t frame_magic = 0x184D2204u;  // little-endian on the wire: 04 22 4D 18
constexpr uint8_t flg_content_size = 0x08;
constexpr uint8_t flg_dict_id = 0x01;
constexpr int max_level = 17;  // the Java client's range (lz4-java); LZ4F stops at 12

// One decompression context per thread: creating one per batch would cost an allocation
// for every fetched batch. A context that saw an error is thrown away rather than reset:
// LZ4F_resetDecompressionContext (1.9.4) keeps the remaining-content-size counter of the
// failed frame, and the next frame without a content size then fails with frameSize_wrong.
struct ContextHolder {
  LZ4F_dctx* ctx = nullptr;
  ~ContextHolder() { discard(); }
  void discard() noexcept {
    LZ4F_freeDecompressionContext(ctx);
    ctx = nullptr;
  }
};

ContextHolder& thread_context() noexcept {
  thread_local ContextHolder holder;
  if (holder.ctx == nullptr &&
      LZ4F_isError(LZ4F_createDecompressionContext(&holder.ctx, LZ4F_VERSION)))
    holder.ctx = nullptr;
  return holder;
}

uint32_t get_le32(const std::byte* p) noexcept {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

std::string lz4_reason(size_t code) {
  return LZ4F_getErrorName(code);
}

// Reads one frame header at the start of `rest` into the context. KIP-57: Kafka 0.8/0.9
// (and librdkafka for magic 0) computed the header checksum over the magic number too;
// such a header is fixed up in a copy, since LZ4F rejects it and the data is sound.
Result<size_t> read_header(LZ4F_dctx* ctx, ByteView rest, LZ4F_frameInfo_t& info,
                           const BoundedOutput& out) {
  if (rest.size() < 4 || get_le32(rest.data()) != frame_magic)
    return out.error("not an LZ4 frame (bad magic number)");
  if (rest.size() < 7) return out.error("truncated frame header");
  auto flg = static_cast<uint8_t>(rest[4]);
  size_t descriptor = 2 + ((flg & flg_content_size) ? 8 : 0) + ((flg & flg_dict_id) ? 4 : 0);
  size_t size = 4 + descriptor + 1;
  if (rest.size() < size) return out.error("truncated frame header");

  std::array<std::byte, LZ4F_HEADER_SIZE_MAX> header{};
  std::memcpy(header.data(), rest.data(), size);
  auto sums = lz4_header_checksums(rest.first(size - 1));
  auto hc = static_cast<uint8_t>(header[size - 1]);
  if (hc != sums.correct && hc == sums.legacy) header[size - 1] = std::byte{sums.correct};

  size_t consumed = size;
  size_t rc = LZ4F_getFrameInfo(ctx, &info, header.data(), &consumed);
  if (LZ4F_isError(rc)) return out.error("bad frame header: " + lz4_reason(rc));
  if (consumed != size) return out.error("bad frame header");
  return size;
}

}  // namespace

Lz4HeaderChecksums lz4_header_checksums(ByteView header) noexcept {
  // The frame format keeps the second byte of xxHash32 (seed 0) of the descriptor.
  auto byte1 = [](uint32_t h) { return static_cast<uint8_t>(h >> 8); };
  return {byte1(xxhash32(header.subspan(4), 0)), byte1(xxhash32(header, 0))};
}

Result<void> lz4_compress(ByteView in, Bytes& out, int level) {
  if (level < 0 || level > max_level)
    return Error{errc::invalid_argument,
                 "lz4 compression level must be 1-17 (0 = default, the fast mode), got " +
                     std::to_string(level)};
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;  // the Java reader rejects linked blocks
  prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
  // 0 is LZ4F's fast mode, which is what librdkafka and the Java client use by default;
  // 3 and up select LZ4HC.
  prefs.compressionLevel = std::min(level, 12);
  size_t base = out.size();
  size_t bound = LZ4F_compressFrameBound(in.size(), &prefs);
  out.resize(base + bound);
  size_t n = LZ4F_compressFrame(out.data() + base, bound, in.data(), in.size(), &prefs);
  if (LZ4F_isError(n)) {
    out.resize(base);
    return Error{errc::io, "lz4: compression failed: " + lz4_reason(n)};
  }
  out.resize(base + n);
  return {};
}

namespace {

Result<void> decode_frames(LZ4F_dctx* ctx, ByteView in, BoundedOutput& out) {
  LimitProbe probe;
  size_t pos = 0;
  for (size_t frame = 0; pos < in.size(); ++frame) {
    LZ4F_frameInfo_t info{};
    auto header = read_header(ctx, in.subspan(pos), info, out);
    if (!header.ok()) return header.error();
    pos += *header;
    if (frame == 0) out.presize(info.contentSize, in.size());

    for (;;) {
      auto dst = out.room() > 0 ? out.space() : probe.span();
      size_t src_size = in.size() - pos, dst_size = dst.size();
      size_t hint =
          LZ4F_decompress(ctx, dst.data(), &dst_size, in.data() + pos, &src_size, nullptr);
      if (LZ4F_isError(hint)) return out.error("corrupt frame: " + lz4_reason(hint));
      pos += src_size;
      if (dst.data() == &probe.byte) {
        if (dst_size != 0) return out.limit_error();
      } else {
        out.advance(dst_size);
      }
      if (hint == 0) break;  // frame complete (end mark and any content checksum checked)
      if (pos == in.size() && dst_size < dst.size()) return out.error("truncated frame");
      if (src_size == 0 && dst_size == 0) return out.error("frame makes no progress");
    }
  }
  return {};
}

}  // namespace

Result<void> lz4_decompress(ByteView in, BoundedOutput& out) {
  if (in.empty()) return out.error("empty input");
  ContextHolder& holder = thread_context();
  if (holder.ctx == nullptr) return Error{errc::io, "lz4: cannot create a decompression context"};
  auto r = decode_frames(holder.ctx, in, out);
  if (!r.ok()) holder.discard();
  return r;
}

}  // namespace kafkit::protocol::detail
