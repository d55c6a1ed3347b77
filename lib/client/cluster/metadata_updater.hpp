#pragma once
// MetadataUpdater: keeps a MetadataCache current for the topics a client uses — a refresh
// every metadata.max.age.ms, and sooner when asked (an error that means the cache is
// stale, a new topic). Requests are coalesced: at most one is in flight, and asked-for
// refreshes are at least retry.backoff.ms apart so a broken partition cannot flood the
// cluster. After each answer the pool learns the brokers' addresses and the owner is told.
//
// Threading: loop thread only.
#include <functional>
#include <set>
#include <string>

#include "client/cluster/cluster_config.hpp"
#include "client/cluster/metadata_cache.hpp"
#include "net/connection_pool.hpp"
#include "net/earliest_timer.hpp"
#include "net/event_loop.hpp"

namespace kafkit::client {

class MetadataUpdater {
 public:
  /// Called after every answer (the cache is updated), or with the error of a failed
  /// request.
  using Listener = std::function<void(const Error* error)>;

  MetadataUpdater(net::EventLoop& loop, net::ConnectionPool& pool, const ClusterConfig& config,
                  Listener listener);
  MetadataUpdater(const MetadataUpdater&) = delete;
  MetadataUpdater& operator=(const MetadataUpdater&) = delete;
  ~MetadataUpdater();

  /// Adds topics to those refreshed; new ones trigger a refresh.
  void add_topic(const std::string& topic);
  /// Asks about every topic in the cluster (regex subscriptions) instead of the added ones;
  /// a topic that disappears from the answer is dropped from the cache.
  void set_all_topics(bool all);
  /// Asks for a refresh soon (coalesced, rate-limited).
  void request_update();
  /// The owner's pool reported a connection ready: a request that found none goes now
  /// instead of at its retry.backoff.ms look-again (a client's first metadata otherwise
  /// waited 100 ms whenever it was asked for before the first connect finished).
  void connection_ready();
  void stop();

  const MetadataCache& cache() const noexcept { return cache_; }
  MetadataCache& cache() noexcept { return cache_; }
  bool has_topic(const std::string& topic) const { return topics_.count(topic) != 0; }

 private:
  void send_now();
  void on_response(std::uint64_t token, Result<protocol::MetadataResponse> response);
  void schedule(std::chrono::milliseconds delay);

  net::ConnectionPool& pool_;
  ClusterConfig config_;
  Listener listener_;
  MetadataCache cache_;  /// @thread loop (every member below too)
  std::set<std::string> topics_;
  bool all_topics_ = false;
  bool sent_all_topics_ = false;  // what the request in flight asked
  bool in_flight_ = false;
  bool wanted_ = false;               // a refresh was asked for while one was in flight
  bool awaiting_connection_ = false;  // send_now() found no ready connection
  bool unasked_topic_ = false;        // add_topic() while a request without it was in flight
  net::EarliestTimer timer_;
  net::Clock::time_point last_sent_{};
  std::uint64_t token_ = 1;  // responses for a stopped updater are ignored
  bool stopped_ = false;
  std::shared_ptr<MetadataUpdater*> self_;
};

}  // namespace kafkit::client
