#pragma once
// Value types shared by every generated message: owned byte strings, UUIDs and the
// unknown tagged fields that a decoder keeps so that re-encoding loses nothing (KIP-482).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kafkit::protocol {

using Bytes = std::vector<std::byte>;
using ByteView = std::span<const std::byte>;

/// A Kafka UUID: 16 bytes, most significant first. All zero means "no id".
struct Uuid {
  std::array<uint8_t, 16> bytes{};

  bool is_zero() const noexcept;
  /// Java's rendering: URL-safe base64 without padding, 22 characters.
  std::string to_string() const;
  bool operator==(const Uuid&) const = default;
};

/// A tagged field this code does not know; its bytes are kept verbatim.
struct TaggedField {
  uint32_t tag = 0;
  Bytes data;
  bool operator==(const TaggedField&) const = default;
};
using TaggedFields = std::vector<TaggedField>;

inline ByteView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace kafkit::protocol
