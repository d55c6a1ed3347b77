#include "broker/group/member_id.hpp"

namespace kafkit::broker {

MemberIdGenerator::MemberIdGenerator() {
  std::random_device rd;
  std::seed_seq seed{rd(), rd(), rd(), rd()};
  random_.seed(seed);
}

std::string MemberIdGenerator::uuid() {
  uint64_t hi = random_(), lo = random_();
  hi = (hi & ~uint64_t{0xF000}) | 0x4000;                    // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{8} << 60);  // IETF variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    uint64_t word = i < 16 ? hi : lo;
    out += kHex[(word >> (60 - 4 * (i % 16))) & 0xF];
  }
  return out;
}

std::string MemberIdGenerator::next(const std::string& client_id,
                                    const std::optional<std::string>& instance_id) {
  return (instance_id ? *instance_id : client_id) + "-" + uuid();
}

}  // namespace kafkit::broker
