#pragma once
// RecordAccumulator: where send() leaves records — one open batch per partition, appended
// to under one lock by application threads, sealed when full (batch.size,
// batch.num.messages) or when linger.ms has passed, and taken by the I/O thread.
//
// It also owns the buffer bounds (queue.buffering.max.messages counts records until their
// report is served; queue.buffering.max.kbytes counts bytes until their batch is answered)
// and the topics' partition counts that the partitioner needs, which the I/O thread
// publishes from metadata.
//
// Threading: every public member is thread-safe.
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/partitioner/partitioner.hpp"
#include "client/producer/producer_batch.hpp"
#include "common/result.hpp"

namespace kafkit::client {

struct AccumulatorConfig {
  std::size_t batch_size = 1000000;
  std::int32_t batch_num_messages = 10000;
  std::chrono::milliseconds linger{5};
  std::size_t max_messages = 100000;
  std::size_t max_bytes = std::size_t{1} << 30;
  std::size_t max_request_size = 1000000;
  protocol::BatchOptions batch_options;
};

class RecordAccumulator {
 public:
  enum class Status { appended, unknown_topic, buffer_full, failed };
  struct AppendResult {
    Status status = Status::appended;
    std::optional<Error> error;
    /// The I/O thread should look again (a batch was sealed or a linger timer is needed).
    bool wake = false;
  };

  RecordAccumulator(AccumulatorConfig config, std::unique_ptr<Partitioner> partitioner);

  AppendResult append(const ProducerRecord& record, DeliveryCallback* callback, std::int64_t now_ms,
                      SteadyClock::time_point now);

  /// I/O thread: seals open batches whose linger has passed (all of them with `flush`)
  /// and moves every sealed batch out, oldest first per partition. Returns when the next
  /// open batch's linger ends (nullopt: none open).
  std::optional<SteadyClock::time_point> take_ready(SteadyClock::time_point now, bool flush,
                                                    std::vector<BatchPtr>& out);

  /// I/O thread: the topic has `partition_count` partitions (those in `available` have a
  /// leader). Wakes senders waiting for it.
  void set_topic(const std::string& topic, std::int32_t partition_count,
                 std::vector<std::int32_t> available);
  /// I/O thread: the topic cannot be produced to (authorization, invalid name).
  void set_topic_error(const std::string& topic, Error error);
  /// I/O thread: batches waiting or in flight per partition (index = partition), for the
  /// KIP-794 adaptive partitioner, which steers new records away from slow partitions.
  void report_queue_sizes(const std::string& topic, std::span<const std::uint32_t> queued);
  /// Topics send() has asked about.
  std::vector<std::string> topics() const;
  /// Whether a send() is blocked waiting for `topic`'s metadata (worth asking again soon).
  bool has_waiters(std::string_view topic) const;
  /// Blocks until `topic`'s partition count is known, it failed, or `deadline`. Must follow
  /// every append() that answered unknown_topic (it ends that caller's wait).
  Result<void> wait_for_topic(std::string_view topic, SteadyClock::time_point deadline);

  /// A batch's bytes are free (answered or failed); `records` reports are now queued.
  void release_bytes(std::size_t bytes);
  /// `records` reports were served.
  void release_records(std::size_t records);
  std::size_t buffered_records() const { return records_.load(std::memory_order_relaxed); }
  /// The next record's number (RecordMeta::number: every record appended so far is below
  /// it) and buffered_records(), read together. Exact while no report is being served.
  std::pair<std::uint64_t, std::size_t> mark() const;
  bool has_open_batches() const;

 private:
  struct PartitionSlot {
    BatchPtr open;
    std::vector<BatchPtr> sealed;
    std::size_t last_batch_bytes = 0;  // size of the batch sealed last (to size the next)
  };
  struct TopicState {
    std::int32_t partition_count = 0;
    std::vector<std::int32_t> available;
    std::optional<Error> error;
    std::vector<PartitionSlot> partitions;
    int waiters = 0;  // send() calls blocked in wait_for_topic
  };

  TopicState* find_topic(std::string_view topic);
  void seal(TopicState& t, std::string_view topic, std::int32_t partition);

  AccumulatorConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable topic_cv_;
  std::unique_ptr<Partitioner> partitioner_;               /// guarded by mutex_
  std::map<std::string, TopicState, std::less<>> topics_;  /// guarded by mutex_
  TopicState* last_topic_ = nullptr;  // the previous append's topic (the common case)
  std::string_view last_topic_name_;
  std::size_t open_count_ = 0;     /// guarded by mutex_
  std::uint64_t next_number_ = 0;  /// guarded by mutex_
  std::atomic<std::size_t> records_{0};
  std::atomic<std::size_t> bytes_{0};
};

}  // namespace kafkit::client
