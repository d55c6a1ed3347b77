#pragma once
// Writer: appends Kafka primitives to an owned buffer. Callers size the buffer first with
// the generated encoded_size(), so a message is written with a single allocation.
//
// A RecordsSplicer installed with set_splicer() makes records() leave out record bytes that
// the caller sends from elsewhere (see records_splicer.hpp); the Writer then lists the
// gaps in splices(), and the buffer is shorter than encoded_size() by spliced_bytes().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/records_splicer.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

class Writer {
 public:
  explicit Writer(Bytes& out) noexcept : out_(out) {}

  void i8(int8_t v) { put(&v, 1); }
  void i16(int16_t v) { be(static_cast<uint16_t>(v)); }
  void i32(int32_t v) { be(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { be(static_cast<uint64_t>(v)); }
  void u16(uint16_t v) { be(v); }
  void u32(uint32_t v) { be(v); }
  void f64(double v);
  void boolean(bool v) { i8(v ? 1 : 0); }
  void uuid(const Uuid& u) { put(u.bytes.data(), 16); }
  void uvarint(uint32_t v);
  void varint(int32_t v) {
    uvarint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
  }
  void varlong(int64_t v);

  /// Throws std::length_error for a non-compact string over 32767 bytes (a caller's bug:
  /// the protocol cannot carry it).
  void string(std::string_view s, bool compact);
  void nullable_string(const std::optional<std::string>& s, bool compact);
  void bytes(ByteView b, bool compact);
  void nullable_bytes(const std::optional<Bytes>& b, bool compact);
  /// A field of schema type "records": nullable_bytes (or, when `nullable` is false in this
  /// version, bytes with null written as empty), unless the splicer claims the field — then
  /// only the length prefix for its external size is written and a SplicePoint recorded.
  void records(const std::optional<Bytes>& field, bool compact, bool nullable = true);
  /// Array length prefix; -1 writes a null array.
  void array_count(int64_t n, bool compact);
  void raw(ByteView b) { put(b.data(), b.size()); }

  size_t size() const noexcept { return out_.size(); }
  Bytes& buffer() noexcept { return out_; }

  /// `splicer` (not owned; null removes it) is consulted by records() from now on.
  void set_splicer(RecordsSplicer* splicer) noexcept { splicer_ = splicer; }
  /// The gaps left so far, in buffer order.
  const std::vector<SplicePoint>& splices() const noexcept { return splices_; }
  /// The total size of the gaps: the encoded message is size() + spliced_bytes() long.
  size_t spliced_bytes() const noexcept { return spliced_bytes_; }

 private:
  void put(const void* p, size_t n);
  template <class U>
  void be(U v) {
    if constexpr (sizeof(U) == 2) v = __builtin_bswap16(v);
    if constexpr (sizeof(U) == 4) v = __builtin_bswap32(v);
    if constexpr (sizeof(U) == 8) v = __builtin_bswap64(v);
    put(&v, sizeof v);
  }
  Bytes& out_;
  RecordsSplicer* splicer_ = nullptr;
  std::vector<SplicePoint> splices_;
  size_t spliced_bytes_ = 0;
};

/// Encoded sizes, matching what Writer produces.
constexpr size_t uvarint_size(uint64_t v) noexcept {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
constexpr size_t varint_size(int32_t v) noexcept {
  return uvarint_size((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}
constexpr size_t varlong_size(int64_t v) noexcept {
  return uvarint_size((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
/// Size of a string/bytes of `n` bytes with its length prefix (n = -1 for null).
constexpr size_t string_size(int64_t n, bool compact) noexcept {
  return compact ? uvarint_size(uint64_t(n + 1)) + size_t(n < 0 ? 0 : n)
                 : 2 + size_t(n < 0 ? 0 : n);
}
constexpr size_t bytes_size(int64_t n, bool compact) noexcept {
  return compact ? uvarint_size(uint64_t(n + 1)) + size_t(n < 0 ? 0 : n)
                 : 4 + size_t(n < 0 ? 0 : n);
}
constexpr size_t array_count_size(int64_t n, bool compact) noexcept {
  return compact ? uvarint_size(uint64_t(n + 1)) : 4;
}

}  // namespace kafkit::protocol
