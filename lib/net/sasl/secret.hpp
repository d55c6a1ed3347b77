#pragma once
// Small security helpers shared by the mechanisms: buffers that wipe themselves, constant-time
// comparison, random nonces and UTF-8 validation.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace kafkit::net::sasl {

using Bytes = std::vector<std::uint8_t>;

/// Key material (salted password, SCRAM keys): cleansed with OPENSSL_cleanse when destroyed
/// or reassigned so that secrets do not linger in freed heap memory.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : bytes_(size) {}
  explicit SecretBytes(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
  SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
    other.bytes_.clear();
  }
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes() { wipe(); }

  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  std::span<const std::uint8_t> view() const { return bytes_; }
  std::span<std::uint8_t> span() { return bytes_; }
  /// Zeroes and empties the buffer.
  void wipe();

 private:
  std::vector<std::uint8_t> bytes_;
};

/// Overwrites a string's characters (e.g. a password copy) and empties it.
void wipe(std::string& text);

/// Equality that takes the same time wherever the inputs differ (CRYPTO_memcmp). Different
/// lengths compare unequal; only the lengths themselves may leak.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);
/// Equality of two secrets of any length without leaking where, or whether, their lengths
/// differ: compares SHA-256 digests in constant time (for PLAIN passwords).
bool constant_time_equal_text(std::string_view a, std::string_view b);

/// `count` bytes from OpenSSL's CSPRNG (RAND_bytes), or an error if it is not seeded.
Result<Bytes> random_bytes(std::size_t count);
/// A SCRAM/nonce string: 32 printable characters from 24 random bytes, base64-encoded (never
/// ',' or '=', so it needs no escaping; RFC 5802 `printable`).
Result<std::string> random_nonce();

/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view text);

inline std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace kafkit::net::sasl
