#pragma once
// BoundedOutput: the one place where decompressors get memory. Input never decides how
// much is allocated: the buffer grows in doubling steps only as output is actually
// produced, never past the caller's limit, and `out` is put back as it was unless the
// decompressor commits.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol::detail {

class BoundedOutput {
 public:
  /// Appends to `out` at most `limit` bytes; `codec` prefixes error messages.
  BoundedOutput(Bytes& out, size_t limit, const char* codec) noexcept
      : out_(out), base_(out.size()), limit_(limit), codec_(codec) {}
  ~BoundedOutput();
  BoundedOutput(const BoundedOutput&) = delete;
  BoundedOutput& operator=(const BoundedOutput&) = delete;

  /// Sizes the first allocation. `expected` is what the stream claims it holds (0 when it
  /// does not say); a claim is only trusted up to a plausible ratio of the input size, so
  /// a few forged header bytes cannot make us allocate the whole limit up front.
  void presize(size_t expected, size_t input_size);

  /// Writable space after the bytes written so far: at least `want` bytes when the limit
  /// allows, else whatever the limit leaves (empty at the limit).
  std::span<std::byte> space(size_t want = 1);
  /// Marks `n` bytes of the last space() as written.
  void advance(size_t n) noexcept { written_ += n; }

  size_t written() const noexcept { return written_; }
  /// Bytes that may still be written.
  size_t room() const noexcept { return limit_ - written_; }

  /// Keeps what was written and trims the spare space.
  void commit();

  /// "<codec>: <what>".
  Error error(std::string_view what) const;
  /// "<codec>: decompressed size exceeds the limit of N bytes".
  Error limit_error() const;

 private:
  void grow_to(size_t total);

  Bytes& out_;
  size_t base_;
  size_t limit_;
  const char* codec_;
  size_t written_ = 0;
  bool committed_ = false;
};

/// A decoder sitting exactly at the limit writes into this to find out whether the stream
/// really has more output: one byte written there means the limit is exceeded.
struct LimitProbe {
  std::byte byte{};
  std::span<std::byte> span() noexcept { return {&byte, 1}; }
};

}  // namespace kafkit::protocol::detail
