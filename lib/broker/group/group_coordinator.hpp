#pragma once
// GroupCoordinator: every classic consumer group this broker process coordinates, with
// the timers that drive them — Kafka's GroupCoordinator (join/sync/heartbeat/leave rules,
// the join and heartbeat purgatories) for the membership half. Committed offsets live on
// the offset side (GroupOffsetsView); this side answers its membership questions
// (GroupMembershipView).
//
// I/O free: requests come in as plain values, parked JoinGroup / SyncGroup requests as
// callbacks the handlers turn into responses. Which node coordinates a group is the
// handlers' check (coordinator_node.hpp); one coordinator object serves all nodes.
//
// Thread-safety: everything runs on the broker's loop thread (timers included).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/group/group.hpp"
#include "broker/group/group_access.hpp"
#include "broker/group/member_id.hpp"
#include "common/result.hpp"
#include "net/event_loop.hpp"

namespace kafkit::broker {

struct BrokerConfig;

/// The group.* broker properties (Kafka's names and defaults, except group.max.size).
struct GroupConfig {
  /// group.initial.rebalance.delay.ms: how long the first rebalance of an empty group
  /// waits for more members (extended per new joiner up to the rebalance timeout).
  int64_t initial_rebalance_delay_ms = 3000;
  int32_t min_session_timeout_ms = 6000;     // group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1800000;  // group.max.session.timeout.ms
  /// group.max.size. Kafka's default is Integer.MAX_VALUE; ours bounds what one group can
  /// hold (members plus KIP-394 pending member ids), so a flood of JoinGroups with new
  /// member ids cannot grow memory without bound.
  int32_t max_size = 1000;

  static GroupConfig from(const BrokerConfig& config);
};

struct JoinRequestParams {
  std::string group_id;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  ProtocolList protocols;
  bool require_known_member_id = false;   // JoinGroup v4+ (KIP-394)
  bool supports_skip_assignment = false;  // JoinGroup v9+ (KIP-814)
};

struct SyncRequestParams {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<std::string> protocol_type;  // v5+
  std::optional<std::string> protocol_name;  // v5+
  std::vector<std::pair<std::string, protocol::Bytes>> assignments;
};

struct LeavingMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

struct GroupSummary {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    protocol::Bytes metadata;    // only while Stable, as Kafka
    protocol::Bytes assignment;  // only while Stable
  };
  std::string state;
  std::string protocol_type;
  std::string protocol_data;  // the selected protocol, only while Stable
  std::vector<Member> members;
};

struct GroupOverview {
  std::string group_id;
  std::string protocol_type;
  GroupState state = GroupState::Empty;
};

class GroupCoordinator final : public GroupMembershipView {
 public:
  /// Called whenever a group's durable metadata changes: the encoded group
  /// (encode_group), or nullopt when the group is gone (a tombstone). The offset log
  /// stores these so groups survive a restart (restore_group on load).
  using PersistHook =
      std::function<void(const std::string& group_id, const std::optional<std::string>& encoded)>;

  GroupCoordinator(net::EventLoop& loop, GroupConfig config);
  ~GroupCoordinator() override;
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  /// The offset side; nullptr = no committed offsets known.
  void set_offsets(GroupOffsetsView* offsets) { offsets_ = offsets; }
  void set_persist_hook(PersistHook hook) { persist_ = std::move(hook); }
  /// Where the coordinator's operator-facing lines go (generations formed, members
  /// expired), as Kafka logs them; none when unset.
  void set_log(std::function<void(const std::string&)> log) { log_ = std::move(log); }
  const GroupConfig& config() const { return config_; }

  // ---- the group APIs (after the handler's coordinator check) ----
  /// Answers through `done` at once or once the rebalance completes.
  void join(JoinRequestParams request, JoinCallback done);
  void sync(SyncRequestParams request, SyncCallback done);
  int16_t heartbeat(const std::string& group_id, int32_t generation_id,
                    const std::string& member_id, const std::optional<std::string>& instance_id);
  /// Per-member errors into `member_errors`; returns the top-level error.
  int16_t leave(const std::string& group_id, const std::vector<LeavingMember>& members,
                std::vector<int16_t>& member_errors);
  GroupSummary describe(const std::string& group_id) const;
  /// Groups for which `coordinated_here(group_id)` holds (Dead ones are never listed),
  /// including groups known only by their committed offsets (Empty).
  std::vector<GroupOverview> list(
      const std::function<bool(const std::string&)>& coordinated_here) const;
  /// DeleteGroups for one group: NONE, NON_EMPTY_GROUP or GROUP_ID_NOT_FOUND.
  int16_t delete_group(const std::string& group_id);

