#pragma once
// DelayedFetches: Fetch requests parked until enough data arrives (fetch.min.bytes) or
// their wait (fetch.max.wait.ms) runs out — Kafka's fetch purgatory. Each waiter watches
// the partitions it asked for; an append to one of them gives it another try.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/event_loop.hpp"

namespace kafkit::broker {

class DelayedFetches {
 public:
  /// Returns true when the fetch was answered (and so leaves the purgatory). `expired`
  /// means the wait is over and it must answer with whatever there is.
  using TryComplete = std::function<bool(bool expired)>;
  using PartitionKey = std::pair<std::string, int32_t>;

  explicit DelayedFetches(net::EventLoop& loop) : loop_(loop) {}
  ~DelayedFetches();

  /// `waiting` tells whether anybody still waits for the answer (the client's connection
  /// is open); purge_abandoned() drops the ones nobody waits for.
  void add(std::vector<PartitionKey> watched, int64_t max_wait_ms, TryComplete try_complete,
           std::function<bool()> waiting);
  /// New data in `topic`/`partition` (or a change that may finish a fetch: deletion).
  void on_append(const std::string& topic, int32_t partition);
  /// Answers every parked fetch now (shutdown).
  void expire_all();
  /// Forgets fetches whose clients have gone: a client may ask to wait for up to
  /// INT32_MAX ms and disconnect, and reconnecting in a loop must not pile up waiters.
  void purge_abandoned();
  size_t size() const noexcept { return waiters_.size(); }

 private:
  struct Waiter {
    std::vector<PartitionKey> watched;
    TryComplete try_complete;
    std::function<bool()> waiting;
    net::TimerId timer = 0;
  };
  void finish(uint64_t id, bool expired);
  void erase(std::map<uint64_t, Waiter>::iterator it);

  net::EventLoop& loop_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Waiter> waiters_;                  /// @thread loop
  std::multimap<PartitionKey, uint64_t> by_partition_;  /// @thread loop
};

}  // namespace kafkit::broker
