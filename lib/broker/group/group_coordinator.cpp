// GroupCoordinator, the JoinGroup half: admission, KIP-394 pending members, KIP-345 static
// members, the rebalance (join) phase with group.initial.rebalance.delay.ms and the
// rebalance timeout, generation changes, and the session / pending-member / pending-sync
// timers. The other APIs are in group_coordinator_ops.cpp, persistence in group_codec.cpp.
#include "broker/group/group_coordinator.hpp"

#include <algorithm>

#include "broker/broker_config.hpp"
#include "broker/kafka_error.hpp"

namespace kafkit::broker {
namespace {

constexpr int16_t e(ErrorCode c) {
  return static_cast<int16_t>(c);
}

// Empty groups without committed offsets are forgotten this often (Kafka's
// offsets.retention.check.interval.ms cleanup, 10 minutes by default, does the same).
constexpr int64_t kSweepIntervalMs = 60000;

JoinResult join_error(const std::string& member_id, int16_t error) {
  JoinResult r;
  r.error = error;
  r.member_id = member_id;
  return r;
}

}  // namespace

GroupConfig GroupConfig::from(const BrokerConfig& c) {
  GroupConfig g;
  g.initial_rebalance_delay_ms = c.group_initial_rebalance_delay_ms;
  g.min_session_timeout_ms = c.group_min_session_timeout_ms;
  g.max_session_timeout_ms = c.group_max_session_timeout_ms;
  g.max_size = c.group_max_size;
  return g;
}

GroupCoordinator::GroupCoordinator(net::EventLoop& loop, GroupConfig config)
    : loop_(loop), config_(config) {
  schedule_sweep();
}

GroupCoordinator::~GroupCoordinator() {
  loop_.cancel_timer(sweep_timer_);
  for (auto& entry : groups_) {
    Group& g = *entry.second;
    loop_.cancel_timer(g.join_timer);
    loop_.cancel_timer(g.sync_timer);
    for (auto& m : g.members()) loop_.cancel_timer(m.session_timer);
  }
}

int64_t GroupCoordinator::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(net::Clock::now().time_since_epoch())
      .count();
}

