#pragma once
// GroupHost: how group membership (consumer/group_session) drives the consumer it belongs
// to. ConsumerImpl implements it; GroupSession calls it on the I/O thread.
//  - add_partitions(): the group assigned partitions; each starts at its offset
//    (offsets::stored = the committed offset, else auto.offset.reset). Cooperative
//    assignors add only the new ones.
//  - remove_partitions(): stop fetching and drop the prefetched data of lost partitions.
//    (Revoked ones are removed on the application thread, after their commit and the
//    on_revoked callback: see ConsumerImpl::serve_event.)
//  - post_event(): partitions_assigned / revoked / lost, poll_interval_exceeded, fatal;
//    poll() delivers them in order and runs the matching ConsumerCallbacks.
//  - set_identity(): generation, member id and group.instance.id that every later commit
//    carries (KIP-345 static membership, generation fencing).
#include <vector>

#include "client/consumer/offset_client.hpp"
#include "kafkit/consumer.hpp"

namespace kafkit::client {

class GroupHost {
 public:
  virtual ~GroupHost() = default;
  virtual void add_partitions(const std::vector<TopicPartitionOffset>& partitions) = 0;
  virtual void remove_partitions(const std::vector<TopicPartition>& partitions) = 0;
  virtual void post_event(ConsumerEvent event) = 0;
  virtual void set_identity(CommitIdentity identity) = 0;
};

}  // namespace kafkit::client
