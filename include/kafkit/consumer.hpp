#pragma once
// Consumer: reads records from partitions it is assigned explicitly (assign) or by a
// consumer group (subscribe), and commits the offsets it has processed.
//
//   kafkit::Consumer consumer({{"bootstrap.servers", "localhost:9092"},
//                              {"group.id", "billing"}});
//   consumer.subscribe({"payments"});
//   for (;;) {
//     kafkit::PollResult got = consumer.poll(std::chrono::milliseconds(500));
//     for (const kafkit::ConsumerRecord& r : got.records) handle(r);
//   }
//   consumer.close(std::chrono::seconds(10));
//
// Threads: every member function may be called from any thread (calls are serialized).
// The consumer owns one background I/O thread that fetches ahead, keeps the group
// membership alive (heartbeats run on their own timer, not in poll) and commits.
// Application callbacks (rebalance, commit results, errors) run only on the application's
// thread inside poll(), commit(), close() — never on the I/O thread — and may call any
// member except close().
//
// Configuration uses the librdkafka / Java names; Consumer::properties() lists them. An
// unknown name, a producer-only name or an invalid value throws std::invalid_argument
// naming the property at construction.
#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kafkit/config.hpp"
#include "kafkit/producer.hpp"  // PropertyInfo
#include "kafkit/record.hpp"
#include "kafkit/result.hpp"

namespace kafkit {

namespace client {
class ConsumerImpl;
}
class PartitionAssignor;  // assignor.hpp

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

/// Offsets with a special meaning where a start offset is expected (librdkafka's values).
namespace offsets {
inline constexpr std::int64_t beginning = -2;
inline constexpr std::int64_t end = -1;
/// The group's committed offset; auto.offset.reset when there is none.
inline constexpr std::int64_t stored = -1000;
}  // namespace offsets

struct TopicPartitionOffset {
  std::string topic;
  std::int32_t partition = 0;
  /// An offset, or one of kafkit::offsets. For offsets_for_times(): the timestamp asked
  /// for, and in the answer the first offset at or after it (offsets::end when none).
  std::int64_t offset = offsets::stored;
  std::optional<std::int32_t> leader_epoch = {};
  /// Commit metadata stored with the offset.
  std::string metadata = {};
  /// Per-partition outcome in results (commit, committed, offsets_for_times).
  std::optional<Error> error = {};
};

enum class TimestampType : std::int8_t { create_time, log_append_time };

/// A fetched record. Its views point into the fetched batch, which `storage` keeps alive:
/// the views are valid as long as this record (or a copy of it) is; copy what must
/// outlive it.
struct ConsumerRecord {
  std::string_view topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::int64_t timestamp = -1;
  TimestampType timestamp_type = TimestampType::create_time;
  /// Null (nullopt) and empty differ, as on the producer side.
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::span<const Header> headers;
  std::optional<std::int32_t> leader_epoch;
  std::shared_ptr<const void> storage;
};

/// Something the application must know about, delivered in order by poll().
struct ConsumerEvent {
  enum class Type {
    /// A non-fatal error (broker down, commit failed, ...); the consumer keeps going.
    error,
    /// The group gave these partitions to this member (all of them for eager assignors,
    /// the added ones for cooperative-sticky).
    partitions_assigned,
    /// An orderly rebalance took these partitions away; their offsets were committed first
    /// (with enable.auto.commit) and the on_revoked callback has run.
    partitions_revoked,
    /// These partitions were lost without an orderly revoke (session expired, fenced,
    /// max.poll.interval.ms exceeded): another member may already own them, so nothing was
    /// committed for them.
    partitions_lost,
    /// poll() was not called within max.poll.interval.ms: the member left the group. The
    /// next poll() rejoins.
    poll_interval_exceeded,
    /// The end of a partition was reached (enable.partition.eof=true).
    partition_eof,
    /// Unrecoverable (a fenced static member, ...): the consumer stops; close() it.
    fatal,
  };
  Type type = Type::error;
  std::optional<Error> error = {};
  std::vector<TopicPartition> partitions = {};
};

struct PollResult {
  /// Events that happened since the last poll, before `records`.
  std::vector<ConsumerEvent> events;
  std::vector<ConsumerRecord> records;
};

using PartitionsCallback = std::function<void(const std::vector<TopicPartition>&)>;
using CommitCallback =
    std::function<void(const Result<void>&, const std::vector<TopicPartitionOffset>&)>;

/// Java's ConsumerRebalanceListener, plus errors. All run on the application thread
/// inside poll() (or close()/unsubscribe() for the last revoke).
struct ConsumerCallbacks {
  /// Before partitions are given up in an orderly rebalance: the last chance to commit
  /// them (commit() works here). For eager assignors all owned partitions, for
  /// cooperative-sticky only those moving to another member.
  PartitionsCallback on_revoked = {};
  /// After the group assigned partitions (cooperative: only the added ones), before any
  /// of their records is returned.
  PartitionsCallback on_assigned = {};
  /// Partitions lost without an orderly revoke; committing them would fail.
  PartitionsCallback on_lost = {};
  /// Outcome of every commit made without its own callback (auto-commits included).
  CommitCallback on_commit = {};
  std::function<void(const Error&)> on_error = {};
  /// User-supplied assignors (assignor.hpp), preferred in this order over the built-in
  /// ones named by partition.assignment.strategy.
  std::vector<std::shared_ptr<PartitionAssignor>> assignors = {};
};

class Consumer {
 public:
  /// Starts the I/O thread; connects in the background. Throws std::invalid_argument for
  /// bad configuration.
  explicit Consumer(const Config& config, ConsumerCallbacks callbacks = {});
  /// close() with `session.timeout.ms` as its bound.
  ~Consumer();
  Consumer(Consumer&&) noexcept;
  Consumer& operator=(Consumer&&) noexcept;

