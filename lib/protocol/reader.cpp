#include "protocol/reader.hpp"

#include <bit>
#include <cstring>

namespace kafkit::protocol {

namespace {
constexpr const char* truncated = "truncated input";
}

void Reader::fail(const char* reason, const char* field) noexcept {
  if (reason_ != nullptr) return;
  reason_ = reason;
  field_ = field;
  error_offset_ = offset();
  pos_ = data_.size();  // nothing more is read after a failure
}

void Reader::fail_from(const Reader& sub) noexcept {
  if (reason_ != nullptr || sub.reason_ == nullptr) return;
  reason_ = sub.reason_;
  field_ = sub.field_;
  error_offset_ = sub.error_offset_;
  pos_ = data_.size();
}

Error Reader::error() const {
  if (ok()) return Error{0, ""};
  return Error{errc::malformed, std::string(reason_) + " at byte " + std::to_string(error_offset_) +
                                    " reading " + field_};
}

ByteView Reader::take(size_t n, const char* field) noexcept {
  if (n > remaining()) {
    fail(truncated, field);
    return {};
  }
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

namespace {
template <class T>
T load_be(const std::byte* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::little) {
    if constexpr (sizeof(T) == 2) v = static_cast<T>(__builtin_bswap16(static_cast<uint16_t>(v)));
    if constexpr (sizeof(T) == 4) v = static_cast<T>(__builtin_bswap32(static_cast<uint32_t>(v)));
    if constexpr (sizeof(T) == 8) v = static_cast<T>(__builtin_bswap64(static_cast<uint64_t>(v)));
  }
  return v;
}
}  // namespace

#define KAFKIT_READ_FIXED(name, T)             \
  T Reader::name(const char* field) noexcept { \
    if (remaining() < sizeof(T)) {             \
      fail(truncated, field);                  \
      return 0;                                \
    }                                          \
    T v = load_be<T>(data_.data() + pos_);     \
    pos_ += sizeof(T);                         \
    return v;                                  \
  }
KAFKIT_READ_FIXED(i8, int8_t)
KAFKIT_READ_FIXED(i16, int16_t)
KAFKIT_READ_FIXED(i32, int32_t)
KAFKIT_READ_FIXED(i64, int64_t)
KAFKIT_READ_FIXED(u16, uint16_t)
KAFKIT_READ_FIXED(u32, uint32_t)
#undef KAFKIT_READ_FIXED

double Reader::f64(const char* field) noexcept {
  return std::bit_cast<double>(static_cast<uint64_t>(i64(field)));
}

bool Reader::boolean(const char* field) noexcept {
  return i8(field) != 0;
}

Uuid Reader::uuid(const char* field) noexcept {
  Uuid u;
  ByteView b = take(16, field);
  if (b.size() == 16) std::memcpy(u.bytes.data(), b.data(), 16);
  return u;
}

uint64_t Reader::uleb(unsigned max_bytes, const char* field) noexcept {
  uint64_t v = 0;
  for (unsigned i = 0; i < max_bytes; ++i) {
    if (pos_ >= data_.size()) {
      fail(truncated, field);
      return 0;
    }
    auto b = static_cast<uint8_t>(data_[pos_++]);
    v |= uint64_t(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      // The last byte may only carry the bits that fit: 32 bits = 4*7 + 4, 64 = 9*7 + 1.
      if (i == max_bytes - 1 && (b >> (max_bytes == 5 ? 4 : 1)) != 0) {
        fail("varint overflows its type", field);
        return 0;
      }
      return v;
    }
  }
  fail("varint longer than its type allows", field);
  return 0;
}

uint32_t Reader::uvarint(const char* field) noexcept {
  return static_cast<uint32_t>(uleb(5, field));
}

int32_t Reader::varint(const char* field) noexcept {
  auto u = static_cast<uint32_t>(uleb(5, field));
  return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

int64_t Reader::varlong(const char* field) noexcept {
  uint64_t u = uleb(10, field);
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

int64_t Reader::length(bool compact, bool wide, const char* field) noexcept {
  int64_t n;
  if (compact) {
    n = int64_t(uvarint(field)) - 1;
  } else {
    n = wide ? i32(field) : i16(field);
    if (n < -1) {
      if (ok()) fail("negative length", field);
      return -1;
    }
  }
  if (!ok()) return -1;
  if (n > int64_t(remaining())) {
    fail("length exceeds the remaining input", field);
    return -1;
  }
  return n;
}

std::string Reader::string(bool compact, const char* field) {
  int64_t n = length(compact, false, field);
  if (n < 0) {
    if (ok()) fail("null where a string is required", field);
    return {};
  }
  return std::string(as_chars(take(size_t(n), field)));
}

std::optional<std::string> Reader::nullable_string(bool compact, const char* field) {
  int64_t n = length(compact, false, field);
  if (n < 0) return std::nullopt;
  return std::string(as_chars(take(size_t(n), field)));
}

Bytes Reader::bytes(bool compact, const char* field) {
  int64_t n = length(compact, true, field);
  if (n < 0) {
    if (ok()) fail("null where bytes are required", field);
    return {};
  }
  ByteView v = take(size_t(n), field);
  return Bytes(v.begin(), v.end());
}

std::optional<Bytes> Reader::nullable_bytes(bool compact, const char* field) {
  int64_t n = length(compact, true, field);
  if (n < 0) return std::nullopt;
  ByteView v = take(size_t(n), field);
  return Bytes(v.begin(), v.end());
}

int32_t Reader::array_count(bool compact, bool nullable, size_t min_element_size,
                            const char* field) noexcept {
  int64_t n = compact ? int64_t(uvarint(field)) - 1 : i32(field);
  if (!ok()) return 0;
  if (n < -1 || (compact && n > INT32_MAX)) {
    fail("invalid array length", field);
    return 0;
  }
  if (n == -1) {
    if (!nullable) {
      fail("null where an array is required", field);
      return 0;
    }
    return -1;
  }
  if (min_element_size == 0) min_element_size = 1;
  if (uint64_t(n) > remaining() / min_element_size) {
    fail("array length exceeds the remaining input", field);
    return 0;
  }
  return static_cast<int32_t>(n);
}

uint32_t read_tag_count(Reader& r, const char* field) noexcept {
  uint32_t n = r.uvarint(field);
  if (!r.ok()) return 0;
  if (n > max_tagged_fields) {
    r.fail("too many tagged fields", field);
    return 0;
  }
  if (uint64_t(n) * 2 > r.remaining()) {  // each needs a tag and a size byte at least
    r.fail("tagged field count exceeds the remaining input", field);
    return 0;
  }
  return n;
}

}  // namespace kafkit::protocol
