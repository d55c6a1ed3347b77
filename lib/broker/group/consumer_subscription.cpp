#include "broker/group/consumer_subscription.hpp"

#include <cstdint>

namespace kafkit::broker {

std::optional<std::set<std::string>> subscription_topics(protocol::ByteView metadata) {
  size_t pos = 0;
  auto left = [&] { return metadata.size() - pos; };
  auto u8 = [&](size_t i) { return static_cast<uint32_t>(metadata[pos + i]); };
  if (left() < 6) return std::nullopt;
  auto version = static_cast<int16_t>((u8(0) << 8) | u8(1));
  pos += 2;
  if (version < 0) return std::nullopt;
  auto count = static_cast<int32_t>((u8(0) << 24) | (u8(1) << 16) | (u8(2) << 8) | u8(3));
  pos += 4;
  // Each topic takes at least its 2-byte length: a count the bytes cannot hold is garbage.
  if (count < 0 || static_cast<size_t>(count) > left() / 2) return std::nullopt;
  std::set<std::string> topics;
  for (int32_t i = 0; i < count; ++i) {
    if (left() < 2) return std::nullopt;
    auto len = static_cast<int16_t>((u8(0) << 8) | u8(1));
    pos += 2;
    if (len < 0 || static_cast<size_t>(len) > left()) return std::nullopt;
    topics.emplace(reinterpret_cast<const char*>(metadata.data() + pos), static_cast<size_t>(len));
    pos += static_cast<size_t>(len);
  }
  return topics;
}

}  // namespace kafkit::broker
