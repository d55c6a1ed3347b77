// GroupCoordinator: SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups,
// DeleteGroups, coordinator unloading, and the membership view the offset side asks.
// Error precedence follows Kafka's GroupCoordinator for each API.
#include <algorithm>

#include "broker/group/group_coordinator.hpp"
#include "broker/kafka_error.hpp"

namespace kafkit::broker {
namespace {

constexpr int16_t e(ErrorCode c) {
  return static_cast<int16_t>(c);
}

SyncResult sync_error(int16_t error) {
  return SyncResult{error, {}, {}, {}};
}

}  // namespace

void GroupCoordinator::sync(SyncRequestParams r, SyncCallback done) {
  Group* g = find_mut(r.group_id);
  if (g == nullptr) return done(sync_error(e(ErrorCode::UnknownMemberId)));
  if (g->is_static_member_fenced(r.member_id, r.group_instance_id))
    return done(sync_error(e(ErrorCode::FencedInstanceId)));
  GroupMember* m = g->get(r.member_id);
  if (m == nullptr) return done(sync_error(e(ErrorCode::UnknownMemberId)));
  if (r.generation_id != g->generation()) return done(sync_error(e(ErrorCode::IllegalGeneration)));
  // SyncGroup v5 names the protocol type and name the member got from JoinGroup.
  if ((r.protocol_type && g->protocol_type() != r.protocol_type) ||
      (r.protocol_name && g->protocol_name() != r.protocol_name))
    return done(sync_error(e(ErrorCode::InconsistentGroupProtocol)));
  switch (g->state()) {
    case GroupState::Empty:
    case GroupState::Dead:
      return done(sync_error(e(ErrorCode::UnknownMemberId)));
    case GroupState::PreparingRebalance:
      return done(sync_error(e(ErrorCode::RebalanceInProgress)));
    case GroupState::CompletingRebalance: {
      m->awaiting_sync = std::move(done);
      remove_pending_sync(*g, r.member_id);
      if (!g->is_leader(r.member_id)) return;  // parked until the leader's assignment
      // The leader's assignment; members it left out get an empty one.
      for (auto& member : g->members()) {
        member.assignment.clear();
        for (auto& a : r.assignments)
          if (a.first == member.member_id) member.assignment = a.second;
      }
      g->transition_to(GroupState::Stable);
      persist(*g);
      return propagate_assignment(*g);
    }
    case GroupState::Stable: {
      remove_pending_sync(*g, r.member_id);
      SyncResult res{0, g->protocol_type(), g->protocol_name(), m->assignment};
      complete_heartbeat(*g, *m);
      return done(res);
    }
  }
}

int16_t GroupCoordinator::heartbeat(const std::string& group_id, int32_t generation_id,
                                    const std::string& member_id,
                                    const std::optional<std::string>& instance_id) {
  Group* g = find_mut(group_id);
  if (g == nullptr) return e(ErrorCode::UnknownMemberId);
  if (g->is_static_member_fenced(member_id, instance_id)) return e(ErrorCode::FencedInstanceId);
  GroupMember* m = g->get(member_id);
  if (m == nullptr) return e(ErrorCode::UnknownMemberId);
  if (generation_id != g->generation()) return e(ErrorCode::IllegalGeneration);
  switch (g->state()) {
    case GroupState::Empty:
    case GroupState::Dead:
      return e(ErrorCode::UnknownMemberId);
    case GroupState::CompletingRebalance:
      // A member may heartbeat between its JoinGroup answer and SyncGroup: a normal beat.
    case GroupState::Stable:
      complete_heartbeat(*g, *m);
      return 0;
    case GroupState::PreparingRebalance:
      complete_heartbeat(*g, *m);
      return e(ErrorCode::RebalanceInProgress);
  }
  return 0;
}

int16_t GroupCoordinator::leave(const std::string& group_id,
                                const std::vector<LeavingMember>& members,
                                std::vector<int16_t>& member_errors) {
  member_errors.clear();
  Group* g = find_mut(group_id);
  if (g == nullptr) {
    member_errors.assign(members.size(), e(ErrorCode::UnknownMemberId));
    return 0;
  }
  for (const LeavingMember& l : members) {
    int16_t err = 0;
    if (l.member_id.empty()) {
      // KIP-345: an administrator removes a static member by its instance id alone.
      const std::string* current =
          l.group_instance_id ? g->static_member_id(*l.group_instance_id) : nullptr;
      if (current == nullptr) {
        err = e(ErrorCode::UnknownMemberId);
      } else {
        std::string id = *current;
        remove_member_and_update_group(*g, id, e(ErrorCode::UnknownMemberId));
      }
    } else if (g->is_pending(l.member_id)) {
      remove_pending_member_and_update_group(*g, l.member_id);
    } else if (g->is_static_member_fenced(l.member_id, l.group_instance_id)) {
      err = e(ErrorCode::FencedInstanceId);
    } else if (g->has(l.member_id)) {
      remove_member_and_update_group(*g, l.member_id, e(ErrorCode::UnknownMemberId));
    } else {
      err = e(ErrorCode::UnknownMemberId);
    }
    member_errors.push_back(err);
  }
  return 0;
}

GroupSummary GroupCoordinator::describe(const std::string& group_id) const {
  GroupSummary s;
  const Group* g = find(group_id);
  if (g == nullptr) {
    // Kafka keeps a group that only has committed offsets as an Empty group.
    bool offsets = offsets_ != nullptr && offsets_->has_offsets(group_id);
    s.state = std::string(group_state_name(offsets ? GroupState::Empty : GroupState::Dead));
    return s;
  }
  s.state = std::string(group_state_name(g->state()));
  s.protocol_type = g->protocol_type().value_or("");
  const bool stable = g->is(GroupState::Stable) && g->protocol_name();
  if (stable) s.protocol_data = *g->protocol_name();
  for (const auto& m : g->members()) {
    GroupSummary::Member out{m.member_id, m.group_instance_id, m.client_id, m.client_host, {}, {}};
    if (stable) {
      if (const protocol::Bytes* meta = m.metadata(*g->protocol_name())) out.metadata = *meta;
      out.assignment = m.assignment;
    }
    s.members.push_back(std::move(out));
  }
  return s;
}

std::vector<GroupOverview> GroupCoordinator::list(
    const std::function<bool(const std::string&)>& coordinated_here) const {
  std::vector<GroupOverview> out;
  for (const auto& entry : groups_) {
    const Group& g = *entry.second;
    if (g.is(GroupState::Dead) || !coordinated_here(g.id())) continue;
    out.push_back({g.id(), g.protocol_type().value_or(""), g.state()});
  }
  if (offsets_ != nullptr) {
    for (const std::string& id : offsets_->groups_with_offsets()) {
      if (groups_.count(id) != 0 || !coordinated_here(id)) continue;
      out.push_back({id, "", GroupState::Empty});
    }
  }
  return out;
}

int16_t GroupCoordinator::delete_group(const std::string& group_id) {
  Group* g = find_mut(group_id);
  bool has_offsets = offsets_ != nullptr && offsets_->has_offsets(group_id);
  if (g == nullptr && !has_offsets) return e(ErrorCode::GroupIdNotFound);
  if (g != nullptr && !g->is(GroupState::Empty)) {
    return g->is(GroupState::Dead) ? e(ErrorCode::GroupIdNotFound) : e(ErrorCode::NonEmptyGroup);
  }
  if (g != nullptr) {
    g->transition_to(GroupState::Dead);
    erase_group(group_id);
  }
  if (offsets_ != nullptr) offsets_->delete_group_offsets(group_id);
  if (persist_) persist_(group_id, std::nullopt);
  return 0;
}

void GroupCoordinator::unload(const std::function<bool(const std::string&)>& which) {
  std::vector<std::string> ids;
  for (const auto& entry : groups_)
    if (which(entry.first)) ids.push_back(entry.first);
  for (const std::string& id : ids) {
    Group& g = *groups_.at(id);
    for (auto& m : g.members()) {
      if (m.awaiting_join) {
        JoinCallback cb = std::move(m.awaiting_join);
        m.awaiting_join = nullptr;
        JoinResult r;
        r.error = e(ErrorCode::NotCoordinator);
        r.member_id = m.member_id;
        cb(r);
      }
      if (m.awaiting_sync) {
        SyncCallback cb = std::move(m.awaiting_sync);
        m.awaiting_sync = nullptr;
        cb(sync_error(e(ErrorCode::NotCoordinator)));
      }
    }
    auto snapshot = persisted_.find(id);
    std::optional<std::string> saved;
    if (snapshot != persisted_.end()) saved = snapshot->second;
    erase_group(id);
    if (saved) {
      auto restored = restore_group(protocol::as_bytes(*saved));
      (void)restored;  // bytes this coordinator wrote itself
      persisted_[id] = *saved;
    }
  }
}

// ---- GroupMembershipView ----

int16_t GroupCoordinator::check_commit(std::string_view group, std::string_view member_id,
                                       int32_t generation,
                                       const std::optional<std::string>& instance_id) const {
  const Group* g = find(group);
  if (g == nullptr) {
    // A consumer that manages its own partitions (generation -1) may commit to a group
    // nobody coordinates; any generation means a member of a group that is gone.
    return generation < 0 ? 0 : e(ErrorCode::IllegalGeneration);
  }
  if (g->is(GroupState::Dead)) return e(ErrorCode::CoordinatorNotAvailable);
  if (generation >= 0 || !member_id.empty() || instance_id) {
    if (instance_id) {
      const std::string* current = g->static_member_id(*instance_id);
      if (current == nullptr) return e(ErrorCode::UnknownMemberId);
      if (*current != member_id) return e(ErrorCode::FencedInstanceId);
    } else if (!g->has(member_id)) {
      return e(ErrorCode::UnknownMemberId);
    }
    if (generation != g->generation()) return e(ErrorCode::IllegalGeneration);
  } else if (!g->is(GroupState::Empty)) {
    // Only members may commit while the group has members.
    return e(ErrorCode::UnknownMemberId);
  }
  if (g->is(GroupState::CompletingRebalance)) return e(ErrorCode::RebalanceInProgress);
  // An accepted commit counts as a heartbeat (Kafka's doCommitOffsets).
  if (const GroupMember* m = g->get(member_id)) m->last_heartbeat_ms = now_ms();
  return 0;
}

bool GroupCoordinator::has_members(std::string_view group) const {
  const Group* g = find(group);
  return g != nullptr && !g->is(GroupState::Empty) && !g->is(GroupState::Dead);
}

std::vector<std::string> GroupCoordinator::subscribed_topics(std::string_view group) const {
  const Group* g = find(group);
  if (g == nullptr || !g->subscribed_topics()) return {};
  return {g->subscribed_topics()->begin(), g->subscribed_topics()->end()};
}

}  // namespace kafkit::broker
