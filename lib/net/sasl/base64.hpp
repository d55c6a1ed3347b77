#pragma once
// Base64 (RFC 4648 §4, padded: SCRAM attributes) and base64url (§5, unpadded: JWTs).
// Decoders are strict: no whitespace, no characters outside the alphabet, no bits left over,
// so that a peer cannot smuggle two spellings of one value past a comparison.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kafkit::net::sasl {

std::string base64_encode(std::span<const std::uint8_t> data);
std::string base64_encode(std::string_view text);
/// Padded base64 only (length a multiple of 4). nullopt on anything else.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

/// base64url without '=' padding (RFC 7515 §2 "Base64url Encoding").
std::string base64url_encode(std::span<const std::uint8_t> data);
std::string base64url_encode(std::string_view text);
/// Accepts base64url with or without trailing padding (Java's URL decoder does too).
std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

}  // namespace kafkit::net::sasl
