// zstd (codec 4): written in one shot with the content size in the frame header (as
// librdkafka does); read with the streaming decoder, so frames without a content size
// (the Java client's) and several frames in a row work the same way (KIP-110).
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <bit>
#include <string>

#include "protocol/codec/codecs.hpp"

namespace kafkit::protocol::detail {

namespace {

constexpr int default_level = 3;  // ZSTD_CLEVEL_DEFAULT, and the Java client's default
// A frame may ask for a window (history buffer) of up to 2^windowLog bytes, which the
// decoder allocates. We allow what any level writes for unknown-size input (levels 1-19 use
// at most 2^23), more when the output limit is larger, and never past zstd's own default.
constexpr int min_window_log = 23;
constexpr int max_window_log = 27;  // ZSTD_WINDOWLOG_LIMIT_DEFAULT (static-only API)

// Contexts are reused per thread: each holds several hundred KiB of tables.
struct Contexts {
  ZSTD_CCtx* c = nullptr;
  ZSTD_DCtx* d = nullptr;
  ~Contexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
Contexts& thread_contexts() {
  thread_local Contexts contexts;
  return contexts;
}

int window_log_for(size_t limit) noexcept {
  int log = limit <= 1 ? 0 : std::bit_width(limit - 1);
  return std::clamp(log, min_window_log, max_window_log);
}

}  // namespace

Result<void> zstd_compress(ByteView in, Bytes& out, int level) {
  if (level == 0) level = default_level;
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
    return Error{errc::invalid_argument, "zstd compression level must be " +
                                             std::to_string(ZSTD_minCLevel()) + " to " +
                                             std::to_string(ZSTD_maxCLevel()) +
                                             " (0 = default 3), got " + std::to_string(level)};
  auto& ctx = thread_contexts();
  if (ctx.c == nullptr && (ctx.c = ZSTD_createCCtx()) == nullptr)
    return Error{errc::io, "zstd: cannot create a compression context"};
  size_t base = out.size();
  size_t bound = ZSTD_compressBound(in.size());
  out.resize(base + bound);
  size_t n = ZSTD_compressCCtx(ctx.c, out.data() + base, bound, in.data(), in.size(), level);
  if (ZSTD_isError(n)) {
    out.resize(base);
    return Error{errc::io, std::string("zstd: compression failed: ") + ZSTD_getErrorName(n)};
  }
  out.resize(base + n);
  return {};
}

Result<void> zstd_decompress(ByteView in, BoundedOutput& out) {
  if (in.empty()) return out.error("empty input");
  auto& ctx = thread_contexts();
  if (ctx.d == nullptr && (ctx.d = ZSTD_createDCtx()) == nullptr)
    return Error{errc::io, "zstd: cannot create a decompression context"};
  ZSTD_DCtx_reset(ctx.d, ZSTD_reset_session_and_parameters);
  int window_log = window_log_for(out.room());
  ZSTD_DCtx_setParameter(ctx.d, ZSTD_d_windowLogMax, window_log);

  unsigned long long claimed = ZSTD_getFrameContentSize(in.data(), in.size());
  bool known = claimed != ZSTD_CONTENTSIZE_UNKNOWN && claimed != ZSTD_CONTENTSIZE_ERROR;
  out.presize(known ? static_cast<size_t>(std::min<unsigned long long>(claimed, SIZE_MAX)) : 0,
              in.size());

  ZSTD_inBuffer src{in.data(), in.size(), 0};
  LimitProbe probe;
  size_t hint = 1;
  while (src.pos < src.size || hint != 0) {
    auto dst_span = out.room() > 0 ? out.space() : probe.span();
    ZSTD_outBuffer dst{dst_span.data(), dst_span.size(), 0};
    size_t consumed_before = src.pos;
    hint = ZSTD_decompressStream(ctx.d, &dst, &src);
    if (ZSTD_isError(hint)) {
      if (ZSTD_getErrorCode(hint) == ZSTD_error_frameParameter_windowTooLarge)
        return out.error("frame window larger than the allowed 2^" + std::to_string(window_log) +
                         " bytes");
      return out.error(std::string("corrupt frame: ") + ZSTD_getErrorName(hint));
    }
    if (dst_span.data() == &probe.byte) {
      if (dst.pos != 0) return out.limit_error();
    } else {
      out.advance(dst.pos);
    }
    // hint == 0: a frame ended and everything decoded so far was flushed.
    if (hint != 0 && src.pos == src.size && dst.pos < dst.size) return out.error("truncated frame");
    if (src.pos == consumed_before && dst.pos == 0 && hint != 0)
      return out.error("frame makes no progress");
  }
  return {};
}

}  // namespace kafkit::protocol::detail
