#pragma once
// Big-endian loads and stores at known positions: the batch header fields that the builder
// fills in after the records are written, and that brokers patch in place.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace kafkit::protocol::detail {

template <class U>
constexpr U byte_swap(U v) noexcept {
  static_assert(std::is_unsigned_v<U>);
  if constexpr (sizeof(U) == 1) return v;
  if constexpr (sizeof(U) == 2) return static_cast<U>(__builtin_bswap16(v));
  if constexpr (sizeof(U) == 4) return static_cast<U>(__builtin_bswap32(v));
  if constexpr (sizeof(U) == 8) return static_cast<U>(__builtin_bswap64(v));
}

template <class T>
T load_be(const std::byte* p) noexcept {
  using U = std::make_unsigned_t<T>;
  U v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::little) v = byte_swap(v);
  return static_cast<T>(v);
}

template <class T>
void store_be(std::byte* p, T value) noexcept {
  using U = std::make_unsigned_t<T>;
  auto v = static_cast<U>(value);
  if constexpr (std::endian::native == std::endian::little) v = byte_swap(v);
  std::memcpy(p, &v, sizeof v);
}

}  // namespace kafkit::protocol::detail
