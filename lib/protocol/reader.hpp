#pragma once
// Reader: bounds-checked decoding of Kafka primitives from a byte span.
//
// The first failure sticks: after it every read returns a zero value and consumes nothing,
// so generated decoders run straight through without a branch per field and report the
// first error (what, which field, at which byte) at the end. A declared length or count
// is checked against the bytes that remain before anything is allocated.
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

class Reader {
 public:
  /// `base_offset` is added to reported offsets (for sub-readers over a slice).
  explicit Reader(ByteView data, size_t base_offset = 0) noexcept
      : data_(data), base_(base_offset) {}

  bool ok() const noexcept { return reason_ == nullptr; }
  size_t offset() const noexcept { return base_ + pos_; }
  size_t remaining() const noexcept { return data_.size() - pos_; }
  bool at_end() const noexcept { return pos_ == data_.size(); }

  /// Records a failure unless one is already recorded. `reason` and `field` must be
  /// string literals (they are kept by pointer).
  void fail(const char* reason, const char* field) noexcept;
  /// Takes over the failure of a sub-reader.
  void fail_from(const Reader& sub) noexcept;
  /// "truncated input at byte 17 reading ProduceRequest.Acks"
  Error error() const;
  const char* reason() const noexcept { return reason_; }
  const char* field() const noexcept { return field_; }
  size_t error_offset() const noexcept { return error_offset_; }

  int8_t i8(const char* field) noexcept;
  int16_t i16(const char* field) noexcept;
  int32_t i32(const char* field) noexcept;
  int64_t i64(const char* field) noexcept;
  uint16_t u16(const char* field) noexcept;
  uint32_t u32(const char* field) noexcept;
  double f64(const char* field) noexcept;
  bool boolean(const char* field) noexcept;
  Uuid uuid(const char* field) noexcept;
  /// Unsigned LEB128, at most 5 bytes.
  uint32_t uvarint(const char* field) noexcept;
  /// Zigzag LEB128: at most 5 bytes (varint) or 10 bytes (varlong).
  int32_t varint(const char* field) noexcept;
  int64_t varlong(const char* field) noexcept;

  std::string string(bool compact, const char* field);
  std::optional<std::string> nullable_string(bool compact, const char* field);
  Bytes bytes(bool compact, const char* field);
  std::optional<Bytes> nullable_bytes(bool compact, const char* field);

  /// Reads an array length. Returns -1 for a null array (a failure when !nullable) and
  /// otherwise a count that the remaining input can hold at `min_element_size` bytes each.
  int32_t array_count(bool compact, bool nullable, size_t min_element_size,
                      const char* field) noexcept;

  /// The next `n` bytes as a view (empty and failed when fewer remain).
  ByteView take(size_t n, const char* field) noexcept;

 private:
  /// Length prefix of a string/bytes: -1 null, else a length that fits in the input.
  int64_t length(bool compact, bool wide, const char* field) noexcept;
  uint64_t uleb(unsigned max_bytes, const char* field) noexcept;

  ByteView data_;
  size_t pos_ = 0;
  size_t base_ = 0;
  const char* reason_ = nullptr;
  const char* field_ = "";
  size_t error_offset_ = 0;
};

/// Upper bound on tagged fields in one tag buffer; more is refused rather than parsed,
/// so a frame of millions of tiny tags cannot turn into millions of allocations.
inline constexpr uint32_t max_tagged_fields = 256;

/// Reads a tag buffer header; returns the number of tagged fields (0 on failure).
uint32_t read_tag_count(Reader& r, const char* field) noexcept;

}  // namespace kafkit::protocol