  /// The coordinator of these groups went away (Cluster::stop_node): parked requests are
  /// answered NOT_COORDINATOR, as Kafka's onGroupUnloaded does, and each group goes back
  /// to what was last persisted for it, as a coordinator loading the log would see it.
  void unload(const std::function<bool(const std::string&)>& which);

  // ---- persistence ----
  /// The group's durable metadata (state, generation, protocol, leader, members with
  /// their protocols and assignments) in a stable, versioned binary form.
  static std::string encode_group(const Group& group);
  /// Installs a group from encode_group bytes (replacing one of the same id): Stable when
  /// it has members, else Empty; members' sessions start now. Errors on malformed bytes.
  Result<void> restore_group(protocol::ByteView encoded);

  // ---- inspection (tests, DescribeGroups) ----
  const Group* find(std::string_view group_id) const;
  size_t group_count() const { return groups_.size(); }

  // ---- GroupMembershipView ----
  int16_t check_commit(std::string_view group, std::string_view member_id, int32_t generation,
                       const std::optional<std::string>& group_instance_id) const override;
  bool has_members(std::string_view group) const override;
  std::vector<std::string> subscribed_topics(std::string_view group) const override;

 private:
  Group* find_mut(std::string_view group_id);
  static int64_t now_ms();
  bool accept_joining_member(const Group& g, const std::string& member_id) const;
  void new_member_join(Group& g, JoinRequestParams& r, JoinCallback& done);
  void current_member_join(Group& g, JoinRequestParams& r, JoinCallback& done);
  void add_member_and_rebalance(Group& g, const std::string& member_id, JoinRequestParams& r,
                                JoinCallback& done);
  void update_static_member_and_rebalance(Group& g, const std::string& old_id,
                                          const std::string& new_id, JoinRequestParams& r,
                                          JoinCallback& done);
  void maybe_prepare_rebalance(Group& g);
  void prepare_rebalance(Group& g);
  void try_complete_join(Group& g);
  void on_join_timer(const std::string& group_id);
  void complete_join(Group& g);
  void on_sync_timer(const std::string& group_id, int32_t generation);
  void remove_pending_sync(Group& g, const std::string& member_id);
  void reset_and_propagate_assignment_error(Group& g, int16_t error);
  void propagate_assignment(Group& g);
  /// Removes a member (answering its parked requests with `error`) and moves the group on
  /// (rebalance, or completing the one in progress).
  void remove_member_and_update_group(Group& g, const std::string& member_id, int16_t error);
  void remove_member(Group& g, const std::string& member_id, int16_t error);
  void remove_pending_member_and_update_group(Group& g, const std::string& member_id);
  void arm_session(const Group& g, GroupMember& m, int64_t delay_ms);
  void on_session_timer(const std::string& group_id, const std::string& member_id);
  void on_pending_timer(const std::string& group_id, const std::string& member_id);
  void complete_heartbeat(const Group& g, GroupMember& m);
  void persist(const Group& g);
  void log(const std::string& line) const {
    if (log_) log_(line);
  }
  void erase_group(const std::string& group_id);
  void schedule_sweep();
  void sweep();
  JoinResult current_generation_result(const Group& g, const std::string& member_id,
                                       bool with_members) const;

  net::EventLoop& loop_;
  GroupConfig config_;
  MemberIdGenerator ids_;                                              /// @thread loop
  std::map<std::string, std::unique_ptr<Group>, std::less<>> groups_;  /// @thread loop
  /// What persist() last wrote per group: what a reloading coordinator would read back.
  std::map<std::string, std::string, std::less<>> persisted_;  /// @thread loop
  GroupOffsetsView* offsets_ = nullptr;
  PersistHook persist_;
  std::function<void(const std::string&)> log_;
  net::TimerId sweep_timer_ = 0;
};

}  // namespace kafkit::broker
