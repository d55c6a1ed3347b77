#pragma once
// GroupMembership: the member side of Kafka's classic consumer group protocol
// (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup) as an I/O-free state
// machine: the consumer feeds it time, responses, request failures, poll() times,
// metadata and acknowledgements, and asks it which request to send next and what to tell
// the application. It never blocks, sleeps or reads a clock.
//
// Driving it (all on the consumer's I/O thread):
//
//   GroupMembership m(config);
//   m.set_subscription(topics, now);         // resolved names; {} = unsubscribe
//   m.set_partition_counts(counts, now);     // after every metadata refresh of
//                                            // m.metadata_topics()
//   loop:
//     while (auto req = m.next_request(now))  // at most one request is in flight
//       send(*req);                          // to any broker or to m.coordinator()
//     on a response:   m.on_response(resp, now)     (FindCoordinator ... LeaveGroup)
//     on a failure:    m.on_request_failed(now)     (disconnect, timeout, cannot send)
//     app poll():      m.on_poll(now)
//     for (ConsumerEvent e : m.take_events()) ...   (see "Events" below)
//     sleep until m.next_wakeup(now) or I/O
//
// Events (ConsumerEvent), in order:
//  - partitions_revoked: an orderly revoke the consumer must carry out: commit those
//    partitions (enable.auto.commit, using commit_context()), run on_revoked on the
//    application thread, stop fetching them, then call revoke_done(those partitions).
//    The machine waits for that before JoinGroup (eager), rejoining (cooperative) or
//    LeaveGroup (close). owned() still lists them until revoke_done(). A revoke overtaken
//    by a loss (partitions_lost) needs no acknowledgement.
//  - partitions_lost: dropped without an orderly revoke (owned() no longer has them);
//    run on_lost, commit nothing for them.
//  - partitions_assigned: start fetching them (owned() already has them).
//  - poll_interval_exceeded, error (non-fatal), fatal (stop; close the consumer).
//
// Rules (Kafka's ConsumerCoordinator / AbstractCoordinator unless noted):
//  - KIP-394: MEMBER_ID_REQUIRED → rejoin at once with the member id given.
//  - UNKNOWN_MEMBER_ID → reset member id and generation, partitions lost, rejoin.
//    ILLEGAL_GENERATION → reset generation (keep member id), partitions lost, rejoin.
//  - REBALANCE_IN_PROGRESS from Heartbeat → rejoin (eager: revoke everything first).
//  - NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / a failed request to the coordinator →
//    find the coordinator again; a JoinGroup/SyncGroup in progress is redone. A Stable
//    member resumes heartbeating with the new coordinator (as Java; the new coordinator
//    answers UNKNOWN_MEMBER_ID if it does not know the member, which then rejoins).
//  - COORDINATOR_LOAD_IN_PROGRESS and other retriable errors → retry after retry.backoff.
//  - FENCED_INSTANCE_ID (KIP-345) → fatal. GROUP_AUTHORIZATION_FAILED and the group
//    configuration errors (INVALID_SESSION_TIMEOUT, INCONSISTENT_GROUP_PROTOCOL,
//    INVALID_GROUP_ID, GROUP_MAX_SIZE_REACHED) → error event; the member retries on the
//    next on_poll() (Java raises them from each poll()).
//  - Heartbeats every heartbeat.interval.ms while Stable; no successful heartbeat for
//    session.timeout.ms → partitions lost, coordinator looked up again, rejoin.
//  - max.poll.interval.ms without on_poll() while in the group → LeaveGroup (dynamic
//    members only), poll_interval_exceeded + lost; the next on_poll() rejoins.
//  - Subscription change, or a partition count change among metadata_topics() → rejoin.
//  - close()/unsubscribe: revoke all (orderly) → LeaveGroup (dynamic members only).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "client/group/consumer_protocol.hpp"
#include "kafkit/assignor.hpp"
#include "kafkit/consumer.hpp"
#include "protocol/messages/find_coordinator.hpp"
#include "protocol/messages/heartbeat.hpp"
#include "protocol/messages/join_group.hpp"
#include "protocol/messages/leave_group.hpp"
#include "protocol/messages/sync_group.hpp"

