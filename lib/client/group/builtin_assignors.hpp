#pragma once
// The built-in partition assignors (make_builtin_assignor() in kafkit/assignor.hpp returns
// them by name). Pure code: no I/O, no clock.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kafkit/assignor.hpp"

namespace kafkit::client {

/// Kafka's member order for range and roundrobin: static members (group.instance.id)
/// first, by instance id, then dynamic members by member id, so that a static member keeps
/// its place across restarts (KIP-345).
bool member_order_less(const GroupMemberSubscription& a, const GroupMemberSubscription& b);

/// Kafka's RangeAssignor: per topic, the partitions in order are cut into contiguous
/// ranges, one per subscribed member in member order; the first (n % members) members get
/// one extra.
class RangeAssignor final : public PartitionAssignor {
 public:
  std::string_view name() const override { return "range"; }
  std::map<std::string, GroupMemberAssignment> assign(
      const std::map<std::string, std::int32_t>& partition_counts,
      const std::vector<GroupMemberSubscription>& members) override;
};

/// Kafka's RoundRobinAssignor: every partition of every subscribed topic (topics by name,
/// partitions in order) goes to the next member in member order that subscribes to its
/// topic.
class RoundRobinAssignor final : public PartitionAssignor {
 public:
  std::string_view name() const override { return "roundrobin"; }
  std::map<std::string, GroupMemberAssignment> assign(
      const std::map<std::string, std::int32_t>& partition_counts,
      const std::vector<GroupMemberSubscription>& members) override;
};

/// Kafka's StickyAssignor (eager): as balanced as the subscriptions allow, then moving as
/// few previously owned partitions as possible. The previous assignment travels in the
/// member's user data (Kafka's StickyAssignorUserData v1: topic partitions + generation),
/// because eager members give up everything before joining and send no owned partitions.
/// @thread io (on_assignment / subscription_user_data run on the consumer's I/O thread)
class StickyAssignor final : public PartitionAssignor {
 public:
  std::string_view name() const override { return "sticky"; }
  std::string subscription_user_data(const std::vector<std::string>& topics) const override;
  std::map<std::string, GroupMemberAssignment> assign(
      const std::map<std::string, std::int32_t>& partition_counts,
      const std::vector<GroupMemberSubscription>& members) override;
  void on_assignment(const GroupMemberAssignment& assignment, std::int32_t generation) override;

 private:
  std::vector<TopicPartition> last_;   ///< @thread io
  std::int32_t last_generation_ = -1;  ///< @thread io
};

/// Kafka's CooperativeStickyAssignor (KIP-429): the sticky assignment computed from the
/// owned partitions members send (subscription v1+, generation v2+), except that a
/// partition whose owner changes is left unassigned this round: its owner revokes it and
/// rejoins, and the next rebalance places it. User data carries the generation (int32) for
/// leaders that read subscriptions older than v2.
/// @thread io
class CooperativeStickyAssignor final : public PartitionAssignor {
 public:
  std::string_view name() const override { return "cooperative-sticky"; }
  RebalanceProtocol protocol() const override { return RebalanceProtocol::cooperative; }
  std::string subscription_user_data(const std::vector<std::string>& topics) const override;
  std::map<std::string, GroupMemberAssignment> assign(
      const std::map<std::string, std::int32_t>& partition_counts,
      const std::vector<GroupMemberSubscription>& members) override;
  void on_assignment(const GroupMemberAssignment& assignment, std::int32_t generation) override;

 private:
  std::int32_t generation_ = -1;  ///< @thread io
};

/// The balance-then-stickiness core shared by sticky and cooperative-sticky. `owned[i]` and
/// `generation[i]` are member i's previous partitions and their generation. A partition
/// claimed by several members stays with the highest generation (nobody when tied);
/// claims on partitions that no longer exist or are no longer subscribed are dropped.
/// Returns member i's partitions at index i.
std::vector<std::vector<TopicPartition>> sticky_assign(
    const std::map<std::string, std::int32_t>& partition_counts,
    const std::vector<GroupMemberSubscription>& members,
    const std::vector<std::vector<TopicPartition>>& owned,
    const std::vector<std::int32_t>& generation,
    std::vector<std::vector<TopicPartition>>* valid_owned = nullptr);

}  // namespace kafkit::client
