#pragma once
// OffsetStore: the offset half of the group coordinator — committed offsets per group, the
// rules OffsetCommit / OffsetFetch / OffsetDelete apply before touching them, and offset
// expiry (offsets.retention.minutes). The offsets themselves live in the GroupLog, which
// makes every change durable before it is visible; this class holds no second copy.
//
// Membership (JoinGroup, SyncGroup, ...) is another object behind GroupMembershipView;
// until one is set every group counts as having no members, so only commits without a
// generation (simple consumers, the admin client) are accepted, as Kafka accepts them for a
// group it does not know.
//
// Owned by the broker's loop thread; not thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/group/group_access.hpp"
#include "broker/group/group_log.hpp"
#include "common/result.hpp"

namespace kafkit::broker {

struct OffsetStoreConfig {
  /// offsets.retention.minutes (Kafka default 7 days), in milliseconds.
  int64_t retention_ms = 10080LL * 60 * 1000;
  /// offset.metadata.max.bytes: longer commit metadata is refused with
  /// OFFSET_METADATA_TOO_LARGE (Kafka compares the string's length in UTF-16 units).
  int32_t metadata_max_bytes = 4096;
};

class OffsetStore final : public GroupOffsetsView {
 public:
  using Logger = std::function<void(const std::string&)>;

  /// `log` must outlive the store.
  OffsetStore(GroupLog& log, OffsetStoreConfig config, Logger logger = {});

  /// The membership side (nullptr: no group has members).
  void set_membership(const GroupMembershipView* membership) noexcept { membership_ = membership; }
  const GroupMembershipView* membership() const noexcept { return membership_; }
  GroupLog& log() noexcept { return log_; }
  const OffsetStoreConfig& config() const noexcept { return config_; }

  // ---- OffsetCommit ----

  /// The group-level error (0 = accepted) for a commit at API `version`, Kafka's
  /// validateOffsetCommit: a group with members decides through the membership view; with
  /// none, generation < 0 is accepted (a simple consumer), otherwise UNKNOWN_MEMBER_ID when
  /// the group exists (it has offsets) and, when it does not, ILLEGAL_GENERATION before
  /// v9 and GROUP_ID_NOT_FOUND from v9.
  int16_t check_commit(std::string_view group, std::string_view member_id, int32_t generation,
                       const std::optional<std::string>& group_instance_id, int16_t version) const;
  bool metadata_too_large(const std::optional<std::string>& metadata) const;

  struct Commit {
    std::string topic;
    int32_t partition = 0;
    CommittedOffset value;
  };
  /// Stores every commit of one request durably and atomically.
  Result<void> commit(std::string_view group, std::vector<Commit> commits);

  // ---- OffsetFetch ----

  const CommittedOffset* find(std::string_view group, std::string_view topic,
                              int32_t partition) const;
  /// Every committed offset of the group; nullptr when it has none.
  const GroupOffsets* group_offsets(std::string_view group) const {
    return log_.group_offsets(group);
  }

  // ---- OffsetDelete ----

  /// The group-level error for an OffsetDelete (Kafka's validateOffsetDelete):
  /// GROUP_ID_NOT_FOUND for a group with neither offsets nor members, NON_EMPTY_GROUP
  /// for a group with members whose subscriptions are not known (not a consumer group).
  int16_t check_delete(std::string_view group) const;
  /// True when a live member of the group subscribes to `topic`.
  bool subscribed(std::string_view group, std::string_view topic) const;
  /// Deletes the given offsets (those that exist) durably.
  Result<void> delete_offsets(std::string_view group,
                              const std::vector<std::pair<std::string, int32_t>>& partitions);

  // ---- Housekeeping ----

  /// DeleteTopics: every group forgets its offsets of `topic`, as Kafka's coordinator does
  /// when partitions are deleted.
  Result<void> on_topic_deleted(std::string_view topic);
  /// Removes offsets past their retention; returns how many. A group with members keeps
  /// its offsets; a group without counts retention from the later of the commit and the
  /// last time it was seen with members (Kafka counts from when a group became Empty).
  /// An explicit expire timestamp (OffsetCommit v2-4) wins.
  size_t expire(int64_t now_ms);

  // ---- GroupOffsetsView ----
  bool has_offsets(std::string_view group) const override;
  std::vector<std::string> groups_with_offsets() const override;
  void delete_group_offsets(std::string_view group) override;

 private:
  bool has_members(std::string_view group) const {
    return membership_ != nullptr && membership_->has_members(group);
  }
  void note(const std::string& line) const {
    if (logger_) logger_(line);
  }

  GroupLog& log_;
  OffsetStoreConfig config_;
  Logger logger_;
  const GroupMembershipView* membership_ = nullptr;  /// @thread loop
  /// When each group was last seen with members by expire(), so retention of an emptied
  /// group starts then rather than at its last commit.
  std::map<std::string, int64_t, std::less<>> last_seen_with_members_ms_;  /// @thread loop
};

}  // namespace kafkit::broker
