#pragma once
// FrameDecoder: cuts a TCP byte stream into Kafka frames (INT32 size, then that many
// bytes). Bytes are fed as they arrive; complete frames come out in order.
//
// A size prefix is checked as soon as its four bytes are in: a negative size or one above
// the limit (the broker's socket.request.max.bytes, the client's receive.message.max.bytes)
// is an error before any of the payload is buffered, so a peer cannot make us reserve
// memory by announcing a large frame. The decoder only ever holds bytes it was given.
// After an error it stays failed: the stream has lost its framing and must be closed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/result.hpp"

namespace kafkit::net {

class FrameDecoder {
 public:
  using Bytes = std::vector<std::byte>;

  explicit FrameDecoder(size_t max_frame_size) noexcept : max_(max_frame_size) {}

  /// Appends received bytes; fails when a frame's size prefix is invalid.
  Result<void> feed(std::span<const std::byte> data);
  /// Room to receive into directly, saving feed()'s copy: at least `min` bytes, and the
  /// whole rest of a frame whose prefix is already in (so a large frame arrives in few
  /// reads). The span is valid until the next call; commit() what was written to it.
  std::span<std::byte> prepare(size_t min);
  /// Takes `n` bytes written to prepare()'s span; fails like feed().
  Result<void> commit(size_t n);
  /// The payload of the next complete frame (without its size prefix), if there is one.
  std::optional<Bytes> next();

  /// Changes the frame limit for frames whose prefix has not been checked yet (a broker
  /// raises it once a SASL session has authenticated).
  void set_max_frame_size(size_t max_frame_size) noexcept { max_ = max_frame_size; }
  /// Bytes received and not yet handed out.
  size_t buffered() const noexcept { return end_ - head_; }
  bool failed() const noexcept { return error_.has_value(); }

 private:
  Result<void> check_prefix();
  void make_room(size_t n);

  size_t max_;
  // buf_ is storage, [head_, end_) the received bytes: it grows to the largest frame seen
  // and is reused, so receiving never zero-fills (and shrinks back once drained).
  Bytes buf_;
  size_t head_ = 0;
  size_t end_ = 0;
  std::optional<Error> error_;
};

}  // namespace kafkit::net
