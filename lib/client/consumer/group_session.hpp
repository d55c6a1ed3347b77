#pragma once
// GroupSession: runs the consumer's group membership (client/group/group_membership, an
// I/O-free state machine) on the consumer's I/O thread — sends its requests over the
// group's own connections (so a JoinGroup parked for a whole rebalance never holds up a
// fetch or a commit), feeds it responses, metadata and time, resolves regex
// subscriptions against the cluster's topics, and turns its decisions into GroupHost calls
// and application events.
//
// Threads: the public members marked "any thread" post to the loop; everything else runs
// on the loop thread. The application-side half of a revoke (commit, on_revoked, stop
// fetching) is done by ConsumerImpl, which then calls revoke_done().
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "client/cluster/metadata_updater.hpp"
#include "client/consumer/consumer_config.hpp"
#include "client/consumer/group_hooks.hpp"
#include "client/group/group_membership.hpp"
#include "net/connection_pool.hpp"
#include "net/earliest_timer.hpp"
#include "net/event_loop.hpp"

namespace kafkit::client {

class GroupSession {
 public:
  /// Throws std::invalid_argument for an unknown partition.assignment.strategy name.
  GroupSession(net::EventLoop& loop, GroupHost& host, const ConsumerConfig& config,
               const ConsumerCallbacks& callbacks);
  GroupSession(const GroupSession&) = delete;
  GroupSession& operator=(const GroupSession&) = delete;
  ~GroupSession();

  // ---- any thread ----
  /// Literal topic names, or '^' + an ECMAScript regex over every topic name. Fails for an
  /// empty list entry or an invalid pattern.
  Result<void> subscribe(const std::vector<std::string>& topics);
  Result<void> unsubscribe();
  std::vector<std::string> subscription() const;
  bool subscribed() const;
  /// Called from every poll(): tells the group this member is alive (max.poll.interval.ms).
  void on_poll();
  std::string member_id() const;
  /// The application finished the orderly revoke of these partitions.
  void revoke_done(std::vector<TopicPartition> partitions);
  /// Starts leaving the group for good (revoke, LeaveGroup); closed() turns true when done.
  void begin_close();
  bool closed() const { return closed_.load(); }

  // ---- loop thread ----
  void shut_down();

 private:
  void drive();
  void send(GroupRequest request);
  void on_connection_state(std::int32_t node, net::BrokerConnection::State state);
  void take_events();
  void publish_identity();
  void on_metadata(const Error* error);
  /// Matches the subscription against the metadata and hands the result to the machine.
  void resolve_subscription();
  void schedule(net::Clock::time_point when);

  net::EventLoop& loop_;
  GroupHost& host_;
  const ConsumerConfig& config_;
  net::ConnectionPool pool_;  /// @thread loop (every member below too, unless noted)
  MetadataUpdater metadata_;
  GroupMembership machine_;
  std::vector<std::string> literal_topics_;
  std::vector<std::regex> patterns_;
  bool has_subscription_ = false;
  net::EarliestTimer timer_;
  bool shut_down_ = false;
  std::shared_ptr<GroupSession*> self_;
  /// Coordinator-bound requests not answered yet: the node each went to, and whether it was
  /// given up (reported failed to the machine) when that node's connection failed.
  struct Outstanding {
    std::int32_t node = -1;
    std::shared_ptr<bool> abandoned;
  };
  std::vector<Outstanding> outstanding_;

  mutable std::mutex mutex_;
  std::vector<std::string> subscription_;  /// guarded by mutex_
  std::string member_id_;                  /// guarded by mutex_
  std::atomic<bool> closed_{false};
  std::atomic<std::int64_t> last_poll_posted_ms_{0};
};

}  // namespace kafkit::client
