#pragma once
// MetadataCache: what the client last learned about brokers, topics and partition leaders.
// Pure data (no I/O): MetadataUpdater fills it from Metadata responses, the producer and
// consumer read it on the I/O thread.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/messages/metadata.hpp"

namespace kafkit::client {

struct PartitionMetadata {
  std::int32_t leader = -1;
  std::int32_t leader_epoch = -1;
  std::int16_t error = 0;
};

struct TopicMetadata {
  /// UNKNOWN_TOPIC_OR_PARTITION, TOPIC_AUTHORIZATION_FAILED, ... (0 = usable).
  std::int16_t error = 0;
  protocol::Uuid id;
  /// An internal topic (__consumer_offsets, ...): regex subscriptions skip it, as Java's
  /// exclude.internal.topics=true.
  bool internal = false;
  std::vector<PartitionMetadata> partitions;
};

struct BrokerAddress {
  std::string host;
  std::uint16_t port = 0;
};

class MetadataCache {
 public:
  /// Replaces what `response` covers: every broker, and each topic it lists. A partition
  /// whose leader epoch went backwards keeps the newer entry (KIP-320: a stale broker's
  /// answer must not undo a leader change already seen). A topic has as many partitions as
  /// the response lists; an entry whose index is not below that count is ignored.
  void update(const protocol::MetadataResponse& response);
  /// As update(), for an answer about every topic (a Metadata request with null topics):
  /// topics it does not list have been deleted and are forgotten.
  void update_all(const protocol::MetadataResponse& response);
  /// Marks a partition's leader unknown until the next update (after NOT_LEADER_OR_FOLLOWER).
  void invalidate_leader(std::string_view topic, std::int32_t partition);

  /// KIP-951: a broker that is no longer the leader names the new one (and its epoch) in
  /// its Produce/Fetch answer; taken when newer than what the cache holds. Returns whether
  /// the cache changed.
  bool update_leader(std::string_view topic, std::int32_t partition, std::int32_t leader,
                     std::int32_t leader_epoch);

  const TopicMetadata* topic(std::string_view name) const;
  const std::map<std::string, TopicMetadata, std::less<>>& topics() const noexcept {
    return topics_;
  }
  const BrokerAddress* broker(std::int32_t id) const;
  const std::map<std::int32_t, BrokerAddress>& brokers() const noexcept { return brokers_; }
  /// Leader of a partition, or -1 when unknown, leaderless or the broker is not listed.
  std::int32_t leader(std::string_view topic, std::int32_t partition) const;
  std::uint64_t version() const noexcept { return version_; }

 private:
  std::map<std::int32_t, BrokerAddress> brokers_;
  std::map<std::string, TopicMetadata, std::less<>> topics_;
  std::uint64_t version_ = 0;
};

}  // namespace kafkit::client