const Group* GroupCoordinator::find(std::string_view group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

Group* GroupCoordinator::find_mut(std::string_view group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

// Kafka's acceptJoiningMember, with KIP-394 pending ids counted against group.max.size
// (Kafka counts them nowhere, so an Empty group could collect any number of them).
bool GroupCoordinator::accept_joining_member(const Group& g, const std::string& member_id) const {
  const auto max = static_cast<size_t>(config_.max_size);
  if (!member_id.empty() && g.is_pending(member_id))
    return true;  // admitted when its id was issued
  if (member_id.empty()) {
    size_t counted = g.is(GroupState::PreparingRebalance) ? g.awaiting_join_count() : g.size();
    return counted + g.pending().size() < max;
  }
  const GroupMember* m = g.get(member_id);
  if (g.is(GroupState::PreparingRebalance))
    return (m != nullptr && m->awaiting_join) || g.awaiting_join_count() < max;
  return true;  // a known member (or an unknown id, answered UNKNOWN_MEMBER_ID later)
}

void GroupCoordinator::join(JoinRequestParams r, JoinCallback done) {
  if (r.session_timeout_ms < config_.min_session_timeout_ms ||
      r.session_timeout_ms > config_.max_session_timeout_ms)
    return done(join_error(r.member_id, e(ErrorCode::InvalidSessionTimeout)));
  const bool unknown = r.member_id.empty();
  Group* g = find_mut(r.group_id);
  if (g == nullptr) {
    // Only a member without an id creates a group; an id for a group nobody knows is stale.
    if (!unknown) return done(join_error(r.member_id, e(ErrorCode::UnknownMemberId)));
    g = groups_.emplace(r.group_id, std::make_unique<Group>(r.group_id)).first->second.get();
  }
  if (!accept_joining_member(*g, r.member_id)) {
    if (g->has(r.member_id))
      remove_member_and_update_group(*g, r.member_id, e(ErrorCode::GroupMaxSizeReached));
    return done(join_error("", e(ErrorCode::GroupMaxSizeReached)));
  }
  if (unknown)
    new_member_join(*g, r, done);
  else
    current_member_join(*g, r, done);
  if (g->is(GroupState::PreparingRebalance)) try_complete_join(*g);
}

void GroupCoordinator::new_member_join(Group& g, JoinRequestParams& r, JoinCallback& done) {
  if (!g.supports_protocols(r.protocol_type, r.protocols))
    return done(join_error("", e(ErrorCode::InconsistentGroupProtocol)));
  std::string new_id = ids_.next(r.client_id, r.group_instance_id);
  if (r.group_instance_id) {
    // KIP-345: a static member needs no MEMBER_ID_REQUIRED round trip; rejoining with a
    // known instance id takes over the old member id's place.
    if (const std::string* old = g.static_member_id(*r.group_instance_id)) {
      std::string old_id = *old;
      return update_static_member_and_rebalance(g, old_id, new_id, r, done);
    }
    return add_member_and_rebalance(g, new_id, r, done);
  }
  if (r.require_known_member_id) {
    // KIP-394: hand out the id and wait for the member to come back with it; the id
    // expires after the session timeout if it never does.
    int64_t deadline = now_ms() + r.session_timeout_ms;
    g.add_pending(new_id, deadline);
    std::string gid = g.id();
    loop_.add_timer(std::chrono::milliseconds(r.session_timeout_ms),
                    [this, gid, new_id] { on_pending_timer(gid, new_id); });
    return done(join_error(new_id, e(ErrorCode::MemberIdRequired)));
  }
  add_member_and_rebalance(g, new_id, r, done);
}

void GroupCoordinator::current_member_join(Group& g, JoinRequestParams& r, JoinCallback& done) {
  const std::string& id = r.member_id;
  if (!g.supports_protocols(r.protocol_type, r.protocols))
    return done(join_error(id, e(ErrorCode::InconsistentGroupProtocol)));
  if (g.is_pending(id)) return add_member_and_rebalance(g, id, r, done);
  if (g.is_static_member_fenced(id, r.group_instance_id))
    return done(join_error(id, e(ErrorCode::FencedInstanceId)));
  if (!g.has(id) || (r.group_instance_id && g.static_member_id(*r.group_instance_id) == nullptr))
    return done(join_error(id, e(ErrorCode::UnknownMemberId)));
  GroupMember& m = *g.get(id);
  switch (g.state()) {
    case GroupState::PreparingRebalance:
      g.update_member(m, std::move(r.protocols), r.rebalance_timeout_ms, r.session_timeout_ms,
                      std::move(done));
      return maybe_prepare_rebalance(g);
    case GroupState::CompletingRebalance:
      if (m.matches(r.protocols)) {
        // The member lost its JoinGroup answer: give it the current generation again.
        return done(current_generation_result(g, id, g.is_leader(id)));
      }
      g.update_member(m, std::move(r.protocols), r.rebalance_timeout_ms, r.session_timeout_ms,
                      std::move(done));
      return maybe_prepare_rebalance(g);
    case GroupState::Stable:
      // The leader rejoining forces a rebalance (it may have seen metadata change); so does
      // a member whose protocols changed. A follower without changes just gets the current
      // generation and goes on to SyncGroup.
      if (g.is_leader(id) || !m.matches(r.protocols)) {
        g.update_member(m, std::move(r.protocols), r.rebalance_timeout_ms, r.session_timeout_ms,
                        std::move(done));
        return maybe_prepare_rebalance(g);
      }
      return done(current_generation_result(g, id, false));
    case GroupState::Empty:
    case GroupState::Dead:
      return done(join_error(id, e(ErrorCode::UnknownMemberId)));
  }
}

JoinResult GroupCoordinator::current_generation_result(const Group& g, const std::string& member_id,
                                                       bool with_members) const {
  JoinResult r;
  r.member_id = member_id;
  r.generation_id = g.generation();
  r.protocol_type = g.protocol_type();
  r.protocol_name = g.protocol_name();
  r.leader = g.leader();
  if (with_members) {
    for (const auto& m : g.members()) {
      const protocol::Bytes* meta = g.protocol_name() ? m.metadata(*g.protocol_name()) : nullptr;
      r.members.push_back({m.member_id, m.group_instance_id, meta ? *meta : protocol::Bytes{}});
    }
  }
  return r;
}

void GroupCoordinator::add_member_and_rebalance(Group& g, const std::string& member_id,
                                                JoinRequestParams& r, JoinCallback& done) {
  GroupMember m;
  m.member_id = member_id;
  m.group_instance_id = r.group_instance_id;
  m.client_id = r.client_id;
  m.client_host = r.client_host;
  m.rebalance_timeout_ms = r.rebalance_timeout_ms;
  m.session_timeout_ms = r.session_timeout_ms;
  m.protocol_type = r.protocol_type;
  m.protocols = std::move(r.protocols);
  m.awaiting_join = std::move(done);
  m.last_heartbeat_ms = now_ms();
  // During the initial delay every new member extends the wait (up to the rebalance timeout).
  if (g.is(GroupState::PreparingRebalance) && g.generation() == 0) g.new_member_added = true;
  GroupMember& added = g.add(std::move(m));
  arm_session(g, added, added.session_timeout_ms);
  maybe_prepare_rebalance(g);
}

void GroupCoordinator::update_static_member_and_rebalance(Group& g, const std::string& old_id,
                                                          const std::string& new_id,
                                                          JoinRequestParams& r,
                                                          JoinCallback& done) {
  const std::string old_leader = g.leader();
  JoinCallback old_join;
  SyncCallback old_sync;
  GroupMember& m = g.replace_static_member(old_id, new_id, old_join, old_sync);
  // The old incarnation is fenced: whatever it still waits for fails.
  if (old_join) old_join(join_error(old_id, e(ErrorCode::FencedInstanceId)));
  if (old_sync) old_sync(SyncResult{e(ErrorCode::FencedInstanceId), {}, {}, {}});
  loop_.cancel_timer(m.session_timer);
  m.session_timer = 0;
  complete_heartbeat(g, m);
  g.update_member(m, std::move(r.protocols), r.rebalance_timeout_ms, r.session_timeout_ms,
                  std::move(done));
  switch (g.state()) {
    case GroupState::Stable: {
      // No rebalance when the next generation would select the same protocol: the member
      // takes over its old assignment (KIP-345).
      std::string next = g.select_protocol();
      if (g.protocol_name() && *g.protocol_name() == next) {
        persist(g);
        bool leader = g.is_leader(new_id);
        JoinResult res = current_generation_result(g, new_id, false);
        if (leader && r.supports_skip_assignment) {
          // KIP-814: the leader learns it leads but must not compute a new assignment.
          res = current_generation_result(g, new_id, true);
          res.skip_assignment = true;
        } else if (leader) {
          // Before KIP-814: name the old leader id, so the rejoined leader does not think
          // it leads and computes no assignment a Stable group would not distribute.
          res.leader = old_leader;
        }
        JoinCallback cb = std::move(m.awaiting_join);
        m.awaiting_join = nullptr;
        cb(res);
      } else {
        maybe_prepare_rebalance(g);
      }
      break;
    }
    case GroupState::CompletingRebalance:
      // The leader may already be assigning to the old member id: start over.
      prepare_rebalance(g);
      break;
    case GroupState::PreparingRebalance:
    case GroupState::Empty:
    case GroupState::Dead:
      break;
  }
}

void GroupCoordinator::maybe_prepare_rebalance(Group& g) {
  if (g.is(GroupState::Stable) || g.is(GroupState::CompletingRebalance) || g.is(GroupState::Empty))
    prepare_rebalance(g);
}

void GroupCoordinator::prepare_rebalance(Group& g) {
  // Members waiting for their assignment are told to rejoin.
  if (g.is(GroupState::CompletingRebalance))
    reset_and_propagate_assignment_error(g, e(ErrorCode::RebalanceInProgress));
  loop_.cancel_timer(g.sync_timer);
  g.sync_timer = 0;
  g.pending_sync().clear();
  loop_.cancel_timer(g.join_timer);
  int64_t delay = 0;
  if (g.is(GroupState::Empty)) {
    // A new group waits group.initial.rebalance.delay.ms for more members, extended while
    // they keep coming, up to the rebalance timeout (Kafka's InitialDelayedJoin).
    g.initial_join_phase = true;
    g.new_member_added = false;
    delay = config_.initial_rebalance_delay_ms;
    g.initial_remaining_ms = std::max<int64_t>(g.rebalance_timeout_ms() - delay, 0);
  } else {
    g.initial_join_phase = false;
    delay = g.rebalance_timeout_ms();
  }
  g.transition_to(GroupState::PreparingRebalance);
  std::string gid = g.id();
  g.join_timer =
      loop_.add_timer(std::chrono::milliseconds(delay), [this, gid] { on_join_timer(gid); });
  try_complete_join(g);
}

void GroupCoordinator::try_complete_join(Group& g) {
  if (!g.is(GroupState::PreparingRebalance) || g.initial_join_phase || !g.all_members_joined())
    return;
  loop_.cancel_timer(g.join_timer);
  g.join_timer = 0;
  complete_join(g);
}

void GroupCoordinator::on_join_timer(const std::string& group_id) {
  Group* g = find_mut(group_id);
  if (g == nullptr) return;
  g->join_timer = 0;
  if (!g->is(GroupState::PreparingRebalance)) return;
  if (g->initial_join_phase && g->new_member_added && g->initial_remaining_ms > 0) {
    int64_t delay = std::min(config_.initial_rebalance_delay_ms, g->initial_remaining_ms);
    g->initial_remaining_ms -= delay;
    g->new_member_added = false;
    g->join_timer = loop_.add_timer(std::chrono::milliseconds(delay),
                                    [this, group_id] { on_join_timer(group_id); });
    return;
  }
  g->initial_join_phase = false;
  complete_join(*g);
}

void GroupCoordinator::complete_join(Group& g) {
  // Dynamic members that did not rejoin in time leave the group; static ones stay until
  // their session or the sync deadline removes them (Kafka's onCompleteJoin).
  std::vector<std::string> laggards;
  for (const auto& m : g.members())
    if (!m.awaiting_join && !m.is_static()) laggards.push_back(m.member_id);
  for (const auto& id : laggards) {
    log("group " + g.id() + ": member " + id + " did not rejoin in time, removing it");
    remove_member(g, id, e(ErrorCode::UnknownMemberId));
  }

  if (!g.elect_joined_leader() && g.size() > 0) {
    // Nobody rejoined: wait another rebalance timeout for sessions to expire.
    std::string gid = g.id();
    g.join_timer = loop_.add_timer(std::chrono::milliseconds(g.rebalance_timeout_ms()),
                                   [this, gid] { on_join_timer(gid); });
    return;
  }
  g.init_next_generation();
  if (g.is(GroupState::Empty)) {
    log("group " + g.id() + " with generation " + std::to_string(g.generation()) + " is now empty");
    persist(g);
    return;
  }
  log("stabilized group " + g.id() + " generation " + std::to_string(g.generation()) + " with " +
      std::to_string(g.size()) + " member(s), protocol " + g.protocol_name().value_or(""));
  const bool any_pending = !g.members().empty();
  for (auto& m : g.members()) {
    JoinResult res = current_generation_result(g, m.member_id, g.is_leader(m.member_id));
    if (m.awaiting_join) {
      JoinCallback cb = std::move(m.awaiting_join);
      m.awaiting_join = nullptr;
      cb(res);
    }
    complete_heartbeat(g, m);
    g.pending_sync().insert(m.member_id);
  }
  if (any_pending) {
    // Members that do not sync within the rebalance timeout are removed (Kafka 3.2+).
    std::string gid = g.id();
    int32_t generation = g.generation();
    g.sync_timer = loop_.add_timer(std::chrono::milliseconds(g.rebalance_timeout_ms()),
                                   [this, gid, generation] { on_sync_timer(gid, generation); });
  }
}

void GroupCoordinator::on_sync_timer(const std::string& group_id, int32_t generation) {
  Group* g = find_mut(group_id);
  if (g == nullptr || g->generation() != generation) return;
  g->sync_timer = 0;
  if (!(g->is(GroupState::CompletingRebalance) || g->is(GroupState::Stable))) return;
  if (g->pending_sync().empty()) return;
  std::vector<std::string> gone(g->pending_sync().begin(), g->pending_sync().end());
  for (const auto& id : gone) {
    log("group " + group_id + ": member " + id + " did not sync in time, removing it");
    remove_member(*g, id, e(ErrorCode::UnknownMemberId));
  }
  prepare_rebalance(*g);
}

void GroupCoordinator::remove_pending_sync(Group& g, const std::string& member_id) {
  g.pending_sync().erase(member_id);
  if (g.pending_sync().empty()) {
    loop_.cancel_timer(g.sync_timer);
    g.sync_timer = 0;
  }
}

void GroupCoordinator::reset_and_propagate_assignment_error(Group& g, int16_t error) {
  for (auto& m : g.members()) {
    m.assignment.clear();
    if (m.awaiting_sync) {
      SyncCallback cb = std::move(m.awaiting_sync);
      m.awaiting_sync = nullptr;
      cb(SyncResult{error, {}, {}, {}});
      complete_heartbeat(g, m);
    }
  }
}

void GroupCoordinator::propagate_assignment(Group& g) {
  for (auto& m : g.members()) {
    if (!m.awaiting_sync) continue;
    SyncCallback cb = std::move(m.awaiting_sync);
    m.awaiting_sync = nullptr;
    cb(SyncResult{0, g.protocol_type(), g.protocol_name(), m.assignment});
    complete_heartbeat(g, m);
  }
}

void GroupCoordinator::remove_member(Group& g, const std::string& member_id, int16_t error) {
  auto removed = g.remove(member_id);
  if (!removed) return;
  loop_.cancel_timer(removed->session_timer);
  // Kafka drops such callbacks and the client times out; answering tells it at once.
  if (removed->awaiting_join) removed->awaiting_join(join_error(member_id, error));
  if (removed->awaiting_sync) removed->awaiting_sync(SyncResult{error, {}, {}, {}});
}

void GroupCoordinator::remove_member_and_update_group(Group& g, const std::string& member_id,
                                                      int16_t error) {
  remove_member(g, member_id, error);
  switch (g.state()) {
    case GroupState::Stable:
    case GroupState::CompletingRebalance:
      return maybe_prepare_rebalance(g);
    case GroupState::PreparingRebalance:
      return try_complete_join(g);
    case GroupState::Empty:
    case GroupState::Dead:
      return;
  }
}

void GroupCoordinator::remove_pending_member_and_update_group(Group& g,
                                                              const std::string& member_id) {
  g.remove_pending(member_id);
  if (g.is(GroupState::PreparingRebalance)) try_complete_join(g);
}

void GroupCoordinator::on_pending_timer(const std::string& group_id, const std::string& member_id) {
  Group* g = find_mut(group_id);
  if (g == nullptr || !g->is_pending(member_id)) return;
  remove_pending_member_and_update_group(*g, member_id);
}

void GroupCoordinator::complete_heartbeat(const Group& g, GroupMember& m) {
  m.last_heartbeat_ms = now_ms();
  arm_session(g, m, m.session_timeout_ms);
}

void GroupCoordinator::arm_session(const Group& g, GroupMember& m, int64_t delay_ms) {
  // One timer per member at a time; a heartbeat only moves last_heartbeat_ms and the timer,
  // when it fires, re-arms itself for the rest of the session.
  if (m.session_timer != 0) return;
  std::string gid = g.id(), mid = m.member_id;
  m.session_timer = loop_.add_timer(std::chrono::milliseconds(std::max<int64_t>(delay_ms, 1)),
                                    [this, gid, mid] { on_session_timer(gid, mid); });
}

void GroupCoordinator::on_session_timer(const std::string& group_id, const std::string& member_id) {
  Group* g = find_mut(group_id);
  if (g == nullptr) return;
  GroupMember* m = g->get(member_id);
  if (m == nullptr) return;
  m->session_timer = 0;
  // Members waiting in a JoinGroup or SyncGroup cannot heartbeat: they count as alive.
  if (m->awaiting_join || m->awaiting_sync) return arm_session(*g, *m, m->session_timeout_ms);
  int64_t left = m->last_heartbeat_ms + m->session_timeout_ms - now_ms();
  if (left > 0) return arm_session(*g, *m, left);
  log("group " + group_id + ": member " + member_id + " session expired, removing it");
  g->pending_sync().erase(member_id);
  remove_member_and_update_group(*g, member_id, e(ErrorCode::UnknownMemberId));
}

void GroupCoordinator::schedule_sweep() {
  sweep_timer_ = loop_.add_timer(std::chrono::milliseconds(kSweepIntervalMs), [this] {
    sweep();
    schedule_sweep();
  });
}

void GroupCoordinator::sweep() {
  std::vector<std::string> gone;
  for (const auto& entry : groups_) {
    const Group& g = *entry.second;
    if (g.is(GroupState::Empty) && g.pending().empty() && g.join_timer == 0 &&
        (offsets_ == nullptr || !offsets_->has_offsets(g.id())))
      gone.push_back(g.id());
  }
  for (const auto& id : gone) {
    erase_group(id);
    if (persist_) persist_(id, std::nullopt);
  }
}

void GroupCoordinator::erase_group(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return;
  Group& g = *it->second;
  loop_.cancel_timer(g.join_timer);
  loop_.cancel_timer(g.sync_timer);
  for (auto& m : g.members()) loop_.cancel_timer(m.session_timer);
  groups_.erase(it);
  persisted_.erase(group_id);
}

void GroupCoordinator::persist(const Group& g) {
  std::string encoded = encode_group(g);
  persisted_[g.id()] = encoded;
  if (persist_) persist_(g.id(), encoded);
}

}  // namespace kafkit::broker