namespace kafkit::client {

struct GroupMembershipConfig {
  std::string group_id;
  /// group.instance.id: a static member (KIP-345).
  std::optional<std::string> group_instance_id;
  std::chrono::milliseconds session_timeout{45000};
  /// max.poll.interval.ms: also the JoinGroup rebalance timeout, as Java.
  std::chrono::milliseconds rebalance_timeout{300000};
  std::chrono::milliseconds heartbeat_interval{3000};
  std::chrono::milliseconds retry_backoff{100};
  /// In preference order (user-supplied first, then partition.assignment.strategy). Must
  /// not be empty; names must be unique.
  std::vector<std::shared_ptr<PartitionAssignor>> assignors;
  /// client.rack, sent in the subscription (v3).
  std::optional<std::string> client_rack;
};

/// What OffsetCommit needs to be accepted by the coordinator.
struct GroupCommitContext {
  std::int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

struct GroupCoordinator {
  std::int32_t node_id = -1;
  std::string host;
  std::int32_t port = 0;
};

/// A request to send now. Every field is filled for the newest version; the generated
/// encoder drops what the negotiated version lacks (FindCoordinator fills both `key` and
/// `coordinator_keys`).
struct GroupRequest {
  enum class Destination {
    any_broker,   ///< FindCoordinator: the least loaded broker
    coordinator,  ///< everything else: coordinator()
  };
  Destination destination = Destination::coordinator;
  /// How long to wait for the response before on_request_failed(): JoinGroup waits for
  /// the whole rebalance (rebalance timeout + 5 s, as Java); zero means the consumer's
  /// request.timeout.ms.
  std::chrono::milliseconds timeout{0};
  std::variant<protocol::FindCoordinatorRequest, protocol::JoinGroupRequest,
               protocol::SyncGroupRequest, protocol::HeartbeatRequest, protocol::LeaveGroupRequest>
      body;
};

class GroupMembership {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  enum class State {
    idle,          ///< no subscription: not in the group
    revoking,      ///< waiting for revoke_done() before (re)joining or leaving
    joining,       ///< JoinGroup to send (once the coordinator is known) or in flight
    syncing,       ///< SyncGroup to send or in flight
    stable,        ///< assigned; heartbeating
    poll_expired,  ///< left for max.poll.interval.ms; the next on_poll() rejoins
    leaving,       ///< LeaveGroup to send or in flight (close / unsubscribe)
    closed,        ///< close() finished
    fatal,         ///< fenced or otherwise unable to continue
  };

  /// Throws std::invalid_argument for an empty group.id or no assignor.
  explicit GroupMembership(GroupMembershipConfig config);

  // ---- inputs ----

  /// The resolved topic list (regex subscriptions already matched against metadata). A
  /// change rejoins; an empty list leaves the group (after the orderly revoke).
  void set_subscription(std::vector<std::string> topics, TimePoint now);
  /// Partition counts of (at least) metadata_topics(); topics that do not exist are
  /// absent. JoinGroup waits for the first call.
  void set_partition_counts(std::map<std::string, std::int32_t> counts, TimePoint now);
  /// The application called poll(): resets the max.poll.interval.ms timer and rejoins
  /// after poll_expired or a group error.
  void on_poll(TimePoint now);
  /// The consumer finished the orderly revoke of these partitions (commit + on_revoked):
  /// pass each partitions_revoked event's list back once it is handled. The machine goes
  /// on when nothing is left to revoke; partitions not being revoked are ignored.
  void revoke_done(const std::vector<TopicPartition>& partitions, TimePoint now);
  /// The connection to the coordinator broke outside any request of ours.
  void on_coordinator_lost(TimePoint now);
  /// The in-flight request failed without a response (disconnect, timeout).
  void on_request_failed(TimePoint now);
  void on_response(const protocol::FindCoordinatorResponse& r, TimePoint now);
  void on_response(const protocol::JoinGroupResponse& r, TimePoint now);
  void on_response(const protocol::SyncGroupResponse& r, TimePoint now);
  void on_response(const protocol::HeartbeatResponse& r, TimePoint now);
  void on_response(const protocol::LeaveGroupResponse& r, TimePoint now);
  /// Begins leaving for good: orderly revoke of what is owned, then LeaveGroup (not for
  /// static members, as Java), then closed. closed() tells when it is done; the consumer
  /// bounds the wait with its own timeout.
  void close(TimePoint now);

  // ---- outputs ----

  /// The request to send now, or nothing (one in flight, backing off, waiting for an
  /// acknowledgement, nothing due). Also runs the timers (session, poll interval).
  std::optional<GroupRequest> next_request(TimePoint now);
  /// When next_request() may have something new without any other input (heartbeat due,
  /// backoff over, a timer expiring). TimePoint::max() when only an input can help.
  TimePoint next_wakeup(TimePoint now) const;
  /// Events since the last call, in order.
  std::vector<ConsumerEvent> take_events();

