#pragma once
// Partition assignors: how the group leader divides the subscribed topics' partitions
// among the members. Built in (partition.assignment.strategy): "range", "roundrobin",
// "sticky" (eager) and "cooperative-sticky" (KIP-429, incremental cooperative
// rebalancing). A user-supplied assignor implements PartitionAssignor and is given to the
// Consumer in ConsumerCallbacks::assignors; it is offered in JoinGroup under its name(),
// in the order of the list, before the built-in ones partition.assignment.strategy names.
//
// Threads: assign() runs on the consumer's I/O thread, only on the member that leads the
// group, and must not block.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkit/consumer.hpp"

namespace kafkit {

enum class RebalanceProtocol : std::uint8_t {
  /// Every member gives up all its partitions before each rebalance.
  eager,
  /// Members keep their partitions across a rebalance and give up only those that move
  /// (KIP-429); needs two rebalances when a partition moves.
  cooperative,
};

/// One member as the leader sees it in JoinGroup.
struct GroupMemberSubscription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<std::string> topics;
  /// The assignor's own bytes from the member's subscription (ConsumerProtocol user data).
  std::string user_data;
  /// Partitions the member owned before this rebalance (subscription v1+; empty from
  /// members that do not send them).
  std::vector<TopicPartition> owned_partitions;
  /// The generation those were owned in (subscription v2+), -1 when unknown.
  std::int32_t generation = -1;
  std::optional<std::string> rack_id;
};

struct GroupMemberAssignment {
  std::vector<TopicPartition> partitions;
  std::string user_data;
};

class PartitionAssignor {
 public:
  virtual ~PartitionAssignor() = default;
  /// The protocol name sent in JoinGroup ("range", ...).
  virtual std::string_view name() const = 0;
  virtual RebalanceProtocol protocol() const { return RebalanceProtocol::eager; }
  /// User data this member adds to its subscription (e.g. sticky's previous assignment).
  virtual std::string subscription_user_data(const std::vector<std::string>& /*topics*/) const {
    return {};
  }
  /// Divides the partitions: `partition_counts` has every topic any member subscribes to
  /// (topics that do not exist are absent). Returns one entry per member id; with the
  /// cooperative protocol a partition must not move straight from one member to another in
  /// one rebalance (leave it unassigned; the owner revokes it and the next rebalance places
  /// it).
  virtual std::map<std::string, GroupMemberAssignment> assign(
      const std::map<std::string, std::int32_t>& partition_counts,
      const std::vector<GroupMemberSubscription>& members) = 0;
  /// Called on every member with its own assignment after SyncGroup.
  virtual void on_assignment(const GroupMemberAssignment& /*assignment*/,
                             std::int32_t /*generation*/) {}
};

/// The built-in assignor with this name (range, roundrobin, sticky, cooperative-sticky);
/// nullptr for other names.
std::unique_ptr<PartitionAssignor> make_builtin_assignor(std::string_view name);

}  // namespace kafkit
