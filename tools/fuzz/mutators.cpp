#include "mutators.hpp"
#include "protocol/records/byte_order.hpp"

#include <algorithm>

namespace kafkit::fuzz {

using namespace kafkit::protocol;

namespace {

size_t body_position(const Bytes& frame, size_t body_offset, RandomSource& g) {
  if (body_offset >= frame.size()) return frame.size();
  return body_offset + g.below(frame.size() - body_offset + 1);
}

}  // namespace

void fix_frame_size(Bytes& wire) noexcept {
  if (wire.size() >= 4) detail::store_be<uint32_t>(wire.data(), uint32_t(wire.size() - 4));
}

void mutate_length_prefix(Bytes& frame, RandomSource& g) {
  if (frame.size() < 4) return;
  auto real = int64_t(frame.size() - 4);
  static constexpr int64_t fixed[] = {0, -1, 0x7fffffff, int64_t(0x80000000), 1, 104857600};
  int64_t v = g.boolean() ? fixed[g.below(6)] : real + int64_t(g.below(17)) - 8;
  if (v == real) v = real + 1;
  detail::store_be<uint32_t>(frame.data(), uint32_t(v));
}

void mutate_truncate(Bytes& frame, RandomSource& g) {
  if (frame.size() <= 1) return;
  frame.resize(g.below(frame.size()));
}

void mutate_bad_varint(Bytes& frame, size_t body_offset, RandomSource& g) {
  size_t at = body_position(frame, body_offset, g);
  Bytes v(5 + g.below(6), std::byte{0xff});
  if (g.boolean()) v.back() = std::byte{0x0f};  // ends, but too long for 32 bits
  frame.insert(frame.begin() + ptrdiff_t(at), v.begin(), v.end());
  fix_frame_size(frame);
}

void mutate_huge_count(Bytes& frame, size_t body_offset, RandomSource& g) {
  size_t at = body_position(frame, body_offset, g);
  static constexpr uint8_t i32_max[] = {0x7f, 0xff, 0xff, 0xff};
  static constexpr uint8_t uvar_max[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
  static constexpr uint8_t i32_big[] = {0x00, 0x10, 0x00, 0x00};
  const uint8_t* src = i32_max;
  size_t n = 4;
  switch (g.below(3)) {
    case 0:
      break;
    case 1:
      src = uvar_max, n = 5;
      break;
    default:
      src = i32_big;
  }
  for (size_t i = 0; i < n; ++i) {
    if (at + i < frame.size())
      frame[at + i] = std::byte(src[i]);
    else
      frame.push_back(std::byte(src[i]));
  }
  fix_frame_size(frame);
}

void mutate_bad_length_field(Bytes& frame, size_t body_offset, RandomSource& g) {
  size_t at = body_position(frame, body_offset, g);
  static constexpr uint8_t choices[][2] = {{0xff, 0xff}, {0x7f, 0xff}, {0x00, 0x00}, {0x00, 0x00}};
  auto c = g.below(4);
  // The last choice is a compact (varint) null: a single 0 byte.
  size_t n = c == 3 ? 1 : 2;
  for (size_t i = 0; i < n; ++i) {
    if (at + i < frame.size())
      frame[at + i] = std::byte(choices[c][i]);
    else
      frame.push_back(std::byte(choices[c][i]));
  }
  fix_frame_size(frame);
}

void mutate_raw(Bytes& frame, RandomSource& g, const char*& name) {
  size_t rounds = 1 + g.below(4);
  name = nullptr;
  for (size_t r = 0; r < rounds; ++r) {
    const char* what = nullptr;
    size_t at = frame.empty() ? 0 : g.below(frame.size());
    switch (g.below(4)) {
      case 0:
        what = "raw-bitflip";
        if (!frame.empty()) frame[at] ^= std::byte(1u << g.below(8));
        break;
      case 1: {
        what = "raw-insert";
        size_t n = 1 + g.below(8);
        for (size_t i = 0; i < n; ++i)
          frame.insert(frame.begin() + ptrdiff_t(at), std::byte(g.next()));
        break;
      }
      case 2: {
        what = "raw-delete";
        size_t n = std::min<size_t>(1 + g.below(8), frame.size() - at);
        frame.erase(frame.begin() + ptrdiff_t(at), frame.begin() + ptrdiff_t(at + n));
        break;
      }
      default: {
        what = "raw-dup";
        size_t n = std::min<size_t>(1 + g.below(16), frame.size() - at);
        Bytes copy(frame.begin() + ptrdiff_t(at), frame.begin() + ptrdiff_t(at + n));
        frame.insert(frame.begin() + ptrdiff_t(at), copy.begin(), copy.end());
      }
    }
    if (name == nullptr) name = what;
  }
  // Half the time the size prefix is made right again, so the body's damage gets parsed.
  if (g.boolean()) fix_frame_size(frame);
}

}  // namespace kafkit::fuzz
