#include "client/group/group_membership.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "protocol/messages/error_codes.hpp"

namespace kafkit::client {

using protocol::ErrorCode;

namespace {

constexpr std::int16_t code(ErrorCode c) {
  return static_cast<std::int16_t>(c);
}

constexpr const char* protocol_type = "consumer";

std::vector<TopicPartition> sorted_unique(std::vector<TopicPartition> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

/// a minus b (both sorted).
std::vector<TopicPartition> minus(const std::vector<TopicPartition>& a,
                                  const std::vector<TopicPartition>& b) {
  std::vector<TopicPartition> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

int ms(std::chrono::milliseconds d) {
  return static_cast<int>(d.count());
}

}  // namespace

GroupMembership::GroupMembership(GroupMembershipConfig config) : config_(std::move(config)) {
  if (config_.group_id.empty()) throw std::invalid_argument("group.id must be set");
  if (config_.assignors.empty()) {
    throw std::invalid_argument("partition.assignment.strategy: no assignor");
  }
  // Java: the rebalance protocol is the one every assignor supports; a cooperative
  // assignor also works eagerly, so one eager assignor makes the whole member eager (the
  // first step of KIP-429's upgrade path).
  protocol_ = RebalanceProtocol::cooperative;
  for (const auto& a : config_.assignors) {
    if (!a) throw std::invalid_argument("partition.assignment.strategy: null assignor");
    if (a->protocol() != RebalanceProtocol::cooperative) protocol_ = RebalanceProtocol::eager;
  }
}

// ---------------------------------------------------------------- events and helpers

void GroupMembership::emit(ConsumerEvent::Type type, std::vector<TopicPartition> partitions,
                           std::optional<Error> error) {
  events_.push_back(ConsumerEvent{type, std::move(error), std::move(partitions)});
}

void GroupMembership::emit_error(ConsumerEvent::Type type, std::int16_t c, const char* what) {
  std::string message = std::string(what) + " for group '" + config_.group_id +
                        "' failed: " + std::string(protocol::error_name(c));
  emit(type, {}, Error{c, std::move(message)});
}

std::vector<ConsumerEvent> GroupMembership::take_events() {
  return std::exchange(events_, {});
}

void GroupMembership::lose_partitions() {
  revoking_.clear();
  if (after_revoke_ == AfterRevoke::join) after_revoke_ = AfterRevoke::nothing;
  if (!owned_.empty()) emit(ConsumerEvent::Type::partitions_lost, std::exchange(owned_, {}));
}

void GroupMembership::reset_generation(bool reset_member_id) {
  generation_ = -1;
  leader_ = false;
  group_topics_.clear();
  if (reset_member_id) member_id_.clear();
}

void GroupMembership::backoff(TimePoint now) {
  backoff_until_ = now + config_.retry_backoff;
}

void GroupMembership::coordinator_unknown(TimePoint now) {
  coordinator_.reset();
  const InFlight was = in_flight_;
  if (was != InFlight::find_coordinator) in_flight_ = InFlight::none;
  backoff(now);
  // A JoinGroup or SyncGroup cut short is redone from JoinGroup with the same member id
  // (the coordinator fences whatever was half done by generation).
  if (state_ == State::syncing || (state_ == State::joining && was == InFlight::join)) {
    state_ = State::joining;
  }
  // Java leaves without telling a coordinator it cannot reach.
  if (state_ == State::leaving) {
    reset_generation(true);
    state_ = leave_then_poll_expired_ ? State::poll_expired
             : closing_               ? State::closed
             : subscription_.empty()  ? State::idle
                                      : State::joining;
    leave_then_poll_expired_ = false;
  }
}

std::vector<std::string> GroupMembership::metadata_topics() const {
  std::set<std::string> topics(subscription_.begin(), subscription_.end());
  if (leader_) topics.insert(group_topics_.begin(), group_topics_.end());
  return {topics.begin(), topics.end()};
}

std::vector<std::pair<std::string, std::int32_t>> GroupMembership::snapshot(
    const std::vector<std::string>& topics) const {
  std::vector<std::pair<std::string, std::int32_t>> out;
  for (const std::string& t : topics) {
    auto it = partition_counts_.find(t);
    out.emplace_back(t, it == partition_counts_.end() ? -1 : it->second);
  }
  return out;
}

PartitionAssignor* GroupMembership::find_assignor(const std::string& name) const {
  for (const auto& a : config_.assignors) {
    if (a->name() == name) return a.get();
  }
  return nullptr;
}

bool GroupMembership::can_commit() const noexcept {
  return generation_ >= 0 && !member_id_.empty() &&
         (state_ == State::stable || state_ == State::revoking);
}

GroupCommitContext GroupMembership::commit_context() const {
  if (!can_commit()) return {-1, {}, config_.group_instance_id};
  return {generation_, member_id_, config_.group_instance_id};
}

// ---------------------------------------------------------------- rebalance flow

void GroupMembership::request_rejoin(TimePoint now, const char* /*why*/) {
  (void)now;
  switch (state_) {
    case State::stable:
      break;
    case State::joining:
    case State::syncing:
      // Finish the round under way, then join again with what changed.
      if (in_flight_ == InFlight::join || state_ == State::syncing) rejoin_pending_ = true;
      return;
    case State::revoking:  // a join follows the revoke anyway
      if (after_revoke_ == AfterRevoke::nothing) after_revoke_ = AfterRevoke::join;
      return;
    default:
      return;  // not in the group, leaving, or waiting for poll()
  }
  if (in_flight_ == InFlight::heartbeat) in_flight_ = InFlight::none;  // answer is moot now
  std::vector<TopicPartition> to_revoke;
  if (protocol_ == RebalanceProtocol::eager) {
    // Eager: give up everything before JoinGroup.
    to_revoke = owned_;
  } else {
    // Cooperative: keep partitions across the rebalance, except those of topics no longer
    // subscribed (Java's onJoinPrepare does the same).
    for (const TopicPartition& tp : owned_) {
      if (!std::binary_search(subscription_.begin(), subscription_.end(), tp.topic)) {
        to_revoke.push_back(tp);
      }
    }
  }
  if (!revoking_.empty()) {
    // A cooperative revoke from the last SyncGroup is still with the application.
    state_ = State::revoking;
    after_revoke_ = AfterRevoke::join;
    return;
  }
  if (to_revoke.empty()) {
    state_ = State::joining;
    return;
  }
  revoking_ = to_revoke;
  after_revoke_ = AfterRevoke::join;
  state_ = State::revoking;
  emit(ConsumerEvent::Type::partitions_revoked, to_revoke);
}

void GroupMembership::revoke_done(const std::vector<TopicPartition>& partitions, TimePoint now) {
  if (revoking_.empty()) return;
  // Only partitions still being revoked count (a revoke overtaken by a loss is moot).
  std::vector<TopicPartition> done;
  const std::vector<TopicPartition> pending = sorted_unique(revoking_);
  for (const TopicPartition& tp : sorted_unique(partitions)) {
    if (std::binary_search(pending.begin(), pending.end(), tp)) done.push_back(tp);
  }
  owned_ = minus(owned_, done);
  revoking_ = minus(pending, done);
  if (!revoking_.empty()) return;  // another revoke event is still with the application
  const AfterRevoke next = std::exchange(after_revoke_, AfterRevoke::nothing);
  if (next == AfterRevoke::join) {
    if (state_ == State::revoking || state_ == State::stable) state_ = State::joining;
  } else if (next == AfterRevoke::leave) {
    after_revoke(now);
  }
}

void GroupMembership::after_revoke(TimePoint now) {
  // Leaving: LeaveGroup for a dynamic member the coordinator knows. Static members do not
  // leave on close (KIP-345: the coordinator keeps their partitions for session.timeout.ms
  // so that a restart does not rebalance), as Java.
  (void)now;
  if (!member_id_.empty() && !config_.group_instance_id && generation_ >= 0) {
    state_ = State::leaving;
    return;
  }
  reset_generation(!config_.group_instance_id.has_value());
  owned_.clear();
  state_ = closing_ ? State::closed : subscription_.empty() ? State::idle : State::joining;
}

void GroupMembership::close(TimePoint now) {
  closing_ = true;
  switch (state_) {
    case State::closed:
      return;
    case State::idle:
    case State::poll_expired:
    case State::fatal:
      state_ = State::closed;
      return;
    case State::leaving:
      return;
    case State::revoking:
      after_revoke_ = AfterRevoke::leave;
      return;
    default:
      break;
  }
  if (in_flight_ == InFlight::join || in_flight_ == InFlight::sync) in_flight_ = InFlight::none;
  std::vector<TopicPartition> rest = minus(owned_, sorted_unique(revoking_));
  if (!rest.empty()) {
    if (generation_ < 0) {
      // Never confirmed in a generation: nothing to commit them with (Java: lost).
      emit(ConsumerEvent::Type::partitions_lost, rest);
      owned_ = minus(owned_, rest);
    } else {
      revoking_.insert(revoking_.end(), rest.begin(), rest.end());
      emit(ConsumerEvent::Type::partitions_revoked, rest);
    }
  }
  if (!revoking_.empty()) {
    state_ = State::revoking;
    after_revoke_ = AfterRevoke::leave;
    return;
  }
  after_revoke(now);
}

void GroupMembership::set_subscription(std::vector<std::string> topics, TimePoint now) {
  std::sort(topics.begin(), topics.end());
  topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
  if (!polled_) {
    polled_ = true;
    last_poll_ = now;
  }
  if (topics == subscription_ || state_ == State::closed || state_ == State::fatal) return;
  subscription_ = std::move(topics);
  if (subscription_.empty()) {
    // unsubscribe(): orderly revoke, then leave; the member stays usable.
    const bool was_closing = closing_;
    close(now);
    closing_ = was_closing;
    if (state_ == State::closed) state_ = State::idle;
    return;
  }
  if (state_ == State::idle) {
    state_ = State::joining;
    return;
  }
  request_rejoin(now, "subscription changed");
}

void GroupMembership::set_partition_counts(std::map<std::string, std::int32_t> counts,
                                           TimePoint now) {
  partition_counts_ = std::move(counts);
  have_metadata_ = true;
  if (state_ == State::stable && snapshot(metadata_topics()) != assigned_snapshot_) {
    // Partitions were added (or a subscribed topic appeared or vanished): the assignment
    // no longer covers what the group subscribes to.
    request_rejoin(now, "partition count changed");
  }
}

void GroupMembership::on_poll(TimePoint now) {
  last_poll_ = now;
  polled_ = true;
  if (wait_for_poll_) {
    wait_for_poll_ = false;
    backoff_until_ = now;
  }
  if (state_ == State::poll_expired && !subscription_.empty()) state_ = State::joining;
}

void GroupMembership::on_coordinator_lost(TimePoint now) {
  if (coordinator_) coordinator_unknown(now);
}

void GroupMembership::on_request_failed(TimePoint now) {
  const InFlight was = std::exchange(in_flight_, InFlight::none);
  if (was == InFlight::none) return;
  if (was == InFlight::find_coordinator) {
    backoff(now);
    return;
  }
  in_flight_ = was;  // let coordinator_unknown() see what was cut short
  coordinator_unknown(now);
}

// ---------------------------------------------------------------- timers

void GroupMembership::check_timers(TimePoint now) {
  const bool in_group = state_ == State::revoking || state_ == State::joining ||
                        state_ == State::syncing || state_ == State::stable;
  if (in_group && polled_ && !closing_ && now - last_poll_ > config_.rebalance_timeout) {
    // max.poll.interval.ms: the application stopped polling, so it cannot be processing
    // what it owns in time; leave so the group moves on (Java's maybeLeaveGroup).
    emit(ConsumerEvent::Type::poll_interval_exceeded, {},
         Error{errc::timed_out, "max.poll.interval.ms (" +
                                    std::to_string(config_.rebalance_timeout.count()) +
                                    " ms) passed without poll(): left group '" + config_.group_id +
                                    "'; the next poll() rejoins"});
    lose_partitions();
    after_revoke_ = AfterRevoke::nothing;
    rejoin_pending_ = false;
    in_flight_ = in_flight_ == InFlight::find_coordinator ? in_flight_ : InFlight::none;
    if (!member_id_.empty() && !config_.group_instance_id && coordinator_) {
      state_ = State::leaving;
      leave_then_poll_expired_ = true;
    } else {
      reset_generation(true);
      state_ = State::poll_expired;
    }
    return;
  }
  if (state_ == State::stable && now - last_heartbeat_ok_ > config_.session_timeout) {
    // The coordinator has certainly expired us: another member may own our partitions.
    emit(ConsumerEvent::Type::error, {},
         Error{errc::timed_out, "no successful heartbeat for session.timeout.ms in group '" +
                                    config_.group_id + "': partitions lost, rejoining"});
    lose_partitions();
    reset_generation(true);
    coordinator_unknown(now);
    state_ = State::joining;
  }
}

GroupMembership::TimePoint GroupMembership::next_wakeup(TimePoint now) const {
  TimePoint t = TimePoint::max();
  auto earliest = [&](TimePoint c) { t = std::min(t, std::max(c, now)); };
  const bool in_group = state_ == State::revoking || state_ == State::joining ||
                        state_ == State::syncing || state_ == State::stable;
  if (in_group && polled_ && !closing_) {
    earliest(last_poll_ + config_.rebalance_timeout + std::chrono::milliseconds(1));
  }
  if (state_ == State::stable) {
    earliest(last_heartbeat_ok_ + config_.session_timeout + std::chrono::milliseconds(1));
  }
  if (in_flight_ != InFlight::none || wait_for_poll_) return t;
  const TimePoint ready = std::max(backoff_until_, now);
  switch (state_) {
    case State::joining:
      if (have_metadata_) earliest(ready);
      break;
    case State::syncing:
    case State::leaving:
      earliest(ready);
      break;
    case State::stable:
    case State::revoking:
      if (!coordinator_) {
        earliest(ready);
      } else if (generation_ >= 0) {
        earliest(std::max(ready, last_heartbeat_sent_ + config_.heartbeat_interval));
      }
      break;
    default:
      break;
  }
  return t;
}

// ---------------------------------------------------------------- requests

std::optional<GroupRequest> GroupMembership::next_request(TimePoint now) {
  check_timers(now);
  if (in_flight_ != InFlight::none || wait_for_poll_ || now < backoff_until_) return {};
  const bool wants_coordinator =
      (state_ == State::joining && have_metadata_) || state_ == State::syncing ||
      state_ == State::leaving ||
      ((state_ == State::stable || state_ == State::revoking) && generation_ >= 0);
  if (!wants_coordinator) return {};
  if (!coordinator_) {
    protocol::FindCoordinatorRequest req;
    req.key = config_.group_id;
    req.key_type = 0;  // group
    req.coordinator_keys = {config_.group_id};
    in_flight_ = InFlight::find_coordinator;
    return GroupRequest{GroupRequest::Destination::any_broker, {}, std::move(req)};
  }
  switch (state_) {
    case State::joining: {
      // The metadata this join is based on (a non-leader's view; the leader replaces it
      // with the group's topics when it assigns).
      assigned_snapshot_ = snapshot(metadata_topics());
      rejoin_pending_ = false;  // this JoinGroup carries the latest subscription
      in_flight_ = InFlight::join;
      // Java waits rebalance.timeout + 5 s: the coordinator holds JoinGroup until every
      // member has joined or the rebalance timeout passed.
      return GroupRequest{GroupRequest::Destination::coordinator,
                          config_.rebalance_timeout + std::chrono::milliseconds(5000), make_join()};
    }
    case State::syncing:
      in_flight_ = InFlight::sync;
      return GroupRequest{GroupRequest::Destination::coordinator, {}, make_sync()};
    case State::leaving:
      in_flight_ = InFlight::leave;
      return GroupRequest{GroupRequest::Destination::coordinator, {}, make_leave()};
    case State::stable:
    case State::revoking: {
      if (now < last_heartbeat_sent_ + config_.heartbeat_interval) return {};
      protocol::HeartbeatRequest req;
      req.group_id = config_.group_id;
      req.generation_id = generation_;
      req.member_id = member_id_;
      req.group_instance_id = config_.group_instance_id;
      last_heartbeat_sent_ = now;
      in_flight_ = InFlight::heartbeat;
      return GroupRequest{GroupRequest::Destination::coordinator, {}, std::move(req)};
    }
    default:
      return {};
  }
}

protocol::JoinGroupRequest GroupMembership::make_join() const {
  protocol::JoinGroupRequest req;
  req.group_id = config_.group_id;
  req.session_timeout_ms = ms(config_.session_timeout);
  req.rebalance_timeout_ms = ms(config_.rebalance_timeout);
  req.member_id = member_id_;  // empty on the first join (KIP-394 hands one out)
  req.group_instance_id = config_.group_instance_id;
  req.protocol_type = protocol_type;
  for (const auto& a : config_.assignors) {
    ConsumerSubscription s;
    s.topics = subscription_;
    s.user_data = a->subscription_user_data(subscription_);
    // KIP-429: owned partitions and their generation let sticky assignors keep them.
    // Eager members revoked everything first, so theirs are empty.
    s.owned_partitions = owned_;
    s.generation_id = generation_;
    s.rack_id = config_.client_rack;
    req.protocols.push_back({std::string(a->name()), encode_subscription(s), {}});
  }
  return req;
}

protocol::SyncGroupRequest GroupMembership::make_sync() const {
  protocol::SyncGroupRequest req;
  req.group_id = config_.group_id;
  req.generation_id = generation_;
  req.member_id = member_id_;
  req.group_instance_id = config_.group_instance_id;
  req.protocol_type = protocol_type;
  req.protocol_name = protocol_name_;
  req.assignments = sync_assignments_;
  return req;
}

protocol::LeaveGroupRequest GroupMembership::make_leave() const {
  protocol::LeaveGroupRequest req;
  req.group_id = config_.group_id;
  req.member_id = member_id_;                      // v0-2
  protocol::LeaveGroupRequest::MemberIdentity me;  // v3+ (KIP-345 batch form)
  me.member_id = member_id_;
  me.group_instance_id = config_.group_instance_id;
  me.reason = leave_then_poll_expired_
                  ? std::optional<std::string>("consumer poll timeout has expired")
                  : std::optional<std::string>("the consumer is leaving the group");
  req.members.push_back(std::move(me));
  return req;
}

// ---------------------------------------------------------------- responses

bool GroupMembership::handle_common_error(std::int16_t c, TimePoint now, const char* api) {
  switch (c) {
    case code(ErrorCode::NotCoordinator):
    case code(ErrorCode::CoordinatorNotAvailable):
      coordinator_unknown(now);
      return true;
    case code(ErrorCode::CoordinatorLoadInProgress):
      backoff(now);
      return true;
    case code(ErrorCode::FencedInstanceId):
      // KIP-345: another process runs with our group.instance.id; carrying on would make
      // two consumers process the same partitions.
      lose_partitions();
      reset_generation(true);
      state_ = State::fatal;
      emit_error(ConsumerEvent::Type::fatal, c, api);
      return true;
    case code(ErrorCode::GroupAuthorizationFailed):
    case code(ErrorCode::InvalidSessionTimeout):
    case code(ErrorCode::InconsistentGroupProtocol):
    case code(ErrorCode::InvalidGroupId):
    case code(ErrorCode::GroupMaxSizeReached):
      emit_error(ConsumerEvent::Type::error, c, api);
      wait_for_poll_ = true;
      return true;
    default:
      return false;
  }
}

void GroupMembership::on_response(const protocol::FindCoordinatorResponse& r, TimePoint now) {
  if (in_flight_ != InFlight::find_coordinator) return;
  in_flight_ = InFlight::none;
  // v4+ (KIP-699) answers per key; earlier versions in the top-level fields.
  std::int16_t c = r.error_code;
  GroupCoordinator found{r.node_id, r.host, r.port};
  if (!r.coordinators.empty()) {
    const auto& k = r.coordinators.front();
    c = k.error_code;
    found = {k.node_id, k.host, k.port};
  }
  if (c == code(ErrorCode::None)) {
    coordinator_ = std::move(found);
    return;
  }
  if (c == code(ErrorCode::GroupAuthorizationFailed)) {
    emit_error(ConsumerEvent::Type::error, c, "FindCoordinator");
    wait_for_poll_ = true;
    return;
  }
  backoff(now);  // COORDINATOR_NOT_AVAILABLE and the like: ask again shortly
}

void GroupMembership::on_response(const protocol::JoinGroupResponse& r, TimePoint now) {
  if (in_flight_ != InFlight::join || state_ != State::joining) return;
  in_flight_ = InFlight::none;
  const std::int16_t c = r.error_code;
  if (c == code(ErrorCode::None)) {
    member_id_ = r.member_id;
    generation_ = r.generation_id;
    protocol_name_ = r.protocol_name.value_or("");
    leader_ = r.leader == member_id_;
    sync_assignments_.clear();
    group_topics_.clear();
    if (leader_ && !r.skip_assignment) perform_assignment(r, now);
    state_ = State::syncing;
    return;
  }
  switch (c) {
    case code(ErrorCode::MemberIdRequired):
      // KIP-394: the coordinator handed out our member id; join again with it at once.
      member_id_ = r.member_id;
      return;
    case code(ErrorCode::UnknownMemberId):
      lose_partitions();
      reset_generation(true);
      return;
    case code(ErrorCode::IllegalGeneration):
      lose_partitions();
      reset_generation(false);
      return;
    case code(ErrorCode::RebalanceInProgress):
      backoff(now);
      return;
    default:
      break;
  }
  if (handle_common_error(c, now, "JoinGroup")) return;
  emit_error(ConsumerEvent::Type::error, c, "JoinGroup");
  backoff(now);
}

void GroupMembership::perform_assignment(const protocol::JoinGroupResponse& r, TimePoint now) {
  (void)now;
  PartitionAssignor* assignor = find_assignor(protocol_name_);
  std::vector<GroupMemberSubscription> members;
  std::set<std::string> topics;
  for (const auto& m : r.members) {
    GroupMemberSubscription sub;
    sub.member_id = m.member_id;
    sub.group_instance_id = m.group_instance_id;
    auto decoded = decode_subscription(m.metadata);
    if (decoded) {
      sub.topics = std::move(decoded->topics);
      sub.user_data = std::move(decoded->user_data);
      sub.owned_partitions = std::move(decoded->owned_partitions);
      sub.generation = decoded->generation_id;
      sub.rack_id = std::move(decoded->rack_id);
    } else {
      // One member's garbage must not stop the group: it gets nothing this round.
      emit(ConsumerEvent::Type::error, {},
           Error{errc::malformed, "group '" + config_.group_id + "': subscription of member " +
                                      m.member_id + " unreadable: " + decoded.error().message});
    }
    if (m.member_id == member_id_ && (!decoded || sub.topics != subscription_)) {
      // The coordinator echoes each member's metadata byte for byte, so a leader that
      // cannot read back its own subscription holds an answer damaged on the way: assign
      // from it (the group is waiting for our SyncGroup), then rebalance at once. Kept
      // silent, a damaged topic name left the group stable with nothing assigned (found by
      // kafkit-fuzz proxy).
      emit(ConsumerEvent::Type::error, {},
           Error{errc::malformed, "group '" + config_.group_id +
                                      "': JoinGroup answer echoed this member's subscription "
                                      "damaged; rebalancing again"});
      rejoin_pending_ = true;
    }
    topics.insert(sub.topics.begin(), sub.topics.end());
    members.push_back(std::move(sub));
  }
  group_topics_.assign(topics.begin(), topics.end());
  std::map<std::string, std::int32_t> counts;
  for (const std::string& t : group_topics_) {
    auto it = partition_counts_.find(t);
    if (it != partition_counts_.end()) counts.emplace(t, it->second);
  }
  assigned_snapshot_ = snapshot(metadata_topics());
  std::map<std::string, GroupMemberAssignment> result;
  if (assignor) {
    result = assignor->assign(counts, members);
  } else {
    emit(ConsumerEvent::Type::error, {},
         Error{errc::unsupported, "group '" + config_.group_id +
                                      "': the coordinator chose "
                                      "assignor '" +
                                      protocol_name_ +
                                      "' which this member "
                                      "does not have"});
  }
  for (const auto& m : r.members) {
    ConsumerAssignment a;
    auto it = result.find(m.member_id);
    if (it != result.end()) {
      a.partitions = it->second.partitions;
      a.user_data = it->second.user_data;
    }
    sync_assignments_.push_back({m.member_id, encode_assignment(a), {}});
  }
}

void GroupMembership::on_response(const protocol::SyncGroupResponse& r, TimePoint now) {
  if (in_flight_ != InFlight::sync || state_ != State::syncing) return;
  in_flight_ = InFlight::none;
  const std::int16_t c = r.error_code;
  if (c == code(ErrorCode::None)) {
    auto assignment = decode_assignment(r.assignment);
    if (!assignment) {
      emit(ConsumerEvent::Type::error, {},
           Error{errc::malformed, "group '" + config_.group_id +
                                      "': unreadable assignment: " + assignment.error().message});
      state_ = State::joining;
      backoff(now);
      return;
    }
    complete_sync(*assignment, now);
    return;
  }
  switch (c) {
    case code(ErrorCode::RebalanceInProgress):
      state_ = State::joining;
      return;
    case code(ErrorCode::UnknownMemberId):
      lose_partitions();
      reset_generation(true);
      state_ = State::joining;
      return;
    case code(ErrorCode::IllegalGeneration):
      lose_partitions();
      reset_generation(false);
      state_ = State::joining;
      return;
    default:
      break;
  }
  if (handle_common_error(c, now, "SyncGroup")) {
    if (state_ == State::syncing) state_ = State::joining;
    return;
  }
  emit_error(ConsumerEvent::Type::error, c, "SyncGroup");
  state_ = State::joining;
  backoff(now);
}

void GroupMembership::complete_sync(const ConsumerAssignment& assignment, TimePoint now) {
  std::vector<TopicPartition> assigned = sorted_unique(assignment.partitions);
  if (PartitionAssignor* a = find_assignor(protocol_name_)) {
    a->on_assignment(GroupMemberAssignment{assigned, assignment.user_data}, generation_);
  }
  state_ = State::stable;
  last_heartbeat_ok_ = now;
  last_heartbeat_sent_ = now;
  rejoin_pending_ = rejoin_pending_ || snapshot(metadata_topics()) != assigned_snapshot_;
  // Java's checkAssignmentMatchedSubscription: a partition of a topic this member does not
  // subscribe to means the leader saw another subscription than ours (damaged on the way,
  // or changed since): take the assignment as it is and rebalance.
  for (const TopicPartition& tp : assigned) {
    if (!std::binary_search(subscription_.begin(), subscription_.end(), tp.topic)) {
      emit(ConsumerEvent::Type::error, {},
           Error{errc::malformed, "group '" + config_.group_id + "': assigned " + tp.topic +
                                      " which this member does not subscribe to; rebalancing "
                                      "again"});
      rejoin_pending_ = true;
      break;
    }
  }

  std::vector<TopicPartition> revoked = minus(owned_, assigned);
  std::vector<TopicPartition> added = minus(assigned, owned_);
  if (!revoked.empty()) {
    // Only a cooperative member still owns partitions here (an eager one revoked all).
    // KIP-429: give up the ones that moved, then rejoin so they can be placed.
    revoking_ = revoked;
    after_revoke_ = AfterRevoke::join;
    emit(ConsumerEvent::Type::partitions_revoked, revoked);
  }
  owned_ = sorted_unique([&] {
    std::vector<TopicPartition> v = assigned;
    v.insert(v.end(), revoked.begin(), revoked.end());
    return v;
  }());
  // Java calls onPartitionsAssigned after every rebalance, even with nothing new.
  emit(ConsumerEvent::Type::partitions_assigned, added);
  if (std::exchange(rejoin_pending_, false) && revoked.empty()) {
    request_rejoin(now, "changed during the rebalance");
  }
}

void GroupMembership::on_response(const protocol::HeartbeatResponse& r, TimePoint now) {
  if (in_flight_ != InFlight::heartbeat) return;
  in_flight_ = InFlight::none;
  if (state_ != State::stable && state_ != State::revoking) return;
  const std::int16_t c = r.error_code;
  switch (c) {
    case code(ErrorCode::None):
      last_heartbeat_ok_ = now;
      return;
    case code(ErrorCode::RebalanceInProgress):
      // Someone joined or left: the session is fine, take part in the new round.
      last_heartbeat_ok_ = now;
      request_rejoin(now, "the group is rebalancing");
      return;
    case code(ErrorCode::UnknownMemberId):
    case code(ErrorCode::IllegalGeneration): {
      const bool revoke_pending = state_ == State::revoking;
      lose_partitions();
      reset_generation(c == code(ErrorCode::UnknownMemberId));
      if (!revoke_pending || after_revoke_ != AfterRevoke::leave) {
        state_ = State::joining;
      } else {
        after_revoke(now);
      }
      return;
    }
    default:
      break;
  }
  if (handle_common_error(c, now, "Heartbeat")) return;
  emit_error(ConsumerEvent::Type::error, c, "Heartbeat");
  backoff(now);
}

void GroupMembership::on_response(const protocol::LeaveGroupResponse& r, TimePoint now) {
  (void)r;  // leaving is best effort: whatever the answer, this member is out
  (void)now;
  if (in_flight_ != InFlight::leave) return;
  in_flight_ = InFlight::none;
  reset_generation(true);
  owned_.clear();
  if (std::exchange(leave_then_poll_expired_, false)) {
    state_ = State::poll_expired;
  } else {
    state_ = closing_ ? State::closed : subscription_.empty() ? State::idle : State::joining;
  }
}

}  // namespace kafkit::client
