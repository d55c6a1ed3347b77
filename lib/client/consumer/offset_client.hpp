#pragma once
// OffsetClient: the consumer's requests about offsets, on the I/O thread — FindCoordinator
// (cached until the coordinator moves), OffsetCommit and OffsetFetch to the group
// coordinator, ListOffsets to partition leaders. Each operation retries retriable errors
// (coordinator moved or loading, leader unknown) with retry.backoff.ms until its deadline,
// then answers its callback exactly once, on the loop thread.
//
// Threading: loop thread only.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/cluster/metadata_updater.hpp"
#include "client/consumer/consumer_config.hpp"
#include "kafkit/consumer.hpp"
#include "net/connection_pool.hpp"
#include "protocol/messages/offset_fetch.hpp"

namespace kafkit::client {

/// Who commits: generation -1 and an empty member id outside a group (assign mode, as the
/// Java client's "simple" commits); group membership sets them (the seam, group_hooks.hpp).
struct CommitIdentity {
  std::int32_t generation = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  /// Set while the consumer is subscribed but holds no valid generation (joining,
  /// rebalancing, evicted): commits fail locally with this error instead of being sent
  /// with generation -1, which the coordinator would accept as a non-member's.
  std::optional<Error> refuse;
};

/// What an OffsetFetch answer (without a top-level error) says about `partitions`: the
/// committed offset of each, in order (offsets::stored where none; an entry the answer does
/// not mention carries a protocol error), or the error code to retry for when a partition
/// reports UNSTABLE_OFFSET_COMMIT or an error `retriable` accepts. Pure, so that it can be
/// fed hostile responses directly (tests/fuzz/client).
struct CommittedAnswer {
  std::optional<int> retry_code;
  std::vector<TopicPartitionOffset> offsets;
};
CommittedAnswer committed_offsets_from(const protocol::OffsetFetchResponse& response,
                                       const std::vector<TopicPartition>& partitions,
                                       const std::function<bool(int)>& retriable);

class OffsetClient {
 public:
  using Deadline = net::Clock::time_point;
  using OffsetsCallback = std::function<void(Result<std::vector<TopicPartitionOffset>>)>;

  OffsetClient(net::EventLoop& loop, net::ConnectionPool& pool, MetadataUpdater& metadata,
               const ConsumerConfig& config);
  OffsetClient(const OffsetClient&) = delete;
  OffsetClient& operator=(const OffsetClient&) = delete;
  ~OffsetClient();

  /// Commits `offsets` for group.id; the answer carries each partition's outcome in its
  /// `error`; the Result fails when any partition (or the request) failed.
  void commit(std::vector<TopicPartitionOffset> offsets, CommitIdentity who, Deadline deadline,
              std::function<void(Result<void>, std::vector<TopicPartitionOffset>)> done);
  /// The group's committed offsets (offsets::stored where none).
  void committed(std::vector<TopicPartition> partitions, Deadline deadline, OffsetsCallback done);
  /// ListOffsets: each entry's `offset` is a timestamp or offsets::beginning / end; the
  /// answer holds the offsets found (offsets::end when no record is that late).
  void list_offsets(std::vector<TopicPartitionOffset> query, Deadline deadline,
                    OffsetsCallback done);
  /// Fails every operation still waiting (close).
  void stop();

  /// Loop thread: the metadata cache changed (new brokers to address).
  void on_metadata();

 private:
  struct CoordinatorWaiter {
    Deadline deadline;
    std::function<void(Result<net::BrokerConnection*>)> done;
  };
  void with_coordinator(Deadline deadline,
                        std::function<void(Result<net::BrokerConnection*>)> done);
  void find_coordinator();
  void coordinator_failed(const Error& e);
  /// Runs `f` again after retry.backoff.ms, unless the deadline passes first (then `fail`).
  void retry_later(Deadline deadline, std::function<void()> f, std::function<void()> fail);
  bool retriable_coordinator_error(int code);

  net::EventLoop& loop_;
  net::ConnectionPool& pool_;
  MetadataUpdater& metadata_;
  const ConsumerConfig& config_;
  std::int32_t coordinator_ = -1;  /// @thread loop (every member below too)
  bool finding_ = false;
  std::vector<CoordinatorWaiter> coordinator_waiters_;
  std::vector<net::TimerId> timers_;
  bool stopped_ = false;
  std::shared_ptr<OffsetClient*> self_;
};

}  // namespace kafkit::client
