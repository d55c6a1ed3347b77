#pragma once
// ConsumerImpl: the parts of a Consumer and the thread that runs its I/O half.
//
// Application threads call in through the public API (one at a time: api_mutex_, which is
// recursive so callbacks run inside poll() may call back in); the I/O thread runs the
// event loop with the Fetcher. They meet in ConsumerState (positions, fetched chunks,
// events, under its mutex) and EventLoop::post (requests and wake-ups). Records are
// decoded on the application thread, in poll().
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "client/consumer/consumer_config.hpp"
#include "client/consumer/consumer_state.hpp"
#include "client/consumer/fetcher.hpp"
#include "client/consumer/group_hooks.hpp"
#include "kafkit/consumer.hpp"
#include "net/event_loop.hpp"

namespace kafkit::client {

class GroupSession;

class ConsumerImpl : public GroupHost {
 public:
  ConsumerImpl(ConsumerConfig config, ConsumerCallbacks callbacks);
  ~ConsumerImpl() override;

  Result<void> subscribe(const std::vector<std::string>& topics);
  Result<void> unsubscribe();
  Result<void> assign(const std::vector<TopicPartitionOffset>& partitions);
  Result<void> unassign();
  std::vector<TopicPartition> assignment();
  std::vector<std::string> subscription();
  PollResult poll(std::chrono::milliseconds timeout);
  Result<void> commit(const std::vector<TopicPartitionOffset>* offsets);
  void commit_async(const std::vector<TopicPartitionOffset>* offsets, CommitCallback done);
  Result<std::vector<TopicPartitionOffset>> committed(const std::vector<TopicPartition>& partitions,
                                                      std::chrono::milliseconds timeout);
  Result<std::int64_t> position(const TopicPartition& partition);
  Result<void> seek(const TopicPartition& partition, std::int64_t offset);
  Result<void> seek_many(const std::vector<TopicPartition>& partitions, std::int64_t offset);
  Result<std::vector<TopicPartitionOffset>> offsets_for_times(
      const std::vector<TopicPartitionOffset>& timestamps, std::chrono::milliseconds timeout);
  Result<std::pair<std::int64_t, std::int64_t>> watermark_offsets(
      const TopicPartition& partition, std::chrono::milliseconds timeout);
  std::optional<std::int64_t> lag(const TopicPartition& partition);
  Result<void> pause(const std::vector<TopicPartition>& partitions, bool paused);
  std::vector<TopicPartition> paused();
  std::string member_id();
  Result<void> close(std::chrono::milliseconds timeout);
  /// Bytes fetched and not yet handed out, reserved fetches included (tests, statistics).
  std::size_t prefetched_bytes() const { return state_.budget.used(); }

  // GroupHost (group_hooks.hpp).
  void add_partitions(const std::vector<TopicPartitionOffset>& partitions) override;
  void remove_partitions(const std::vector<TopicPartition>& partitions) override;
  void post_event(ConsumerEvent event) override;
  void set_identity(CommitIdentity identity) override;

 private:
  /// Runs `start(offsets, complete)` on the loop thread and waits up to `timeout` for
  /// `complete` to be called.
  template <class T, class F>
  Result<T> on_loop(std::chrono::milliseconds timeout, F start);
  /// Positions of the assigned partitions (only those in `only`, when given).
  std::vector<TopicPartitionOffset> consumed_positions(
      const std::vector<TopicPartition>* only = nullptr);
  CommitIdentity identity();
  void commit_async_on_loop(
      std::vector<TopicPartitionOffset> offsets, std::chrono::milliseconds timeout,
      std::function<void(Result<void>, std::vector<TopicPartitionOffset>)> done);
  /// Moves queued events into `out` and runs their callbacks (and the orderly revoke's
  /// commit); returns whether there were any.
  bool take_events(std::vector<ConsumerEvent>& out);
  void serve_event(const ConsumerEvent& event);
  void serve_commits();
  /// In a group: an error when an offset is for a partition this member does not own.
  std::optional<Error> refuse_unowned(const std::vector<TopicPartitionOffset>& offsets);
  /// Loop thread: stops the fetcher and the group's I/O, then the loop.
  void shut_down_io();
  void maybe_auto_commit();
  std::size_t take_records(std::size_t max, std::vector<ConsumerRecord>& out);
  Error closed_error() const { return Error{errc::closed, "the consumer is closed"}; }

  ConsumerConfig config_;
  ConsumerCallbacks callbacks_;
  ConsumerState state_;
  std::unique_ptr<net::EventLoop> loop_;
  std::unique_ptr<Fetcher> fetcher_;  /// @thread io (created before the thread starts)
  std::thread io_thread_;
  std::unique_ptr<GroupSession> group_;  // with group.id; its I/O half runs on the loop
  std::recursive_mutex api_mutex_;
  std::atomic<bool> closed_{false};
  std::mutex identity_mutex_;
  CommitIdentity identity_;                                 /// guarded by identity_mutex_
  std::chrono::steady_clock::time_point next_auto_commit_;  /// guarded by api_mutex_
  std::size_t rotation_ = 0;                                /// guarded by api_mutex_
  bool in_close_ = false;                                   /// guarded by api_mutex_
  std::chrono::steady_clock::time_point close_deadline_{};  /// guarded by api_mutex_ (in close)
};

}  // namespace kafkit::client
