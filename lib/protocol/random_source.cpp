#include "protocol/random_source.hpp"

namespace kafkit::protocol {

Uuid RandomSource::uuid() noexcept {
  Uuid u;
  if (chance(4)) return u;
  for (auto& b : u.bytes) b = static_cast<uint8_t>(next());
  return u;
}

std::string RandomSource::string() {
  // Mostly printable, sometimes any byte: decoders must carry arbitrary bytes unchanged.
  size_t n = below(4) == 0 ? 0 : below(24);
  // 30000 stays under the 32767-byte limit of a non-compact STRING.
  if (hostile_ && chance(64)) n = 30000;
  std::string s(n, ' ');
  bool binary = chance(8);
  for (auto& c : s) c = binary ? static_cast<char>(next()) : static_cast<char>('a' + below(26));
  return s;
}

Bytes RandomSource::bytes() {
  Bytes b(hostile_ && chance(32) ? size_t(1) << 16 : below(4) == 0 ? 0 : below(40));
  for (auto& x : b) x = static_cast<std::byte>(next());
  return b;
}

}  // namespace kafkit::protocol
