#pragma once
// One classic consumer group's membership state, as Kafka's GroupMetadata keeps it: the
// state machine (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead), generation,
// protocol type and selected protocol, leader, members with their protocols and
// assignments, KIP-394 pending member ids and KIP-345 static members. Pure data plus the
// rules that need nothing but the group itself; timers and parked requests' answers are
// the GroupCoordinator's (group_coordinator.hpp). Owned by the broker's loop thread.
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/event_loop.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

enum class GroupState : uint8_t { Empty, PreparingRebalance, CompletingRebalance, Stable, Dead };

/// The names DescribeGroups / ListGroups use ("Empty", "Stable", ...).
std::string_view group_state_name(GroupState s);
/// Case-insensitive inverse of group_state_name (ListGroups' states filter, KIP-518).
std::optional<GroupState> parse_group_state(std::string_view name);

/// What a parked JoinGroup is answered with (JoinGroupResponse without version details).
struct JoinResult {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    protocol::Bytes metadata;
  };
  int16_t error = 0;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;  // nullopt = none (v7+ null)
  std::optional<std::string> protocol_name;
  std::string leader;
  std::string member_id;
  bool skip_assignment = false;  // KIP-814 (v9)
  std::vector<Member> members;   // only for the leader
};
using JoinCallback = std::function<void(const JoinResult&)>;

struct SyncResult {
  int16_t error = 0;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  protocol::Bytes assignment;
};
using SyncCallback = std::function<void(const SyncResult&)>;

using ProtocolList = std::vector<std::pair<std::string, protocol::Bytes>>;

struct GroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::string protocol_type;
  ProtocolList protocols;  // in the member's order of preference
  protocol::Bytes assignment;

  JoinCallback awaiting_join;  // a parked JoinGroup, when set
  SyncCallback awaiting_sync;  // a parked SyncGroup, when set
  /// Steady-clock ms of the last heartbeat (or join/sync/commit that counts as one).
  /// Mutable: an accepted OffsetCommit refreshes it through the const membership view.
  mutable int64_t last_heartbeat_ms = 0;
  net::TimerId session_timer = 0;

  bool is_static() const { return group_instance_id.has_value(); }
  /// Metadata of `protocol` (empty when the member does not support it).
  const protocol::Bytes* metadata(std::string_view protocol) const;
  /// Same protocol names and metadata, in the same order (Kafka's MemberMetadata.matches).
  bool matches(const ProtocolList& other) const;
};

class Group {
 public:
  explicit Group(std::string id) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  bool is(GroupState s) const { return state_ == s; }
  void transition_to(GroupState s) { state_ = s; }
  int32_t generation() const { return generation_; }
  const std::optional<std::string>& protocol_type() const { return protocol_type_; }
  const std::optional<std::string>& protocol_name() const { return protocol_name_; }
  const std::string& leader() const { return leader_; }
  bool is_leader(std::string_view member_id) const {
    return !leader_.empty() && leader_ == member_id;
  }

  // ---- members ----
  bool has(std::string_view member_id) const;
  GroupMember* get(std::string_view member_id);
  const GroupMember* get(std::string_view member_id) const;
  /// In join order (the order Kafka's leader election and DescribeGroups follow here).
  const std::list<GroupMember>& members() const { return members_; }
  std::list<GroupMember>& members() { return members_; }
  size_t size() const { return members_.size(); }
  /// Adds a member (which must support a protocol every member supports, see
  /// supports_protocols); the first member fixes the protocol type, the first joiner leads.
  GroupMember& add(GroupMember member);
  /// Removes a member; a removed leader is replaced by the first remaining member.
  /// Returns the removed member (its parked callbacks still set) or nullopt.
  std::optional<GroupMember> remove(std::string_view member_id);
  /// Replaces the protocols (and timeouts) of a rejoining member and parks its join.
  void update_member(GroupMember& m, ProtocolList protocols, int32_t rebalance_timeout_ms,
                     int32_t session_timeout_ms, JoinCallback callback);
  /// Kafka's supportsProtocols: an Empty group takes any non-empty protocol type and list;
  /// otherwise the type must match and one of the protocols be supported by every member.
  bool supports_protocols(std::string_view protocol_type, const ProtocolList& protocols) const;
  /// The protocol every member supports that most members list first (ties: the leader's
  /// preference). Empty when there is none.
  std::string select_protocol() const;
  /// Max rebalance timeout over the members (the JoinGroup wait).
  int32_t rebalance_timeout_ms() const;
  size_t awaiting_join_count() const;
  bool all_members_joined() const {
    return awaiting_join_count() == members_.size() && pending_.empty();
  }
  /// If the leader did not rejoin, a member that did becomes leader. False when no member
  /// rejoined at all.
  bool elect_joined_leader();
  /// Generation + 1; CompletingRebalance with the selected protocol, or Empty without one.
  void init_next_generation();

  // ---- KIP-394 pending members: ids handed out with MEMBER_ID_REQUIRED ----
  bool is_pending(std::string_view member_id) const {
    return pending_.count(std::string(member_id)) != 0;
  }
  void add_pending(const std::string& member_id, int64_t deadline_ms) {
    pending_[member_id] = deadline_ms;
  }
  void remove_pending(std::string_view member_id) { pending_.erase(std::string(member_id)); }
  std::map<std::string, int64_t>& pending() { return pending_; }
  const std::map<std::string, int64_t>& pending() const { return pending_; }

  // ---- KIP-345 static members ----
  /// The member id of static member `instance_id`, or nullptr.
  const std::string* static_member_id(std::string_view instance_id) const;
  /// Kafka's isStaticMemberFenced: the instance id is known under another member id.
  bool is_static_member_fenced(std::string_view member_id,
                               const std::optional<std::string>& instance_id) const;
  /// The static member re-registers under `new_id`; returns the member (now under new_id)
  /// and leaves the old member's parked callbacks in `old_join` / `old_sync`.
  GroupMember& replace_static_member(std::string_view old_id, const std::string& new_id,
                                     JoinCallback& old_join, SyncCallback& old_sync);

  // ---- pending syncs: members that got their JoinGroup answer but have not synced ----
  std::set<std::string>& pending_sync() { return pending_sync_; }

  /// Topics the members subscribe to, from their consumer-protocol metadata at the last
  /// generation change; nullopt when unknown (not a consumer group, or unparsable).
  const std::optional<std::set<std::string>>& subscribed_topics() const { return subscribed_; }

  // ---- restore (GroupCoordinator::restore_group) ----
  void restore(GroupState state, int32_t generation, std::optional<std::string> protocol_type,
               std::optional<std::string> protocol_name, std::string leader);

  // Join-phase timer bookkeeping, owned by the coordinator.
  net::TimerId join_timer = 0;
  bool initial_join_phase = false;  // group.initial.rebalance.delay.ms still running
  bool new_member_added = false;    // a member joined during the initial delay
  int64_t initial_remaining_ms = 0;
  net::TimerId sync_timer = 0;

 private:
  void compute_subscribed_topics();

  std::string id_;
  GroupState state_ = GroupState::Empty;
  int32_t generation_ = 0;
  std::optional<std::string> protocol_type_;
  std::optional<std::string> protocol_name_;
  std::string leader_;
  std::list<GroupMember> members_;          // a list: GroupMember references stay valid
  std::map<std::string, int64_t> pending_;  // member id -> expiry (steady ms)
  std::map<std::string, std::string, std::less<>> static_members_;  // instance id -> member id
  std::set<std::string> pending_sync_;
  std::optional<std::set<std::string>> subscribed_;
};

}  // namespace kafkit::broker
