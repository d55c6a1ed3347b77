#pragma once
// Fetcher: the consumer's I/O-thread half. It keeps metadata for the assigned topics,
// resolves start offsets (the group's committed offset via OffsetFetch when group.id is
// set, else auto.offset.reset; beginning/end via ListOffsets), and keeps one Fetch in
// flight per partition leader, pipelined to every leader at once, within the global
// FetchBudget. Leader changes (NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, ...) refresh
// metadata and fetching resumes at the new leader; OFFSET_OUT_OF_RANGE applies
// auto.offset.reset (none: an error event, and the partition waits for a seek).
//
// Fetches use their own connections (the `fetch` pool) and offset/coordinator requests
// another (`control`), so a commit never waits behind a fetch parked for fetch.max.wait.ms.
//
// Threading: loop thread, except wake() which any thread may call.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "client/cluster/metadata_updater.hpp"
#include "client/consumer/consumer_config.hpp"
#include "client/consumer/consumer_state.hpp"
#include "client/consumer/offset_client.hpp"
#include "net/connection_pool.hpp"
#include "net/earliest_timer.hpp"
#include "protocol/messages/fetch.hpp"

namespace kafkit::client {

class Fetcher {
 public:
  Fetcher(net::EventLoop& loop, const ConsumerConfig& config, ConsumerState& state);
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;
  ~Fetcher();

  /// Any thread: the assignment, a position or the budget changed; look again soon.
  void wake();
  /// Loop thread: stops every request and connection.
  void shut_down();
  OffsetClient& offsets() { return offsets_; }

 private:
  void run();
  void on_metadata(const Error* error);
  using Epochs = std::map<TopicPartition, std::uint64_t>;
  using OffsetsResult = Result<std::vector<TopicPartitionOffset>>;
  /// Partitions whose start offset is to be asked for (marked resolving).
  struct StartQueries {
    std::vector<TopicPartition> stored;  // OffsetFetch
    Epochs stored_epochs;
    std::vector<TopicPartitionOffset> listed;  // ListOffsets
    Epochs listed_epochs;
  };
  StartQueries start_queries(std::unique_lock<std::mutex>& lock);
  void send_start_queries(StartQueries queries);
  /// Answers to OffsetFetch (`committed`) or ListOffsets for partitions resolving their
  /// start; partitions sought since (another seek epoch) ignore them.
  void on_start_offsets(const Epochs& epochs, OffsetsResult result, bool committed);
  void apply_reset(const TopicPartition& tp, PartitionState& p);
  void send_fetches(std::unique_lock<std::mutex>& lock);
  void on_fetch(std::int32_t node, std::size_t reserved,
                std::map<TopicPartition, std::uint64_t> sent,
                Result<protocol::FetchResponse> response);
  void schedule(net::Clock::time_point when);

  net::EventLoop& loop_;
  const ConsumerConfig& config_;
  ConsumerState& state_;
  net::ConnectionPool fetch_pool_;  /// @thread loop (every member below too, unless atomic)
  net::ConnectionPool control_pool_;
  MetadataUpdater metadata_;
  OffsetClient offsets_;
  std::set<std::int32_t> fetching_nodes_;       // one Fetch in flight per leader
  std::set<std::int32_t> failing_nodes_;        // fetch failures reported, not yet recovered
  std::set<std::string> reported_topics_;       // assigned topics reported missing
  bool reported_authentication_error_ = false;  // issue 8: told once until a success
  net::EarliestTimer timer_;
  bool shut_down_ = false;
  std::atomic<bool> wake_pending_{false};
  std::shared_ptr<Fetcher*> self_;
};

}  // namespace kafkit::client
