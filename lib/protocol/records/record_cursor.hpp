#pragma once
// RecordCursor: the reader of the record hot path. A v2 record has nine fields, and
// protocol::Reader's calls are out of line (reader.cpp): at a few nanoseconds per call that
// alone capped decoding of 100-byte records below 1 GB/s. The cursor decodes the common
// cases inline (a fixed-width byte, a view whose bytes are all there, a varint that ends
// before its last possible byte, where no overflow can occur) and hands every other case to
// a Reader placed at the same position, so Reader's rules (overflow, truncation) and its
// error wording stay the only ones. The first failure sticks, as in Reader.
#include <cstddef>
#include <cstdint>

#include "protocol/reader.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol::detail {

class RecordCursor {
 public:
  RecordCursor() = default;
  /// `base` is added to reported byte positions.
  RecordCursor(ByteView data, size_t base) noexcept : data_(data), base_(base) {}

  bool ok() const noexcept { return reason_ == nullptr; }
  bool at_end() const noexcept { return pos_ == data_.size(); }
  size_t remaining() const noexcept { return data_.size() - pos_; }
  size_t position() const noexcept { return base_ + pos_; }
  const char* reason() const noexcept { return reason_; }
  const char* field() const noexcept { return field_; }
  size_t error_offset() const noexcept { return error_offset_; }

  /// `reason` and `field` must be string literals.
  void fail(const char* reason, const char* field) noexcept {
    if (reason_ != nullptr) return;
    reason_ = reason;
    field_ = field;
    error_offset_ = position();
    pos_ = data_.size();
  }

  /// Runs `read` on a Reader at the cursor's position, then continues after what it read
  /// (or takes over its failure).
  template <class F>
  auto with_reader(F&& read) noexcept {
    Reader r(data_.subspan(pos_), base_ + pos_);
    auto v = read(r);
    if (!r.ok()) {
      if (reason_ == nullptr) {
        reason_ = r.reason();
        field_ = r.field();
        error_offset_ = r.error_offset();
      }
      pos_ = data_.size();
    } else {
      pos_ = data_.size() - r.remaining();
    }
    return v;
  }

  /// Takes over the failure of a cursor over a part of this one's input.
  void fail_from(const RecordCursor& sub) noexcept {
    if (reason_ != nullptr || sub.reason_ == nullptr) return;
    reason_ = sub.reason_;
    field_ = sub.field_;
    error_offset_ = sub.error_offset_;
    pos_ = data_.size();
  }

  int8_t i8(const char* field) noexcept {
    if (pos_ < data_.size()) return static_cast<int8_t>(data_[pos_++]);
    return with_reader([&](Reader& r) { return r.i8(field); });
  }

  int32_t varint(const char* field) noexcept {
    uint64_t u;
    if (fast_uleb(5, u)) return static_cast<int32_t>((uint32_t(u) >> 1) ^ (~(uint32_t(u) & 1) + 1));
    return with_reader([&](Reader& r) { return r.varint(field); });
  }

  int64_t varlong(const char* field) noexcept {
    uint64_t u;
    if (fast_uleb(10, u)) return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return with_reader([&](Reader& r) { return r.varlong(field); });
  }

  /// The next `n` bytes as a view (empty and failed when fewer remain).
  ByteView take(size_t n, const char* field) noexcept {
    if (n <= data_.size() - pos_) {
      ByteView v = data_.subspan(pos_, n);
      pos_ += n;
      return v;
    }
    return with_reader([&](Reader& r) { return r.take(n, field); });
  }

 private:
  // Decodes a LEB128 value that ends within its first max_bytes - 1 bytes and within the
  // input. Those encodings cannot overflow; anything else goes to Reader.
  bool fast_uleb(unsigned max_bytes, uint64_t& out) noexcept {
    size_t avail = data_.size() - pos_;
    size_t limit = avail < max_bytes - 1 ? avail : max_bytes - 1;
    uint64_t v = 0;
    for (size_t i = 0; i < limit; ++i) {
      auto b = static_cast<uint8_t>(data_[pos_ + i]);
      v |= uint64_t(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        pos_ += i + 1;
        out = v;
        return true;
      }
    }
    return false;
  }

  ByteView data_;
  size_t pos_ = 0;
  size_t base_ = 0;
  const char* reason_ = nullptr;
  const char* field_ = "";
  size_t error_offset_ = 0;
};

}  // namespace kafkit::protocol::detail
