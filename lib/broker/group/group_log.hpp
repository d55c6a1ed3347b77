#pragma once
// GroupLog: the group coordinator's durable state, as Kafka keeps it in __consumer_offsets —
// committed offsets keyed by (group, topic, partition) and one opaque group-metadata value
// per group — in an append-only file of the data directory that no client can see as a
// topic: <data_dir>/.kafkit-groups/groups.log.
//
// On disk the file is a sequence of frames, each written with a single write(2):
//   u32 payload length | u32 CRC-32C of the payload | payload
//   payload = u8 format (0) | uvarint record count | records
//   record  = u8 type, then by type (strings and bytes compact: uvarint length + 1):
//     1 offset commit    group, topic, i32 partition, i64 offset, i32 leader epoch,
//                        metadata, i64 commit timestamp, i64 expire timestamp (-1 = none)
//     2 offset tombstone group, topic, i32 partition
//     3 group metadata   group, bytes
//     4 group tombstone  group
// A frame is the unit of atomicity: every record of one OffsetCommit goes into one frame, so
// a crash keeps all of a commit or none of it. Opening replays the frames in order (the
// latest value of a key wins, tombstones delete) and truncates the file at the first frame
// that is short, fails its CRC or does not parse: the torn tail of a write cut off by
// kill -9 or a power loss, as Kafka's log recovery truncates a partition.
//
// Writes are not fsynced one by one (a killed process loses nothing the kernel has;
// Kafka, too, acknowledges commits before they reach the disk); flush() syncs, and
// close() and compaction do. When the file grows beyond `compaction_ratio` times the size
// of the live records (and at least `min_compaction_bytes`), it is rewritten with only the
// live records to a temporary file that is fsynced and renamed over the old one, so memory
// and disk stay proportional to the live state.
//
// Owned by the broker's loop thread; not thread-safe.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "broker/storage/file_handle.hpp"
#include "common/result.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

/// One committed offset (Kafka's OffsetAndMetadata).
struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;  // -1 = unknown
  std::string metadata;
  int64_t commit_timestamp_ms = -1;
  /// Set by OffsetCommit v2-4 with an explicit RetentionTimeMs: the offset expires then
  /// whatever the group's state (Kafka's old expiration semantics). -1 = none.
  int64_t expire_timestamp_ms = -1;
  bool operator==(const CommittedOffset&) const = default;
};

/// topic -> partition -> offset, for one group.
using GroupOffsets = std::map<std::string, std::map<int32_t, CommittedOffset>, std::less<>>;

class GroupLog {
 public:
  struct Options {
    /// Rewrite when the file is larger than this many times the live records...
    double compaction_ratio = 2.0;
    /// ... and larger than this.
    int64_t min_compaction_bytes = 4 << 20;
  };

  /// Changes written together as one frame: after a crash all of them are there or none.
  class Batch {
   public:
    void put_offset(std::string group, std::string topic, int32_t partition, CommittedOffset value);
    void delete_offset(std::string group, std::string topic, int32_t partition);
    void put_group_metadata(std::string group, protocol::Bytes value);
    void delete_group_metadata(std::string group);
    bool empty() const noexcept { return records_.empty(); }
    size_t size() const noexcept { return records_.size(); }

   private:
    friend class GroupLog;
    enum class Type : uint8_t { offset = 1, offset_tombstone = 2, group = 3, group_tombstone = 4 };
    struct Record {
      Type type;
      std::string group;
      std::string topic;
      int32_t partition = 0;
      CommittedOffset offset;
      protocol::Bytes value;
    };
    std::vector<Record> records_;
  };

  /// Opens (creating) `<data_dir>/.kafkit-groups/groups.log` and replays it.
  static Result<std::unique_ptr<GroupLog>> open(const std::filesystem::path& data_dir,
                                                Options options);
  static Result<std::unique_ptr<GroupLog>> open(const std::filesystem::path& data_dir) {
    return open(data_dir, Options{});
  }
  ~GroupLog();
  GroupLog(const GroupLog&) = delete;
  GroupLog& operator=(const GroupLog&) = delete;

  /// Writes `batch` as one frame, then applies it to the state below. On a write error
  /// the file is cut back to where it was and nothing is applied. May compact afterwards.
  Result<void> append(Batch batch);
  Result<void> append_group_metadata(std::string group, protocol::Bytes value);
  /// DeleteGroups / group expiry: the group's metadata is gone (its offsets are separate
  /// keys; delete them with offset tombstones).
  Result<void> append_group_tombstone(std::string group);

  /// Live committed offsets: group -> topic -> partition.
  const std::map<std::string, GroupOffsets, std::less<>>& offsets() const noexcept {
    return offsets_;
  }
  const GroupOffsets* group_offsets(std::string_view group) const;
  /// Live group metadata: group -> latest bytes (what the membership side stored).
  const std::map<std::string, protocol::Bytes, std::less<>>& group_metadata() const noexcept {
    return groups_;
  }

  /// fsyncs the file.
  Result<void> flush();
  /// Rewrites the file with the live records only (also done automatically).
  Result<void> compact();
  /// Syncs and closes; later appends fail.
  void close();

  const std::filesystem::path& path() const noexcept { return path_; }
  int64_t file_bytes() const noexcept { return file_bytes_; }
  /// Encoded size of the live records: what a compacted file holds, frame headers aside.
  int64_t live_bytes() const noexcept { return live_bytes_; }
  /// What opening repaired (a truncated tail) and compactions that failed, one line each.
  std::vector<std::string> take_recovery_notes() { return std::move(notes_); }

 private:
  GroupLog(std::filesystem::path path, Options options)
      : path_(std::move(path)), options_(options) {}
  Result<void> replay();
  void apply(Batch::Record& record);
  bool compaction_due() const;

  std::filesystem::path path_;
  Options options_;
  FileHandle file_;
  int64_t file_bytes_ = 0;                                      /// @thread loop
  int64_t live_bytes_ = 0;                                      /// @thread loop
  int64_t retry_compaction_at_ = 0;                             /// @thread loop
  std::map<std::string, GroupOffsets, std::less<>> offsets_;    /// @thread loop
  std::map<std::string, protocol::Bytes, std::less<>> groups_;  /// @thread loop
  std::vector<std::string> notes_;
};

}  // namespace kafkit::broker
