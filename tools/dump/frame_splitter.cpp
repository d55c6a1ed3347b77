#include "frame_splitter.hpp"

#include "protocol/reader.hpp"

namespace kafkit::dump {

std::optional<Frame> FrameSplitter::next() {
  if (pos_ >= data_.size() || !error_.empty()) return std::nullopt;
  size_t index = count_ + 1;
  protocol::Reader r(data_.subspan(pos_), pos_);
  int32_t size = r.i32("frame size");
  if (!r.ok() || size < 0 || size_t(size) > r.remaining()) {
    error_ = "frame " + std::to_string(index) + " at byte " + std::to_string(pos_) + ": " +
             (!r.ok()    ? std::string("truncated size prefix")
              : size < 0 ? "negative frame size " + std::to_string(size)
                         : "frame size " + std::to_string(size) + " exceeds the " +
                               std::to_string(r.remaining()) + " bytes left in the stream");
    return std::nullopt;
  }
  Frame f{index, pos_, data_.subspan(pos_ + 4, size_t(size))};
  pos_ += 4 + size_t(size);
  count_ = index;
  return f;
}

}  // namespace kafkit::dump
