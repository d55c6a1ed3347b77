// Sticky and cooperative-sticky: one balance-then-stickiness core (sticky_assign) fed with
// the previous ownership each protocol can see.
#include <algorithm>
#include <set>

#include "client/group/builtin_assignors.hpp"
#include "client/group/consumer_protocol.hpp"

namespace kafkit::client {

using protocol::Bytes;
using protocol::Reader;
using protocol::Writer;

namespace {

bool subscribes(const GroupMemberSubscription& m, const std::string& topic) {
  return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

struct Claim {
  int owner = -1;  // member index; -1 when tied (claimed twice in one generation)
  std::int32_t generation = -1;
};

}  // namespace

std::vector<std::vector<TopicPartition>> sticky_assign(
    const std::map<std::string, std::int32_t>& partition_counts,
    const std::vector<GroupMemberSubscription>& members,
    const std::vector<std::vector<TopicPartition>>& owned,
    const std::vector<std::int32_t>& generation,
    std::vector<std::vector<TopicPartition>>* valid_owned) {
  const size_t n = members.size();
  std::vector<std::vector<TopicPartition>> result(n);
  if (n == 0) return result;

  // Who may own each topic.
  std::map<std::string, std::vector<size_t>> eligible;
  for (size_t i = 0; i < n; ++i) {
    for (const std::string& t : members[i].topics) {
      if (partition_counts.count(t) == 0) continue;
      auto& v = eligible[t];
      if (std::find(v.begin(), v.end(), i) == v.end()) v.push_back(i);
    }
  }

  // Previous ownership: the highest generation wins a contested partition, a tie voids it
  // (Kafka: both claims are invalid), and stale claims are dropped.
  std::map<TopicPartition, Claim> claims;
  for (size_t i = 0; i < n && i < owned.size(); ++i) {
    const std::int32_t gen = i < generation.size() ? generation[i] : -1;
    std::set<TopicPartition> seen;
    for (const TopicPartition& tp : owned[i]) {
      auto count = partition_counts.find(tp.topic);
      if (count == partition_counts.end() || tp.partition < 0 || tp.partition >= count->second) {
        continue;
      }
      if (!subscribes(members[i], tp.topic) || !seen.insert(tp).second) continue;
      auto [it, added] = claims.emplace(tp, Claim{static_cast<int>(i), gen});
      if (added) continue;
      if (gen > it->second.generation) {
        it->second = Claim{static_cast<int>(i), gen};
      } else if (gen == it->second.generation) {
        it->second.owner = -1;
      }
    }
  }

  std::vector<std::set<TopicPartition>> current(n);
  std::vector<TopicPartition> unowned;
  for (const auto& [topic, members_of_topic] : eligible) {
    const std::int32_t count = partition_counts.at(topic);
    for (std::int32_t p = 0; p < count; ++p) {
      TopicPartition tp{topic, p};
      auto it = claims.find(tp);
      if (it != claims.end() && it->second.owner >= 0) {
        current[static_cast<size_t>(it->second.owner)].insert(tp);
      } else {
        unowned.push_back(tp);
      }
    }
  }
  if (valid_owned) {
    valid_owned->assign(n, {});
    for (size_t i = 0; i < n; ++i) (*valid_owned)[i].assign(current[i].begin(), current[i].end());
  }

  auto least_loaded = [&](const std::string& topic) {
    const auto& cands = eligible.at(topic);
    size_t best = cands.front();
    for (size_t c : cands) {
      if (current[c].size() < current[best].size()) best = c;
    }
    return best;
  };

  // Unowned partitions go to the least loaded eligible member, the hardest to place
  // (fewest eligible members) first, as Kafka's sticky assignor does.
  std::stable_sort(unowned.begin(), unowned.end(),
                   [&](const TopicPartition& a, const TopicPartition& b) {
                     return eligible.at(a.topic).size() < eligible.at(b.topic).size();
                   });
  for (const TopicPartition& tp : unowned) current[least_loaded(tp.topic)].insert(tp);

  // Balance: move a partition from a member to an eligible one holding at least two fewer,
  // most loaded donor first. Each move lowers the sum of squared loads, so this ends; a
  // member that receives never becomes a donor, so no partition moves twice and every
  // move is one that balance requires.
  for (;;) {
    std::vector<size_t> by_load(n);
    for (size_t i = 0; i < n; ++i) by_load[i] = i;
    std::stable_sort(by_load.begin(), by_load.end(),
                     [&](size_t a, size_t b) { return current[a].size() > current[b].size(); });
    bool moved = false;
    for (size_t donor : by_load) {
      for (auto it = current[donor].rbegin(); it != current[donor].rend(); ++it) {
        size_t to = least_loaded(it->topic);
        if (current[to].size() + 1 < current[donor].size()) {
          TopicPartition tp = *it;
          current[donor].erase(tp);
          current[to].insert(tp);
          moved = true;
          break;
        }
      }
      if (moved) break;
    }
    if (!moved) break;
  }

  for (size_t i = 0; i < n; ++i) result[i].assign(current[i].begin(), current[i].end());
  return result;
}

// --- sticky (eager) ---

std::string StickyAssignor::subscription_user_data(const std::vector<std::string>&) const {
  // Kafka's StickyAssignorUserData v1: [topic, [partition]] then the generation; none
  // before the first assignment (Java sends null then).
  if (last_generation_ < 0 && last_.empty()) return {};
  Bytes out;
  Writer w(out);
  write_topic_partitions(w, last_);
  w.i32(last_generation_);
  return std::string(protocol::as_chars(out));
}

void StickyAssignor::on_assignment(const GroupMemberAssignment& assignment,
                                   std::int32_t generation) {
  last_ = assignment.partitions;
  last_generation_ = generation;
}

std::map<std::string, GroupMemberAssignment> StickyAssignor::assign(
    const std::map<std::string, std::int32_t>& partition_counts,
    const std::vector<GroupMemberSubscription>& members) {
  std::vector<std::vector<TopicPartition>> owned(members.size());
  std::vector<std::int32_t> generation(members.size(), -1);
  for (size_t i = 0; i < members.size(); ++i) {
    // Eager members revoked everything before joining: their previous assignment is in
    // the user data (v0: partitions only; v1: then the generation). Bad bytes count as none.
    const std::string& data = members[i].user_data;
    if (data.empty()) continue;
    Reader r(protocol::as_bytes(data));
    auto parts = read_topic_partitions(r, "StickyAssignorUserData.PreviousAssignment");
    std::int32_t gen = r.remaining() >= 4 ? r.i32("StickyAssignorUserData.Generation") : -1;
    if (!r.ok()) continue;
    owned[i] = std::move(parts);
    generation[i] = gen;
  }
  auto assigned = sticky_assign(partition_counts, members, owned, generation);
  std::map<std::string, GroupMemberAssignment> out;
  for (size_t i = 0; i < members.size(); ++i) {
    out[members[i].member_id].partitions = std::move(assigned[i]);
  }
  return out;
}

// --- cooperative-sticky (KIP-429) ---

std::string CooperativeStickyAssignor::subscription_user_data(
    const std::vector<std::string>&) const {
  Bytes out;
  Writer w(out);
  w.i32(generation_);
  return std::string(protocol::as_chars(out));
}

void CooperativeStickyAssignor::on_assignment(const GroupMemberAssignment&,
                                              std::int32_t generation) {
  generation_ = generation;
}

std::map<std::string, GroupMemberAssignment> CooperativeStickyAssignor::assign(
    const std::map<std::string, std::int32_t>& partition_counts,
    const std::vector<GroupMemberSubscription>& members) {
  std::vector<std::vector<TopicPartition>> owned(members.size());
  std::vector<std::int32_t> generation(members.size(), -1);
  for (size_t i = 0; i < members.size(); ++i) {
    owned[i] = members[i].owned_partitions;
    generation[i] = members[i].generation;
    if (generation[i] < 0 && members[i].user_data.size() >= 4) {
      // Subscriptions before v2 carry the generation in the user data.
      Reader r(protocol::as_bytes(members[i].user_data));
      generation[i] = r.i32("CooperativeStickyAssignorUserData.Generation");
    }
  }
  std::vector<std::vector<TopicPartition>> previous;
  auto assigned = sticky_assign(partition_counts, members, owned, generation, &previous);

  // KIP-429: a partition still owned by another member is not handed over in this round;
  // its owner sees it missing, revokes it and rejoins, and the follow-up rebalance assigns
  // it (then unowned).
  std::map<TopicPartition, size_t> previous_owner;
  for (size_t i = 0; i < previous.size(); ++i) {
    for (const TopicPartition& tp : previous[i]) previous_owner[tp] = i;
  }
  std::map<std::string, GroupMemberAssignment> out;
  for (size_t i = 0; i < members.size(); ++i) {
    auto& parts = out[members[i].member_id].partitions;
    for (TopicPartition& tp : assigned[i]) {
      auto it = previous_owner.find(tp);
      if (it == previous_owner.end() || it->second == i) parts.push_back(std::move(tp));
    }
  }
  return out;
}

}  // namespace kafkit::client