  /// Joins group.id and consumes the partitions the group assigns. Entries starting with
  /// '^' are regular expressions (ECMAScript) matched against every topic name; topics
  /// created later that match are picked up on the next metadata refresh. Replaces an
  /// earlier subscription. Fails when group.id is not set or a pattern is invalid.
  Result<void> subscribe(const std::vector<std::string>& topics);
  /// Leaves the group (after the orderly revoke) and stops fetching.
  Result<void> unsubscribe();
  /// Consumes exactly these partitions from these offsets (or kafkit::offsets), with no
  /// group membership; replaces the previous assignment. Commits still use group.id.
  Result<void> assign(const std::vector<TopicPartitionOffset>& partitions);
  Result<void> unassign();
  std::vector<TopicPartition> assignment() const;
  std::vector<std::string> subscription() const;

  /// Returns records that are ready (and events), waiting up to `timeout` for the first.
  /// Also serves callbacks, and tells the group this member is alive
  /// (max.poll.interval.ms).
  PollResult poll(std::chrono::milliseconds timeout);

  /// Commits the position of every owned partition (the offset after the last record
  /// poll() returned) and waits for the answer.
  Result<void> commit();
  /// Commits these offsets (the next offset to read, as Kafka stores it).
  Result<void> commit(const std::vector<TopicPartitionOffset>& offsets);
  /// As commit(), without waiting; `done` (else on_commit) runs inside a later poll().
  void commit_async(CommitCallback done = {});
  void commit_async(const std::vector<TopicPartitionOffset>& offsets, CommitCallback done = {});
  /// The group's committed offsets (offsets::stored where none, error per partition).
  Result<std::vector<TopicPartitionOffset>> committed(const std::vector<TopicPartition>& partitions,
                                                      std::chrono::milliseconds timeout);

  /// The offset of the next record poll() will return for an assigned partition.
  Result<std::int64_t> position(const TopicPartition& partition) const;
  /// Moves an assigned partition's position (an offset or kafkit::offsets::beginning/end).
  /// Records already fetched beyond it are dropped.
  Result<void> seek(const TopicPartition& partition, std::int64_t offset);
  Result<void> seek_to_beginning(const std::vector<TopicPartition>& partitions);
  Result<void> seek_to_end(const std::vector<TopicPartition>& partitions);
  /// For each partition, the first offset whose timestamp is >= the `offset` field.
  Result<std::vector<TopicPartitionOffset>> offsets_for_times(
      const std::vector<TopicPartitionOffset>& timestamps, std::chrono::milliseconds timeout);
  /// Low and high watermark, asked from the leader.
  Result<std::pair<std::int64_t, std::int64_t>> watermark_offsets(
      const TopicPartition& partition, std::chrono::milliseconds timeout);
  /// High watermark (from the latest fetch) minus position; unset before the first fetch.
  std::optional<std::int64_t> lag(const TopicPartition& partition) const;

  /// Stops / restarts fetching these assigned partitions; they stay assigned.
  Result<void> pause(const std::vector<TopicPartition>& partitions);
  Result<void> resume(const std::vector<TopicPartition>& partitions);
  std::vector<TopicPartition> paused() const;

  /// This member's id in the group ("" outside a group).
  std::string member_id() const;

  /// Commits (enable.auto.commit), revokes, leaves the group and stops the I/O thread,
  /// returning by `timeout` even when the coordinator is unreachable. Idempotent; later
  /// calls fail with errc::closed.
  Result<void> close(std::chrono::milliseconds timeout);

  static std::span<const PropertyInfo> properties();

 private:
  std::unique_ptr<client::ConsumerImpl> impl_;
};

}  // namespace kafkit
