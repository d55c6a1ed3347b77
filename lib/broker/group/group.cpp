#include "broker/group/group.hpp"

#include <algorithm>
#include <cctype>

#include "broker/group/consumer_subscription.hpp"

namespace kafkit::broker {

std::string_view group_state_name(GroupState s) {
  switch (s) {
    case GroupState::Empty:
      return "Empty";
    case GroupState::PreparingRebalance:
      return "PreparingRebalance";
    case GroupState::CompletingRebalance:
      return "CompletingRebalance";
    case GroupState::Stable:
      return "Stable";
    case GroupState::Dead:
      return "Dead";
  }
  return "Dead";
}

std::optional<GroupState> parse_group_state(std::string_view name) {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (GroupState s : {GroupState::Empty, GroupState::PreparingRebalance,
                       GroupState::CompletingRebalance, GroupState::Stable, GroupState::Dead})
    if (same(name, group_state_name(s))) return s;
  return std::nullopt;
}

const protocol::Bytes* GroupMember::metadata(std::string_view protocol) const {
  for (const auto& p : protocols)
    if (p.first == protocol) return &p.second;
  return nullptr;
}

bool GroupMember::matches(const ProtocolList& other) const {
  return protocols == other;
}

bool Group::has(std::string_view member_id) const {
  return get(member_id) != nullptr;
}

GroupMember* Group::get(std::string_view member_id) {
  for (auto& m : members_)
    if (m.member_id == member_id) return &m;
  return nullptr;
}

const GroupMember* Group::get(std::string_view member_id) const {
  for (const auto& m : members_)
    if (m.member_id == member_id) return &m;
  return nullptr;
}

GroupMember& Group::add(GroupMember member) {
  if (members_.empty()) protocol_type_ = member.protocol_type;
  if (leader_.empty()) leader_ = member.member_id;
  if (member.group_instance_id) static_members_[*member.group_instance_id] = member.member_id;
  pending_.erase(member.member_id);
  members_.push_back(std::move(member));
  return members_.back();
}

std::optional<GroupMember> Group::remove(std::string_view member_id) {
  auto it = std::find_if(members_.begin(), members_.end(),
                         [&](const GroupMember& m) { return m.member_id == member_id; });
  if (it == members_.end()) return std::nullopt;
  GroupMember out = std::move(*it);
  members_.erase(it);
  if (out.group_instance_id) {
    auto s = static_members_.find(*out.group_instance_id);
    if (s != static_members_.end() && s->second == out.member_id) static_members_.erase(s);
  }
  pending_sync_.erase(out.member_id);
  if (leader_ == out.member_id)
    leader_ = members_.empty() ? std::string() : members_.front().member_id;
  return out;
}

void Group::update_member(GroupMember& m, ProtocolList protocols, int32_t rebalance_timeout_ms,
                          int32_t session_timeout_ms, JoinCallback callback) {
  m.protocols = std::move(protocols);
  m.rebalance_timeout_ms = rebalance_timeout_ms;
  m.session_timeout_ms = session_timeout_ms;
  m.awaiting_join = std::move(callback);
}

bool Group::supports_protocols(std::string_view type, const ProtocolList& protocols) const {
  if (is(GroupState::Empty)) return !type.empty() && !protocols.empty();
  if (!protocol_type_ || *protocol_type_ != type) return false;
  for (const auto& p : protocols) {
    bool everyone = std::all_of(members_.begin(), members_.end(), [&](const GroupMember& m) {
      return m.metadata(p.first) != nullptr;
    });
    if (everyone) return true;
  }
  return false;
}

std::string Group::select_protocol() const {
  if (members_.empty()) return {};
  // Candidates: supported by every member, in the leader's (or first member's) order.
  const GroupMember* first = get(leader_);
  if (first == nullptr) first = &members_.front();
  std::vector<std::string> candidates;
  for (const auto& p : first->protocols) {
    bool everyone = std::all_of(members_.begin(), members_.end(), [&](const GroupMember& m) {
      return m.metadata(p.first) != nullptr;
    });
    if (everyone) candidates.push_back(p.first);
  }
  if (candidates.empty()) return {};
  // Each member votes for the first candidate in its own preference order.
  std::map<std::string, int> votes;
  for (const auto& m : members_) {
    for (const auto& p : m.protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.first) != candidates.end()) {
        ++votes[p.first];
        break;
      }
    }
  }
  std::string best;
  int best_votes = -1;
  for (const auto& c : candidates) {
    if (votes[c] > best_votes) {
      best = c;
      best_votes = votes[c];
    }
  }
  return best;
}

