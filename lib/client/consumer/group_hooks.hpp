#pragma once
// The seam between the consumer and group membership (JoinGroup / SyncGroup / Heartbeat,
// assignors), which is built separately and plugged in here.
//
// The consumer owns at most one GroupDriver, made by a GroupDriverFactory when the
// consumer is constructed with group.id set. subscribe()/unsubscribe() are forwarded to it;
// without one they fail with "group subscription: not yet wired". A GroupDriver is the
// I/O around an I/O-free membership state machine (client/group/group_membership.hpp): it
// sends that machine's requests through coordinator_pool(), feeds it metadata() and poll
// times, and turns its events into the GroupHost calls below.
//
// Membership drives the consumer through GroupHost, which ConsumerImpl implements:
//  - add_partitions(): the group assigned partitions; each starts at its TopicPartitionOffset
//    (offsets::stored = the committed offset, fetched by the consumer via OffsetFetch,
//    else auto.offset.reset). Cooperative assignors add only the new ones.
//  - positions() + commit_sync(): before an orderly revoke, commit what poll() returned
//    (enable.auto.commit) — the "commit before revoke" rule.
//  - remove_partitions(): stop fetching and drop prefetched data of revoked/lost partitions.
//  - post_event(): partitions_assigned / revoked / lost, poll_interval_exceeded, fatal;
//    poll() delivers them in order and runs the matching ConsumerCallbacks.
//  - set_identity(): generation, member id and group.instance.id that every later commit
//    carries (KIP-345 static membership, generation fencing).
// Membership's own requests run on the consumer's event loop (`loop()`), through its own
// connection to the coordinator; GroupHost may be called from the loop thread.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/cluster/metadata_updater.hpp"
#include "client/consumer/consumer_config.hpp"
#include "client/consumer/offset_client.hpp"
#include "kafkit/consumer.hpp"
#include "net/connection_pool.hpp"
#include "net/event_loop.hpp"

namespace kafkit::client {

class GroupHost {
 public:
  virtual ~GroupHost() = default;
  virtual net::EventLoop& loop() = 0;
  /// Loop thread only: connections for coordinator requests (not the fetch connections,
  /// so a heartbeat never waits behind a long-polling Fetch), and the metadata the
  /// consumer keeps (add_topic() for subscribed topics, cache() for partition counts).
  virtual net::ConnectionPool& coordinator_pool() = 0;
  virtual MetadataUpdater& metadata() = 0;
  virtual void add_partitions(const std::vector<TopicPartitionOffset>& partitions) = 0;
  virtual void remove_partitions(const std::vector<TopicPartition>& partitions) = 0;
  /// Positions (the next offset poll() returns) of these partitions, where known.
  virtual std::vector<TopicPartitionOffset> positions(
      const std::vector<TopicPartition>& partitions) = 0;
  /// Commits on the loop; `done` runs on the loop thread.
  virtual void commit_async_on_loop(
      std::vector<TopicPartitionOffset> offsets, std::chrono::milliseconds timeout,
      std::function<void(Result<void>, std::vector<TopicPartitionOffset>)> done) = 0;
  virtual void post_event(ConsumerEvent event) = 0;
  virtual void set_identity(CommitIdentity identity) = 0;
};

class GroupDriver {
 public:
  virtual ~GroupDriver() = default;
  virtual Result<void> subscribe(const std::vector<std::string>& topics) = 0;
  virtual Result<void> unsubscribe() = 0;
  virtual std::vector<std::string> subscription() const = 0;
  /// Called by every poll() (max.poll.interval.ms), on the application thread.
  virtual void on_poll() = 0;
  /// Loop thread: the consumer's metadata was refreshed (partition counts, new topics).
  virtual void on_metadata() {}
  virtual std::string member_id() const = 0;
  /// Revoke (committing first), LeaveGroup, bounded by `timeout`. Application thread.
  virtual void close(std::chrono::milliseconds timeout) = 0;
};

using GroupDriverFactory = std::function<std::unique_ptr<GroupDriver>(
    GroupHost& host, const ConsumerConfig& config, const ConsumerCallbacks& callbacks)>;

/// The factory the consumer uses; empty until membership is wired in.
GroupDriverFactory& group_driver_factory();

}  // namespace kafkit::client
