#include "net/frame_decoder.hpp"

#include <cstring>
#include <string>

namespace kafkit::net {

namespace {

int32_t load_size(const std::byte* p) noexcept {
  uint32_t v =
      (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
  return static_cast<int32_t>(v);
}

}  // namespace

Result<void> FrameDecoder::check_prefix() {
  if (buffered() < 4) return {};
  int32_t size = load_size(buf_.data() + head_);
  if (size < 0) {
    error_ = Error{kafkit::errc::malformed, "negative frame size " + std::to_string(size)};
  } else if (size_t(size) > max_) {
    error_ = Error{kafkit::errc::malformed, "frame size " + std::to_string(size) +
                                                " exceeds the limit of " + std::to_string(max_) +
                                                " bytes"};
  }
  if (error_) return *error_;
  return {};
}

Result<void> FrameDecoder::feed(std::span<const std::byte> data) {
  if (error_) return *error_;
  // Drop consumed bytes once they are the larger part, so the buffer does not creep.
  if (head_ > 0 && head_ >= buf_.size() / 2) {
    buf_.erase(buf_.begin(), buf_.begin() + std::ptrdiff_t(head_));
    head_ = 0;
  }
  buf_.insert(buf_.end(), data.begin(), data.end());
  return check_prefix();
}

std::optional<FrameDecoder::Bytes> FrameDecoder::next() {
  if (error_ || buffered() < 4) return std::nullopt;
  auto size = size_t(load_size(buf_.data() + head_));
  if (buffered() - 4 < size) return std::nullopt;
  const std::byte* start = buf_.data() + head_ + 4;
  Bytes frame(start, start + size);
  head_ += 4 + size;
  // The following frame's prefix may already be here: check it now; a failure sticks and
  // shows in failed() and the next feed().
  (void)check_prefix();
  return frame;
}

}  // namespace kafkit::net
