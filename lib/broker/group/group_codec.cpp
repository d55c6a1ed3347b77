// GroupCoordinator::encode_group / restore_group: a group's durable metadata in our own
// binary format, for the internal group log (Kafka keeps the same facts in
// __consumer_offsets' group metadata records).
//
// Format, all integers big-endian:
//   "KGRP" u8 version (1)
//   str group_id, u8 state (0 Empty, 3 Stable), i32 generation,
//   opt_str protocol_type, opt_str protocol_name, str leader,
//   u32 member count, each: str member_id, opt_str group_instance_id, str client_id,
//     str client_host, i32 rebalance_timeout_ms, i32 session_timeout_ms, str protocol_type,
//     u32 protocol count, each (str name, bytes metadata), bytes assignment
// str/bytes = u32 length + bytes; opt_str = u8 present + str.
// Decoding checks every length against the bytes left.
#include <cstring>

#include "broker/group/group_coordinator.hpp"

namespace kafkit::broker {
namespace {

constexpr char kMagic[4] = {'K', 'G', 'R', 'P'};
constexpr uint8_t kVersion = 1;

class Out {
 public:
  void u8(uint8_t v) { s_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) {
    for (int i = 3; i >= 0; --i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void str(std::string_view v) {
    u32(static_cast<uint32_t>(v.size()));
    s_.append(v);
  }
  void bytes(const protocol::Bytes& v) {
    u32(static_cast<uint32_t>(v.size()));
    s_.append(reinterpret_cast<const char*>(v.data()), v.size());
  }
  void opt_str(const std::optional<std::string>& v) {
    u8(v ? 1 : 0);
    if (v) str(*v);
  }
  std::string take() { return std::move(s_); }

 private:
  std::string s_;
};

class In {
 public:
  explicit In(protocol::ByteView b) : b_(b) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == b_.size(); }
  uint8_t u8() {
    if (!need(1)) return 0;
    return static_cast<uint8_t>(b_[pos_++]);
  }
  uint32_t u32() {
    if (!need(4)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(b_[pos_++]);
    return v;
  }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  std::string str() {
    uint32_t n = u32();
    if (!need(n)) return {};
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  protocol::Bytes bytes() {
    uint32_t n = u32();
    if (!need(n)) return {};
    protocol::Bytes v(b_.begin() + static_cast<std::ptrdiff_t>(pos_),
                      b_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return v;
  }
  std::optional<std::string> opt_str() {
    uint8_t present = u8();
    if (present > 1) ok_ = false;
    if (present != 1 || !ok_) return std::nullopt;
    return str();
  }
  /// A count of items each at least `min_size` bytes long: refused when the bytes left
  /// cannot hold that many.
  uint32_t count(size_t min_size) {
    uint32_t n = u32();
    if (ok_ && n > (b_.size() - pos_) / min_size) ok_ = false;
    return ok_ ? n : 0;
  }

 private:
  bool need(size_t n) {
    if (!ok_ || n > b_.size() - pos_) ok_ = false;
    return ok_;
  }
  protocol::ByteView b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

Error malformed(const std::string& what) {
  return Error{errc::invalid_argument, "malformed group metadata: " + what};
}

}  // namespace

std::string GroupCoordinator::encode_group(const Group& g) {
  Out o;
  for (char c : kMagic) o.u8(static_cast<uint8_t>(c));
  o.u8(kVersion);
  o.str(g.id());
  // What a reloading coordinator sees: a group with members is Stable (Kafka stores the
  // group after the leader's SyncGroup), one without is Empty.
  bool with_members = g.size() > 0 && g.generation() > 0;
  o.u8(static_cast<uint8_t>(with_members ? GroupState::Stable : GroupState::Empty));
  o.i32(g.generation());
  o.opt_str(g.protocol_type());
  o.opt_str(with_members ? g.protocol_name() : std::nullopt);
  o.str(with_members ? g.leader() : std::string());
  o.u32(with_members ? static_cast<uint32_t>(g.size()) : 0u);
  if (with_members) {
    for (const auto& m : g.members()) {
      o.str(m.member_id);
      o.opt_str(m.group_instance_id);
      o.str(m.client_id);
      o.str(m.client_host);
      o.i32(m.rebalance_timeout_ms);
      o.i32(m.session_timeout_ms);
      o.str(m.protocol_type);
      o.u32(static_cast<uint32_t>(m.protocols.size()));
      for (const auto& p : m.protocols) {
        o.str(p.first);
        o.bytes(p.second);
      }
      o.bytes(m.assignment);
    }
  }
  return o.take();
}

Result<void> GroupCoordinator::restore_group(protocol::ByteView encoded) {
  In in(encoded);
  for (char c : kMagic)
    if (in.u8() != static_cast<uint8_t>(c) || !in.ok()) return malformed("bad magic");
  uint8_t version = in.u8();
  if (!in.ok() || version != kVersion)
    return malformed("unknown version " + std::to_string(version));
  std::string id = in.str();
  uint8_t state = in.u8();
  int32_t generation = in.i32();
  auto protocol_type = in.opt_str();
  auto protocol_name = in.opt_str();
  std::string leader = in.str();
  if (!in.ok()) return malformed("truncated header");
  if (state != static_cast<uint8_t>(GroupState::Empty) &&
      state != static_cast<uint8_t>(GroupState::Stable))
    return malformed("state " + std::to_string(state));
  if (generation < 0) return malformed("negative generation");
  auto g = std::make_unique<Group>(id);
  std::vector<GroupMember> members;
  constexpr size_t kMinMember = 4 * 6 + 1 + 8;  // the smallest encoded member
  uint32_t n = in.count(kMinMember);
  for (uint32_t i = 0; i < n && in.ok(); ++i) {
    GroupMember m;
    m.member_id = in.str();
    m.group_instance_id = in.opt_str();
    m.client_id = in.str();
    m.client_host = in.str();
    m.rebalance_timeout_ms = in.i32();
    m.session_timeout_ms = in.i32();
    m.protocol_type = in.str();
    uint32_t np = in.count(8);
    for (uint32_t k = 0; k < np && in.ok(); ++k) {
      std::string name = in.str();
      protocol::Bytes meta = in.bytes();
      m.protocols.emplace_back(std::move(name), std::move(meta));
    }
    m.assignment = in.bytes();
    members.push_back(std::move(m));
  }
  if (!in.ok()) return malformed("truncated members");
  if (!in.at_end()) return malformed("trailing bytes");
  if ((state == static_cast<uint8_t>(GroupState::Stable)) != !members.empty())
    return malformed("state does not match the member list");

  erase_group(id);
  Group& installed = *groups_.emplace(id, std::move(g)).first->second;
  int64_t now = now_ms();
  for (auto& m : members) {
    m.last_heartbeat_ms = now;
    installed.add(std::move(m));
  }
  installed.restore(static_cast<GroupState>(state), generation, std::move(protocol_type),
                    std::move(protocol_name), std::move(leader));
  for (auto& m : installed.members()) arm_session(installed, m, m.session_timeout_ms);
  persisted_[id] = std::string(reinterpret_cast<const char*>(encoded.data()), encoded.size());
  return {};
}

}  // namespace kafkit::broker
