#include "client/cluster/metadata_cache.hpp"

#include <algorithm>
#include <climits>

namespace kafkit::client {

void MetadataCache::update(const protocol::MetadataResponse& response) {
  brokers_.clear();
  for (const auto& b : response.brokers)
    brokers_[b.node_id] = BrokerAddress{b.host, static_cast<std::uint16_t>(b.port)};
  for (const auto& t : response.topics) {
    if (!t.name) continue;
    TopicMetadata fresh;
    fresh.error = t.error_code;
    fresh.id = t.topic_id;
    fresh.internal = t.is_internal;
    // Partitions are numbered 0..n-1 and a broker lists them all: an index beyond the
    // number listed cannot be one of them. Ignoring it bounds the table by the response's
    // size; a hostile index near INT32_MAX made this allocate gigabytes (and overflowed
    // index + 1), found by client-responses-fuzzer and by kafkit-fuzz proxy.
    const auto listed = static_cast<int64_t>(t.partitions.size());
    int32_t count = 0;
    for (const auto& p : t.partitions)
      if (p.partition_index >= 0 && p.partition_index < listed)
        count = std::max(count, p.partition_index + 1);
    fresh.partitions.resize(static_cast<size_t>(count), PartitionMetadata{-1, -1, 0});
    for (const auto& p : t.partitions) {
      if (p.partition_index < 0 || p.partition_index >= count) continue;
      fresh.partitions[static_cast<size_t>(p.partition_index)] =
          PartitionMetadata{p.leader_id, p.leader_epoch, p.error_code};
    }
    auto it = topics_.find(*t.name);
    if (it != topics_.end() && fresh.error != 0 && fresh.partitions.empty()) {
      // A topic-level error (often transient: a leader election, a broker catching up)
      // comes without partitions; keep the leaders known so far and note the error.
      it->second.error = fresh.error;
      continue;
    }
    if (it != topics_.end() && fresh.error == 0) {
      const auto& old = it->second.partitions;
      for (size_t i = 0; i < old.size() && i < fresh.partitions.size(); ++i) {
        if (old[i].leader_epoch > fresh.partitions[i].leader_epoch &&
            fresh.partitions[i].leader_epoch >= 0)
          fresh.partitions[i] = old[i];
      }
    }
    topics_[*t.name] = std::move(fresh);
  }
  ++version_;
}

void MetadataCache::update_all(const protocol::MetadataResponse& response) {
  update(response);
  for (auto it = topics_.begin(); it != topics_.end();) {
    bool listed = false;
    for (const auto& t : response.topics) listed = listed || (t.name && *t.name == it->first);
    it = listed ? std::next(it) : topics_.erase(it);
  }
}

void MetadataCache::invalidate_leader(std::string_view topic, std::int32_t partition) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 ||
      static_cast<size_t>(partition) >= it->second.partitions.size())
    return;
  it->second.partitions[static_cast<size_t>(partition)].leader = -1;
}

bool MetadataCache::update_leader(std::string_view topic, std::int32_t partition,
                                  std::int32_t leader, std::int32_t leader_epoch) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 || leader < 0 || broker(leader) == nullptr ||
      static_cast<size_t>(partition) >= it->second.partitions.size())
    return false;
  PartitionMetadata& p = it->second.partitions[static_cast<size_t>(partition)];
  if (leader_epoch <= p.leader_epoch) return false;
  p = PartitionMetadata{leader, leader_epoch, 0};
  ++version_;
  return true;
}

const TopicMetadata* MetadataCache::topic(std::string_view name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

const BrokerAddress* MetadataCache::broker(std::int32_t id) const {
  auto it = brokers_.find(id);
  return it == brokers_.end() ? nullptr : &it->second;
}

std::int32_t MetadataCache::leader(std::string_view topic, std::int32_t partition) const {
  const TopicMetadata* t = this->topic(topic);
  if (t == nullptr || partition < 0 || static_cast<size_t>(partition) >= t->partitions.size())
    return -1;
  std::int32_t id = t->partitions[static_cast<size_t>(partition)].leader;
  return broker(id) ? id : -1;
}

}  // namespace kafkit::client
