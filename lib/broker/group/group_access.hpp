#pragma once
// What the offset side of the group coordinator (OffsetCommit / OffsetFetch / OffsetDelete,
// group/offset_store) needs to know about group membership (group/group_coordinator), and
// the reverse. Kept as a narrow interface so the two halves stay separate files with one
// owner each; both are owned by the broker's event-loop thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kafkit::broker {

/// Membership facts the offset handlers check, as Kafka's GroupCoordinator does.
class GroupMembershipView {
 public:
  virtual ~GroupMembershipView() = default;

  /// Error code (0 = accepted) for an OffsetCommit by `member_id` at `generation`
  /// (`generation` -1 with an empty member id is a commit by a consumer that manages its own
  /// partitions: accepted only while the group has no members). Kafka's rules:
  /// UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID for a static member whose
  /// member id changed, REBALANCE_IN_PROGRESS while completing a rebalance.
  virtual int16_t check_commit(std::string_view group, std::string_view member_id,
                               int32_t generation,
                               const std::optional<std::string>& group_instance_id) const = 0;

  /// True when a group with this id has members or is rebalancing (not Empty / Dead /
  /// unknown). OffsetDelete refuses topics a live consumer group subscribes to.
  virtual bool has_members(std::string_view group) const = 0;
  /// Topics the group's members subscribe to (from their consumer-protocol metadata);
  /// empty when not known. OffsetDelete answers GROUP_SUBSCRIBED_TO_TOPIC for these.
  virtual std::vector<std::string> subscribed_topics(std::string_view group) const = 0;
};

/// What group membership asks of the offset side.
class GroupOffsetsView {
 public:
  virtual ~GroupOffsetsView() = default;
  /// True when the group has committed offsets (a group with offsets and no members is
  /// Empty, not Dead, and is listed by ListGroups).
  virtual bool has_offsets(std::string_view group) const = 0;
  /// Every group with committed offsets.
  virtual std::vector<std::string> groups_with_offsets() const = 0;
  /// DeleteGroups: forgets every committed offset of the group (durably).
  virtual void delete_group_offsets(std::string_view group) = 0;
};

}  // namespace kafkit::broker
