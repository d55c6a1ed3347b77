#include "binary_encoding.hpp"

#include <array>
#include <cstdint>

namespace kafkit::cli {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kHex = "0123456789abcdef";

int base64_value(char c) {
  auto at = kBase64.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

int hex_value(char c) {
  if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  auto at = kHex.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

std::string to_base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (size_t i = 0; i < in.size(); i += 3) {
    size_t n = std::min<size_t>(3, in.size() - i);
    std::uint32_t v = 0;
    for (size_t j = 0; j < 3; ++j)
      v = (v << 8) | (j < n ? static_cast<unsigned char>(in[i + j]) : 0u);
    for (size_t j = 0; j < 4; ++j) out += j <= n ? kBase64[(v >> (18 - 6 * j)) & 63] : '=';
  }
  return out;
}

std::optional<std::string> from_base64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    std::uint32_t v = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = in[i + j];
      // Padding only at the very end, at most two characters.
      if (c == '=' && i + 4 == in.size() && j >= 2) {
        ++pad;
        v <<= 6;
        continue;
      }
      int d = base64_value(c);
      if (d < 0 || pad > 0) return std::nullopt;
      v = (v << 6) | static_cast<std::uint32_t>(d);
    }
    for (int j = 0; j < 3 - pad; ++j) out += static_cast<char>((v >> (16 - 8 * j)) & 0xff);
  }
  return out;
}

std::string to_hex(std::string_view in) {
  std::string out;
  out.reserve(in.size() * 2);
  for (unsigned char c : in) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view in) {
  if (in.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 2);
  for (size_t i = 0; i < in.size(); i += 2) {
    int hi = hex_value(in[i]), lo = hex_value(in[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string encode(std::string_view bytes, Encoding encoding) {
  switch (encoding) {
    case Encoding::base64:
      return to_base64(bytes);
    case Encoding::hex:
      return to_hex(bytes);
    case Encoding::none:
      break;
  }
  return std::string(bytes);
}

std::optional<std::string> decode(std::string_view text, Encoding encoding) {
  switch (encoding) {
    case Encoding::base64:
      return from_base64(text);
    case Encoding::hex:
      return from_hex(text);
    case Encoding::none:
      break;
  }
  return std::string(text);
}

const char* encoding_name(Encoding encoding) noexcept {
  switch (encoding) {
    case Encoding::base64:
      return "base64";
    case Encoding::hex:
      return "hex";
    case Encoding::none:
      break;
  }
  return "none";
}

std::optional<Encoding> encoding_from_name(std::string_view name) noexcept {
  if (name == "base64") return Encoding::base64;
  if (name == "hex") return Encoding::hex;
  if (name == "none") return Encoding::none;
  return std::nullopt;
}

}  // namespace kafkit::cli
