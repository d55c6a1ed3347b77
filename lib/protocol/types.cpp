#include "protocol/types.hpp"

namespace kafkit::protocol {

bool Uuid::is_zero() const noexcept {
  for (auto b : bytes)
    if (b != 0) return false;
  return true;
}

std::string Uuid::to_string() const {
  static constexpr char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve(22);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t(bytes[i]) << 16) | (uint32_t(bytes[i + 1]) << 8) | bytes[i + 2];
    out += tbl[v >> 18];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
  }
  uint32_t v = uint32_t(bytes[15]) << 16;  // 16 = 5*3 + 1: one byte left, two characters
  out += tbl[v >> 18];
  out += tbl[(v >> 12) & 63];
  return out;
}

}  // namespace kafkit::protocol
