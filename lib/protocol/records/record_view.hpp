#pragma once
// RecordView: one decoded record, as views into the batch it came from. Keys, values and
// header keys are never copied; a view lives as long as the RecordBatchView (or the input
// bytes, for uncompressed batches) that produced it.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

#include "protocol/types.hpp"

namespace kafkit::protocol {

/// A record header. The key is UTF-8 and never null (the wire format has no null header
/// key); the value may be null. Also the builder's input type.
struct RecordHeader {
  std::string_view key;
  std::optional<ByteView> value;
};

/// The headers of one record, parsed lazily from the record's header bytes. The batch
/// decoder has already validated these bytes, so iteration cannot fail.
class HeaderRange {
 public:
  class iterator {
   public:
    using value_type = RecordHeader;
    using difference_type = std::ptrdiff_t;
    using iterator_concept = std::forward_iterator_tag;

    iterator() = default;
    // By value: a reference into the iterator would dangle in `*headers.begin()`.
    RecordHeader operator*() const noexcept { return current_; }
    const RecordHeader* operator->() const noexcept { return &current_; }
    iterator& operator++() noexcept {
      advance();
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      advance();
      return old;
    }
    bool operator==(std::default_sentinel_t) const noexcept { return left_ < 0; }
    bool operator==(const iterator& o) const noexcept {
      return left_ == o.left_ && (left_ < 0 || rest_.data() == o.rest_.data());
    }

   private:
    friend class HeaderRange;
    iterator(ByteView bytes, int32_t count) noexcept : rest_(bytes), left_(count) { advance(); }
    void advance() noexcept;

    ByteView rest_;
    int32_t left_ = -1;  // headers not yet parsed; -1 once past the end
    RecordHeader current_;
  };

  HeaderRange() = default;
  /// `bytes` are the header entries (after the header count) of a validated record.
  HeaderRange(ByteView bytes, int32_t count) noexcept : bytes_(bytes), count_(count) {}

  iterator begin() const noexcept { return iterator(bytes_, count_); }
  std::default_sentinel_t end() const noexcept { return {}; }
  size_t size() const noexcept { return static_cast<size_t>(count_); }
  bool empty() const noexcept { return count_ == 0; }
  /// The header entries as they are on the wire (for re-encoding without re-parsing).
  ByteView bytes() const noexcept { return bytes_; }

 private:
  ByteView bytes_;
  int32_t count_ = 0;
};

/// One record of a v2 batch or legacy message set, with its absolute offset and its
/// effective timestamp (the batch's maxTimestamp for LogAppendTime batches, -1 for magic 0).
struct RecordView {
  int64_t offset = 0;
  int64_t timestamp = -1;
  /// The record's attributes byte (unused by Kafka so far, always 0 when written by kafkit;
  /// for legacy messages the message attributes).
  int8_t attributes = 0;
  std::optional<ByteView> key;
  std::optional<ByteView> value;
  /// Empty for legacy messages, which have no headers.
  HeaderRange headers;
};

}  // namespace kafkit::protocol
