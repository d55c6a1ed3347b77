#include "protocol/codec/bounded_output.hpp"

#include <algorithm>
#include <cstdint>

#include "common/result.hpp"

namespace kafkit::protocol::detail {

namespace {
// A compressed stream claiming more than this many bytes per input byte gets its first
// buffer at this ratio and grows from there; real Kafka batches compress 2-20x.
constexpr size_t trusted_ratio = 64;
constexpr size_t min_step = 4096;
}  // namespace

BoundedOutput::~BoundedOutput() {
  if (!committed_) out_.resize(base_);
}

void BoundedOutput::grow_to(size_t total) {
  // reserve() first so the vector allocates exactly this much instead of applying its own
  // growth factor on top of ours.
  out_.reserve(base_ + total);
  out_.resize(base_ + total);
}

void BoundedOutput::presize(size_t expected, size_t input_size) {
  size_t plausible = input_size < (SIZE_MAX - min_step) / trusted_ratio
                         ? input_size * trusted_ratio + min_step
                         : SIZE_MAX;
  size_t guess = expected != 0 ? expected : input_size * 4;
  size_t first = std::min({std::max(guess, size_t{64}), plausible, limit_});
  if (first > out_.size() - base_) grow_to(first);
}

std::span<std::byte> BoundedOutput::space(size_t want) {
  size_t have = out_.size() - base_;
  if (have - written_ < want && have < limit_) {
    size_t doubled = have > limit_ / 2 ? limit_ : std::max(have * 2, min_step);
    size_t needed = want > limit_ - written_ ? limit_ : written_ + want;
    grow_to(std::min(std::max(doubled, needed), limit_));
    have = out_.size() - base_;
  }
  return {out_.data() + base_ + written_, have - written_};
}

void BoundedOutput::commit() {
  out_.resize(base_ + written_);
  committed_ = true;
}

Error BoundedOutput::error(std::string_view what) const {
  std::string m(codec_);
  m += ": ";
  m += what;
  return Error{errc::malformed, std::move(m)};
}

Error BoundedOutput::limit_error() const {
  return error("decompressed size exceeds the limit of " + std::to_string(limit_) + " bytes");
}

}  // namespace kafkit::protocol::detail
