#include "protocol/writer.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

namespace kafkit::protocol {

void Writer::put(const void* p, size_t n) {
  if (n == 0) return;
  size_t at = out_.size();
  out_.resize(at + n);
  std::memcpy(out_.data() + at, p, n);
}

void Writer::f64(double v) {
  i64(std::bit_cast<int64_t>(v));
}

void Writer::uvarint(uint32_t v) {
  uint8_t buf[5];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<uint8_t>(v);
  put(buf, n);
}

void Writer::varlong(int64_t v) {
  uint64_t u = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  uint8_t buf[10];
  size_t n = 0;
  while (u >= 0x80) {
    buf[n++] = static_cast<uint8_t>(u | 0x80);
    u >>= 7;
  }
  buf[n++] = static_cast<uint8_t>(u);
  put(buf, n);
}

void Writer::string(std::string_view s, bool compact) {
  if (compact) {
    uvarint(static_cast<uint32_t>(s.size() + 1));
  } else {
    // An INT16 length cannot say more; writing it anyway would corrupt the frame.
    if (s.size() > INT16_MAX)
      throw std::length_error("a " + std::to_string(s.size()) +
                              "-byte string does not fit a non-flexible STRING (max 32767)");
    i16(static_cast<int16_t>(s.size()));
  }
  put(s.data(), s.size());
}

void Writer::nullable_string(const std::optional<std::string>& s, bool compact) {
  if (s) return string(*s, compact);
  if (compact)
    uvarint(0);
  else
    i16(-1);
}

void Writer::bytes(ByteView b, bool compact) {
  if (compact)
    uvarint(static_cast<uint32_t>(b.size() + 1));
  else
    i32(static_cast<int32_t>(b.size()));
  put(b.data(), b.size());
}

void Writer::nullable_bytes(const std::optional<Bytes>& b, bool compact) {
  if (b) return bytes(*b, compact);
  if (compact)
    uvarint(0);
  else
    i32(-1);
}

void Writer::records(const std::optional<Bytes>& field, bool compact, bool nullable) {
  if (splicer_ != nullptr) {
    if (auto n = splicer_->external_size(field)) {
      // The same prefix bytes() would write for *n bytes; the bytes themselves follow later.
      if (compact)
        uvarint(static_cast<uint32_t>(*n + 1));
      else
        i32(static_cast<int32_t>(*n));
      splices_.push_back({out_.size(), *n, &field});
      spliced_bytes_ += *n;
      return;
    }
  }
  if (nullable) return nullable_bytes(field, compact);
  bytes(field ? ByteView(*field) : ByteView(), compact);
}

void Writer::array_count(int64_t n, bool compact) {
  if (compact)
    uvarint(static_cast<uint32_t>(n + 1));
  else
    i32(static_cast<int32_t>(n));
}

}  // namespace kafkit::protocol
