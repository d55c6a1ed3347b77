// Range, roundrobin and the factory for the built-in assignors.
#include "client/group/builtin_assignors.hpp"

#include <algorithm>
#include <set>

namespace kafkit {

std::unique_ptr<PartitionAssignor> make_builtin_assignor(std::string_view name) {
  if (name == "range") return std::make_unique<client::RangeAssignor>();
  if (name == "roundrobin") return std::make_unique<client::RoundRobinAssignor>();
  if (name == "sticky") return std::make_unique<client::StickyAssignor>();
  if (name == "cooperative-sticky") return std::make_unique<client::CooperativeStickyAssignor>();
  return nullptr;
}

}  // namespace kafkit

namespace kafkit::client {

bool member_order_less(const GroupMemberSubscription& a, const GroupMemberSubscription& b) {
  if (a.group_instance_id && b.group_instance_id) {
    if (*a.group_instance_id != *b.group_instance_id) {
      return *a.group_instance_id < *b.group_instance_id;
    }
    return a.member_id < b.member_id;
  }
  if (a.group_instance_id) return true;
  if (b.group_instance_id) return false;
  return a.member_id < b.member_id;
}

namespace {

std::map<std::string, GroupMemberAssignment> empty_assignments(
    const std::vector<GroupMemberSubscription>& members) {
  std::map<std::string, GroupMemberAssignment> out;
  for (const GroupMemberSubscription& m : members) out[m.member_id];
  return out;
}

std::vector<const GroupMemberSubscription*> ordered(
    const std::vector<GroupMemberSubscription>& members) {
  std::vector<const GroupMemberSubscription*> out;
  for (const GroupMemberSubscription& m : members) out.push_back(&m);
  std::sort(out.begin(), out.end(),
            [](const GroupMemberSubscription* a, const GroupMemberSubscription* b) {
              return member_order_less(*a, *b);
            });
  return out;
}

bool subscribes(const GroupMemberSubscription& m, const std::string& topic) {
  return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

}  // namespace

std::map<std::string, GroupMemberAssignment> RangeAssignor::assign(
    const std::map<std::string, std::int32_t>& partition_counts,
    const std::vector<GroupMemberSubscription>& members) {
  auto out = empty_assignments(members);
  auto order = ordered(members);
  for (const auto& [topic, count] : partition_counts) {
    std::vector<const GroupMemberSubscription*> subs;
    for (const GroupMemberSubscription* m : order) {
      if (subscribes(*m, topic)) subs.push_back(m);
    }
    if (subs.empty() || count <= 0) continue;
    const auto n = static_cast<std::int32_t>(subs.size());
    const std::int32_t per = count / n;
    const std::int32_t extra = count % n;
    for (std::int32_t i = 0; i < n; ++i) {
      const std::int32_t start = per * i + std::min(i, extra);
      const std::int32_t length = per + (i < extra ? 1 : 0);
      auto& parts = out[subs[static_cast<size_t>(i)]->member_id].partitions;
      for (std::int32_t p = start; p < start + length; ++p) parts.push_back({topic, p});
    }
  }
  return out;
}

std::map<std::string, GroupMemberAssignment> RoundRobinAssignor::assign(
    const std::map<std::string, std::int32_t>& partition_counts,
    const std::vector<GroupMemberSubscription>& members) {
  auto out = empty_assignments(members);
  auto order = ordered(members);
  if (order.empty()) return out;
  std::set<std::string> topics;  // sorted by name, as Kafka's allPartitionsSorted
  for (const GroupMemberSubscription& m : members) topics.insert(m.topics.begin(), m.topics.end());
  size_t next = 0;  // the circular iterator over members
  for (const std::string& topic : topics) {
    auto it = partition_counts.find(topic);
    if (it == partition_counts.end()) continue;
    for (std::int32_t p = 0; p < it->second; ++p) {
      // Someone subscribes to `topic` (it is in the union), so this ends.
      while (!subscribes(*order[next % order.size()], topic)) ++next;
      out[order[next % order.size()]->member_id].partitions.push_back({topic, p});
      ++next;
    }
  }
  return out;
}

}  // namespace kafkit::client
