#include "net/frame_decoder.hpp"

#include <algorithm>
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

// Buffers above this are released once drained: one huge frame must not pin its memory
// for the rest of the connection.
constexpr size_t kKeptCapacity = 1 << 20;

void FrameDecoder::make_room(size_t n) {
  // Drop consumed bytes once they are the larger part, so the buffer does not creep.
  if (head_ > 0 && (head_ >= end_ - head_ || buf_.size() - end_ < n)) {
    std::memmove(buf_.data(), buf_.data() + head_, end_ - head_);
    end_ -= head_;
    head_ = 0;
  }
  if (buf_.size() - end_ < n) buf_.resize(end_ + n);
}

Result<void> FrameDecoder::feed(std::span<const std::byte> data) {
  if (error_) return *error_;
  make_room(data.size());
  if (!data.empty()) std::memcpy(buf_.data() + end_, data.data(), data.size());
  end_ += data.size();
  return check_prefix();
}

std::span<std::byte> FrameDecoder::prepare(size_t min) {
  size_t want = min;
  if (!error_ && buffered() >= 4) {
    // Room for the rest of the frame, but never more than 1 MiB or what already arrived:
    // memory follows the bytes a peer actually sends, not the size it announces.
    size_t frame = 4 + size_t(load_size(buf_.data() + head_));
    if (frame > buffered())
      want = std::max(want, std::min(frame - buffered(), std::max(kKeptCapacity, buffered())));
  }
  make_room(want);
  return {buf_.data() + end_, buf_.size() - end_};
}

Result<void> FrameDecoder::commit(size_t n) {
  if (error_) return *error_;
  end_ += std::min(n, buf_.size() - end_);
  return check_prefix();
}

std::optional<FrameDecoder::Bytes> FrameDecoder::next() {
  if (error_ || buffered() < 4) return std::nullopt;
  auto size = size_t(load_size(buf_.data() + head_));
  if (buffered() - 4 < size) return std::nullopt;
  if (head_ == 0 && end_ == 4 + size && size >= kKeptCapacity) {
    // A large frame that is all we hold (a big Fetch response, read straight in): hand out
    // the buffer itself instead of a fresh copy, whose pages would all fault in again.
    std::memmove(buf_.data(), buf_.data() + 4, size);
    buf_.resize(size);
    Bytes frame = std::move(buf_);
    buf_ = Bytes();
    head_ = end_ = 0;
    return frame;
  }
  const std::byte* start = buf_.data() + head_ + 4;
  Bytes frame(start, start + size);
  head_ += 4 + size;
  if (head_ == end_) {
    head_ = end_ = 0;
    if (buf_.size() > kKeptCapacity) Bytes().swap(buf_);
  }
  // The following frame's prefix may already be here: check it now; a failure sticks and
  // shows in failed() and the next feed().
  (void)check_prefix();
  return frame;
}

}  // namespace kafkit::net
