#pragma once
// Splits a captured byte stream into size-prefixed Kafka frames.
#include <cstddef>
#include <optional>
#include <string>

#include "protocol/types.hpp"

namespace kafkit::dump {

struct Frame {
  size_t index = 0;            // 1-based frame number in its file
  size_t offset = 0;           // byte offset of the size prefix in the file
  protocol::ByteView payload;  // header + body, without the size prefix
};

class FrameSplitter {
 public:
  explicit FrameSplitter(protocol::ByteView data) noexcept : data_(data) {}
  /// The next frame; nullopt at the end or on a broken frame (then error() says why).
  std::optional<Frame> next();
  const std::string& error() const noexcept { return error_; }

 private:
  protocol::ByteView data_;
  size_t pos_ = 0;
  size_t count_ = 0;
  std::string error_;
};

}  // namespace kafkit::dump