  State state() const noexcept { return state_; }
  bool closed() const noexcept { return state_ == State::closed; }
  /// The partitions this member holds now (including ones being revoked until
  /// revoke_done()).
  const std::vector<TopicPartition>& owned() const noexcept { return owned_; }
  /// Topics whose partition counts the machine needs: the subscription, plus every
  /// member's topics while this member leads the group (as Java's leader does).
  std::vector<std::string> metadata_topics() const;
  const std::optional<GroupCoordinator>& coordinator() const noexcept { return coordinator_; }
  const std::string& member_id() const noexcept { return member_id_; }
  std::int32_t generation_id() const noexcept { return generation_; }
  bool is_leader() const noexcept { return leader_; }
  /// The rebalance protocol this member follows: cooperative when every assignor is.
  RebalanceProtocol rebalance_protocol() const noexcept { return protocol_; }
  /// Whether an OffsetCommit now would be accepted: a valid generation, Stable, or about to
  /// rejoin but not yet joined (the revoke window, when commits must still work).
  bool can_commit() const noexcept;
  /// The generation, member id and instance id for OffsetCommit (generation -1 and an
  /// empty member id when !can_commit()).
  GroupCommitContext commit_context() const;

 private:
  void emit(ConsumerEvent::Type type, std::vector<TopicPartition> partitions,
            std::optional<Error> error = {});
  void emit_error(ConsumerEvent::Type type, std::int16_t code, const char* what);
  /// Starts a rebalance: an orderly revoke first when the protocol asks for one.
  void request_rejoin(TimePoint now, const char* why);
  /// Drops every owned partition without a revoke (generation/member gone).
  void lose_partitions();
  void reset_generation(bool reset_member_id);
  void coordinator_unknown(TimePoint now);
  void backoff(TimePoint now);
  /// A group-level error code from any response: true when handled here.
  bool handle_common_error(std::int16_t code, TimePoint now, const char* api);
  void complete_sync(const ConsumerAssignment& assignment, TimePoint now);
  void after_revoke(TimePoint now);
  void check_timers(TimePoint now);
  std::vector<std::pair<std::string, std::int32_t>> snapshot(
      const std::vector<std::string>& topics) const;

  protocol::JoinGroupRequest make_join() const;
  protocol::SyncGroupRequest make_sync() const;
  protocol::LeaveGroupRequest make_leave() const;
  /// Runs the chosen assignor (leader); fills sync_assignments_.
  void perform_assignment(const protocol::JoinGroupResponse& r, TimePoint now);
  PartitionAssignor* find_assignor(const std::string& name) const;

  enum class InFlight { none, find_coordinator, join, sync, heartbeat, leave };
  /// What revoke_done() leads to.
  enum class AfterRevoke { join, leave, nothing };

  // Everything below: @thread io (the consumer's I/O thread owns the machine).
  GroupMembershipConfig config_;
  RebalanceProtocol protocol_ = RebalanceProtocol::eager;
  State state_ = State::idle;
  std::vector<std::string> subscription_;
  std::map<std::string, std::int32_t> partition_counts_;
  bool have_metadata_ = false;
  /// Partition counts of metadata_topics() when the current assignment was made.
  std::vector<std::pair<std::string, std::int32_t>> assigned_snapshot_;

  std::optional<GroupCoordinator> coordinator_;
  InFlight in_flight_ = InFlight::none;
  TimePoint backoff_until_{};

  std::string member_id_;
  std::int32_t generation_ = -1;
  bool leader_ = false;
  std::string protocol_name_;
  /// Every member's topics, kept by the leader for metadata_topics().
  std::vector<std::string> group_topics_;
  std::vector<protocol::SyncGroupRequest::SyncGroupRequestAssignment> sync_assignments_;
  /// Something changed (subscription, metadata) while a round was under way: join again
  /// once it completes.
  bool rejoin_pending_ = false;
  /// The LeaveGroup under way is for max.poll.interval.ms (then poll_expired, not idle).
  bool leave_then_poll_expired_ = false;

  std::vector<TopicPartition> owned_;
  std::vector<TopicPartition> revoking_;
  AfterRevoke after_revoke_ = AfterRevoke::nothing;
  /// An error that waits for the next on_poll() before retrying.
  bool wait_for_poll_ = false;
  bool closing_ = false;

  TimePoint last_poll_{};
  bool polled_ = false;
  TimePoint last_heartbeat_sent_{};
  TimePoint last_heartbeat_ok_{};

  std::vector<ConsumerEvent> events_;
};

}  // namespace kafkit::client