int32_t Group::rebalance_timeout_ms() const {
  int32_t t = 0;
  for (const auto& m : members_) t = std::max(t, m.rebalance_timeout_ms);
  return t;
}

size_t Group::awaiting_join_count() const {
  return static_cast<size_t>(
      std::count_if(members_.begin(), members_.end(),
                    [](const GroupMember& m) { return bool(m.awaiting_join); }));
}

bool Group::elect_joined_leader() {
  const GroupMember* leader = get(leader_);
  if (leader == nullptr) return false;
  if (leader->awaiting_join) return true;
  for (const auto& m : members_) {
    if (m.awaiting_join) {
      leader_ = m.member_id;
      return true;
    }
  }
  return false;
}

void Group::init_next_generation() {
  ++generation_;
  if (!members_.empty()) {
    protocol_name_ = select_protocol();
    state_ = GroupState::CompletingRebalance;
  } else {
    protocol_name_ = std::nullopt;
    state_ = GroupState::Empty;
  }
  compute_subscribed_topics();
}

void Group::compute_subscribed_topics() {
  // Kafka knows the subscriptions of "consumer" groups only (GroupMetadata
  // computeSubscribedTopics); any member whose metadata cannot be read makes them unknown.
  subscribed_ = std::nullopt;
  if (protocol_type_ != "consumer") return;
  if (members_.empty()) {
    subscribed_ = std::set<std::string>{};
    return;
  }
  if (!protocol_name_) return;
  std::set<std::string> all;
  for (const auto& m : members_) {
    const protocol::Bytes* meta = m.metadata(*protocol_name_);
    if (meta == nullptr) return;
    auto topics = subscription_topics(*meta);
    if (!topics) return;
    all.insert(topics->begin(), topics->end());
  }
  subscribed_ = std::move(all);
}

const std::string* Group::static_member_id(std::string_view instance_id) const {
  auto it = static_members_.find(instance_id);
  return it == static_members_.end() ? nullptr : &it->second;
}

bool Group::is_static_member_fenced(std::string_view member_id,
                                    const std::optional<std::string>& instance_id) const {
  if (!instance_id) return false;
  const std::string* current = static_member_id(*instance_id);
  return current != nullptr && *current != member_id;
}

GroupMember& Group::replace_static_member(std::string_view old_id, const std::string& new_id,
                                          JoinCallback& old_join, SyncCallback& old_sync) {
  GroupMember* m = get(old_id);
  old_join = std::move(m->awaiting_join);
  old_sync = std::move(m->awaiting_sync);
  m->awaiting_join = nullptr;
  m->awaiting_sync = nullptr;
  if (leader_ == old_id) leader_ = new_id;
  pending_sync_.erase(std::string(old_id));
  m->member_id = new_id;
  if (m->group_instance_id) static_members_[*m->group_instance_id] = new_id;
  return *m;
}

void Group::restore(GroupState state, int32_t generation, std::optional<std::string> protocol_type,
                    std::optional<std::string> protocol_name, std::string leader) {
  state_ = state;
  generation_ = generation;
  protocol_type_ = std::move(protocol_type);
  protocol_name_ = std::move(protocol_name);
  leader_ = std::move(leader);
  compute_subscribed_topics();
}

}  // namespace kafkit::broker
