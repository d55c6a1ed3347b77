#include "client/consumer/fetcher.hpp"

#include <utility>
#include "net/sasl_setup_step.hpp"

#include <algorithm>
#include <array>

#include "net/net_errors.hpp"
#include "net/typed_request.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::client {
namespace {

using protocol::ErrorCode;
constexpr int code(ErrorCode c) {
  return static_cast<int>(c);
}

// v4: isolation level and aborted transactions (KIP-98), the oldest a transactional
// consumer can use. v13+ name topics by id (KIP-516): used when every topic's id is known.
constexpr std::int16_t kMinFetchVersion = 4;
constexpr std::int16_t kMaxFetchVersionByName = 12;
constexpr std::int16_t kMaxFetchVersion = 17;
// Chunks a partition may have waiting for poll() before it is fetched again: one being
// handed out and one more, so the next is ready when the first runs out.
constexpr std::size_t kMaxQueuedChunks = 2;

bool refreshes_metadata(int error) {
  switch (error) {
    case code(ErrorCode::NotLeaderOrFollower):
    case code(ErrorCode::LeaderNotAvailable):
    case code(ErrorCode::UnknownTopicOrPartition):
    case code(ErrorCode::FencedLeaderEpoch):
    case code(ErrorCode::UnknownLeaderEpoch):
    case code(ErrorCode::KafkaStorageError):
    case code(ErrorCode::ReplicaNotAvailable):
    case code(ErrorCode::UnknownTopicId):
    case code(ErrorCode::InconsistentTopicId):
    case code(ErrorCode::OffsetNotAvailable):
      return true;
    default:
      return false;
  }
}

std::string where(const TopicPartition& tp) {
  return tp.topic + " [" + std::to_string(tp.partition) + "]";
}

}  // namespace

Fetcher::Fetcher(net::EventLoop& loop, const ConsumerConfig& config, ConsumerState& state)
    : loop_(loop),
      config_(config),
      state_(state),
      fetch_pool_(loop, config.cluster.connection,
                  [this](std::int32_t, net::BrokerConnection::State s, const Error*) {
                    if (s == net::BrokerConnection::State::ready) wake();
                  }),
      control_pool_(loop, config.cluster.connection,
                    [this](std::int32_t, net::BrokerConnection::State s, const Error*) {
                      if (s == net::BrokerConnection::State::ready) wake();
                    }),
      metadata_(loop, fetch_pool_, config.cluster, [this](const Error* e) { on_metadata(e); }),
      offsets_(loop, control_pool_, metadata_, config_),
      timer_(loop, [this] { run(); }),
      self_(std::make_shared<Fetcher*>(this)) {
  for (const auto& b : config_.cluster.bootstrap) {
    fetch_pool_.add_bootstrap(b.host, b.port);
    control_pool_.add_bootstrap(b.host, b.port);
  }
  metadata_.request_update();
}

Fetcher::~Fetcher() {
  *self_ = nullptr;
}

void Fetcher::wake() {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  std::weak_ptr<Fetcher*> weak = self_;
  loop_.post([weak] {
    auto self = weak.lock();
    if (!self || !*self) return;
    (*self)->wake_pending_.store(false, std::memory_order_release);
    (*self)->run();
  });
}

void Fetcher::shut_down() {
  if (shut_down_) return;
  shut_down_ = true;
  timer_.cancel();
  offsets_.stop();
  metadata_.stop();
  fetch_pool_.stop();
  control_pool_.stop();
}

void Fetcher::schedule(net::Clock::time_point when) {
  if (!shut_down_) timer_.schedule(when);
}

void Fetcher::on_metadata(const Error* error) {
  if (error != nullptr && net::is_authentication_error(error->code)) {
    // Refused credentials (issue 8): an error event for poll(), once, not a silent wait.
    if (!std::exchange(reported_authentication_error_, true)) state_.post_error(*error);
  }
  if (error == nullptr) {
    reported_authentication_error_ = false;
    offsets_.on_metadata();
    // An assigned topic the cluster does not have (or refuses): told once, fetched again
    // when a later refresh shows it.
    std::lock_guard g(state_.mutex);
    for (const auto& [tp, p] : state_.partitions) {
      const TopicMetadata* t = metadata_.cache().topic(tp.topic);
      if (t == nullptr) continue;
      bool missing =
          t->error != 0 || static_cast<std::size_t>(tp.partition) >= t->partitions.size();
      if (!missing) {
        reported_topics_.erase(tp.topic);
        continue;
      }
      if (!reported_topics_.insert(tp.topic).second) continue;
      int ec = t->error != 0 ? t->error : code(ErrorCode::UnknownTopicOrPartition);
      state_.post_error(
          Error{ec, "assigned " + where(tp) + " is not available: " +
                        std::string(protocol::error_name(static_cast<std::int16_t>(ec))) +
                        " (waiting for it)"});
    }
  }
  run();
}

void Fetcher::run() {
  if (shut_down_) return;
  std::unique_lock lock(state_.mutex);
  for (const auto& [tp, p] : state_.partitions)
    if (!metadata_.has_topic(tp.topic)) metadata_.add_topic(tp.topic);
  StartQueries queries = start_queries(lock);
  send_fetches(lock);
  // Wake for the earliest backoff to end.
  std::optional<net::Clock::time_point> next;
  auto now = net::Clock::now();
  for (const auto& [tp, p] : state_.partitions)
    if (p.retry_at > now && (!next || p.retry_at < *next)) next = p.retry_at;
  lock.unlock();
  // Outside the lock: an answer may come back at once (a closed client, a passed deadline).
  send_start_queries(std::move(queries));
  if (next) schedule(*next);
}

void Fetcher::apply_reset(const TopicPartition& tp, PartitionState& p) {
  switch (config_.auto_offset_reset) {
    case OffsetReset::earliest:
      p.start = offsets::beginning;
      break;
    case OffsetReset::latest:
      p.start = offsets::end;
      break;
    case OffsetReset::none:
      p.stopped = true;
      state_.post_error(Error{code(ErrorCode::OffsetOutOfRange),
                              "no valid offset for " + where(tp) +
                                  " and auto.offset.reset=none: seek() to consume it"});
      break;
  }
}

Fetcher::StartQueries Fetcher::start_queries(std::unique_lock<std::mutex>& lock) {
  (void)lock;
  auto now = net::Clock::now();
  StartQueries q;
  for (auto& [tp, p] : state_.partitions) {
    if (p.position >= 0 || p.resolving || p.stopped || p.retry_at > now) continue;
    if (p.start == offsets::stored) {
      if (config_.group_id.empty()) {
        apply_reset(tp, p);
        if (p.stopped) continue;
      } else {
        q.stored.push_back(tp);
        q.stored_epochs[tp] = p.seek_epoch;
        p.resolving = true;
        continue;
      }
    }
    q.listed.push_back(TopicPartitionOffset{tp.topic, tp.partition, p.start});
    q.listed_epochs[tp] = p.seek_epoch;
    p.resolving = true;
  }
  return q;
}

void Fetcher::send_start_queries(StartQueries q) {
  auto deadline = net::Clock::now() + config_.request_timeout;
  std::weak_ptr<Fetcher*> weak = self_;
  if (!q.stored.empty())
    offsets_.committed(q.stored, deadline, [weak, epochs = q.stored_epochs](OffsetsResult r) {
      auto self = weak.lock();
      if (self && *self) (*self)->on_start_offsets(epochs, std::move(r), true);
    });
  if (!q.listed.empty())
    offsets_.list_offsets(q.listed, deadline, [weak, epochs = q.listed_epochs](OffsetsResult r) {
      auto self = weak.lock();
      if (self && *self) (*self)->on_start_offsets(epochs, std::move(r), false);
    });
}

void Fetcher::on_start_offsets(const Epochs& epochs, OffsetsResult r, bool committed) {
  {
    std::lock_guard g(state_.mutex);
    auto now = net::Clock::now();
    for (const auto& [tp, epoch] : epochs) {
      auto it = state_.partitions.find(tp);
      if (it == state_.partitions.end() || it->second.seek_epoch != epoch) continue;  // sought
      PartitionState& p = it->second;
      p.resolving = false;
      if (!r.ok()) {
        p.retry_at = now + config_.fetch_error_backoff;
        continue;
      }
      for (const auto& o : *r) {
        if (o.topic != tp.topic || o.partition != tp.partition) continue;
        if (o.error) {
          state_.post_error(*o.error);
          p.retry_at = now + config_.fetch_error_backoff;
        } else if (o.offset >= 0) {
          p.position = p.fetch_offset = o.offset;
          p.eof_reported = false;
          state_.changed.notify_all();
        } else if (committed) {
          apply_reset(tp, p);  // no committed offset
        } else {
          p.retry_at = now + config_.retry_backoff;
        }
      }
    }
    if (!r.ok())
      state_.post_error(
          Error{r.error().code, std::string(committed ? "committed offsets" : "start offsets") +
                                    " not available (retrying): " + r.error().message});
  }
  run();
}

void Fetcher::send_fetches(std::unique_lock<std::mutex>& lock) {
  (void)lock;
  auto now = net::Clock::now();
  const MetadataCache& cache = metadata_.cache();
  std::map<std::int32_t, std::vector<std::pair<TopicPartition, PartitionState*>>> by_leader;
  // Leaders with a partition whose queue is full get no fetch until poll() drains it: a
  // fetch of only the other (idle) partitions would park at the broker for
  // fetch.max.wait.ms, and, one fetch per leader being in flight, the busy partition would
  // wait behind it once drained. poll() wakes us when it frees a queue slot.
  std::set<std::int32_t> held_back;
  bool need_metadata = false;
  for (auto& [tp, p] : state_.partitions) {
    if (p.paused || p.stopped || p.position < 0 || p.fetching || p.retry_at > now) continue;
    std::int32_t leader = cache.leader(tp.topic, tp.partition);
    if (leader < 0) {
      need_metadata = true;
      continue;
    }
    if (fetching_nodes_.count(leader) != 0) continue;
    if (p.chunks.size() >= kMaxQueuedChunks) {
      held_back.insert(leader);
      continue;
    }
    by_leader[leader].emplace_back(tp, &p);
  }
  for (std::int32_t leader : held_back) by_leader.erase(leader);
  if (need_metadata) metadata_.request_update();
  for (auto& [leader, parts] : by_leader) {
    net::BrokerConnection* conn = fetch_pool_.node(leader);
    if (conn == nullptr) {
      metadata_.request_update();
      continue;
    }
    if (conn->state() != net::BrokerConnection::State::ready) {
      conn->start();
      continue;
    }
    // Reserve the whole response's worth from the global budget before asking for it.
    std::size_t want = std::min<std::size_t>(
        static_cast<std::size_t>(config_.fetch_max_bytes),
        parts.size() * static_cast<std::size_t>(config_.max_partition_fetch_bytes));
    std::size_t granted = state_.budget.reserve(std::max<std::size_t>(want, 1));
    if (granted == 0) break;  // poll() releases bytes and wakes us
    protocol::FetchRequest req;
    req.replica_id = -1;
    req.max_wait_ms = static_cast<std::int32_t>(config_.fetch_max_wait.count());
    req.min_bytes = config_.fetch_min_bytes;
    req.max_bytes = static_cast<std::int32_t>(granted);
    req.isolation_level = config_.read_committed ? 1 : 0;
    req.session_id = 0;
    req.session_epoch = -1;  // full fetches, no KIP-227 session
    req.rack_id = config_.client_rack;
    bool all_ids = true;
    std::map<TopicPartition, std::uint64_t> sent;
    for (auto& [tp, p] : parts) {
      const std::string& topic = tp.topic;
      auto t = std::find_if(req.topics.begin(), req.topics.end(),
                            [&](const auto& x) { return x.topic == topic; });
      if (t == req.topics.end()) {
        req.topics.emplace_back();
        t = std::prev(req.topics.end());
        t->topic = tp.topic;
        const TopicMetadata* tm = cache.topic(tp.topic);
        if (tm != nullptr) t->topic_id = tm->id;
        if (tm == nullptr || t->topic_id == protocol::Uuid{}) all_ids = false;
      }
      protocol::FetchRequest::FetchPartition fp;
      fp.partition = tp.partition;
      fp.fetch_offset = p->fetch_offset;
      const TopicMetadata* tm = cache.topic(tp.topic);
      if (tm != nullptr && static_cast<std::size_t>(tp.partition) < tm->partitions.size())
        fp.current_leader_epoch =
            tm->partitions[static_cast<std::size_t>(tp.partition)].leader_epoch;
      fp.partition_max_bytes = std::min<std::int32_t>(config_.max_partition_fetch_bytes,
                                                      static_cast<std::int32_t>(granted));
      t->partitions.push_back(fp);
      p->fetching = true;
      sent[tp] = p->seek_epoch;
    }
    fetching_nodes_.insert(leader);
    std::weak_ptr<Fetcher*> weak = self_;
    std::int32_t node = leader;
    auto request = net::make_request(
        std::move(req), [weak, node, granted, sent](Result<protocol::FetchResponse> r) {
          auto self = weak.lock();
          if (self && *self) (*self)->on_fetch(node, granted, sent, std::move(r));
        });
    request.versions =
        net::VersionRange{kMinFetchVersion, all_ids ? kMaxFetchVersion : kMaxFetchVersionByName};
    conn->submit(std::move(request));
  }
}

void Fetcher::on_fetch(std::int32_t node, std::size_t reserved,
                       std::map<TopicPartition, std::uint64_t> sent,
                       Result<protocol::FetchResponse> r) {
  fetching_nodes_.erase(node);
  std::size_t held = 0;
  {
    std::lock_guard g(state_.mutex);
    auto now = net::Clock::now();
    bool refresh = false;
    for (const auto& [tp, epoch] : sent) {
      auto it = state_.partitions.find(tp);
      if (it != state_.partitions.end()) it->second.fetching = false;
    }
    if (r.ok()) failing_nodes_.erase(node);
    if (!r.ok()) {
      for (const auto& [tp, epoch] : sent) {
        auto it = state_.partitions.find(tp);
        if (it != state_.partitions.end()) it->second.retry_at = now + config_.retry_backoff;
      }
      // Told once per broker outage, not at every retry.
      if (r.error().code != errc::closed && r.error().code != net::errc::connection_closed &&
          failing_nodes_.insert(node).second)
        state_.post_error(Error{r.error().code, "fetch from broker " + std::to_string(node) +
                                                    " failed (retrying): " + r.error().message});
      refresh = true;
    } else if (r->error_code != 0) {
      for (const auto& [tp, epoch] : sent) {
        auto it = state_.partitions.find(tp);
        if (it != state_.partitions.end()) it->second.retry_at = now + config_.fetch_error_backoff;
      }
      state_.post_error(Error{r->error_code, "fetch from broker " + std::to_string(node) + ": " +
                                                 std::string(protocol::error_name(r->error_code))});
    } else {
      // v13+ answers by topic id.
      std::map<std::array<std::uint8_t, 16>, std::string> names;
      for (const auto& [tp, epoch] : sent)
        if (const TopicMetadata* tm = metadata_.cache().topic(tp.topic))
          names[tm->id.bytes] = tp.topic;
      for (auto& t : r->responses) {
        std::string topic = t.topic;
        if (topic.empty()) {
          auto n = names.find(t.topic_id.bytes);
          if (n == names.end()) continue;
          topic = n->second;
        }
        for (auto& pd : t.partitions) {
          TopicPartition tp{topic, pd.partition_index};
          auto s = sent.find(tp);
          auto it = state_.partitions.find(tp);
          if (s == sent.end() || it == state_.partitions.end() ||
              it->second.seek_epoch != s->second)
            continue;  // unassigned or sought since: the data is stale
          PartitionState& p = it->second;
          if (pd.error_code != 0) {
            int ec = pd.error_code;
            if (pd.current_leader.leader_id >= 0)  // KIP-951
              metadata_.cache().update_leader(tp.topic, tp.partition, pd.current_leader.leader_id,
                                              pd.current_leader.leader_epoch);
            if (refreshes_metadata(ec)) {
              if (metadata_.cache().leader(tp.topic, tp.partition) == node)
                metadata_.cache().invalidate_leader(tp.topic, tp.partition);
              refresh = true;
              p.retry_at = now + config_.retry_backoff;
            } else if (ec == code(ErrorCode::OffsetOutOfRange)) {
              // Only when the application is at the fetch position: data already queued
              // before it is still good to hand out.
              state_.drop_fetched(p);
              p.position = p.fetch_offset = -1;
              ++p.seek_epoch;
              apply_reset(tp, p);
            } else {
              state_.post_error(Error{ec, "fetch of " + where(tp) + " from broker " +
                                              std::to_string(node) + ": " +
                                              std::string(protocol::error_name(pd.error_code))});
              p.retry_at = now + config_.fetch_error_backoff;
            }
            continue;
          }
          p.high_watermark = pd.high_watermark;
          if (pd.last_stable_offset >= 0) p.last_stable_offset = pd.last_stable_offset;
          if (pd.log_start_offset >= 0) p.log_start_offset = pd.log_start_offset;
          auto chunk = make_fetched_chunk(tp.topic, tp.partition, p.fetch_offset,
                                          config_.read_committed, pd);
          if (!chunk) {
            // Nothing new: at the end of the partition (or only a partial batch).
            if (config_.enable_partition_eof && !p.eof_reported && p.chunks.empty() &&
                p.position >= pd.high_watermark) {
              p.eof_reported = true;
              ConsumerEvent ev;
              ev.type = ConsumerEvent::Type::partition_eof;
              ev.partitions.push_back(tp);
              state_.events.push_back(std::move(ev));
              state_.changed.notify_all();
            }
            continue;
          }
          chunk->seek_epoch = p.seek_epoch;
          held += chunk->budget_bytes;
          p.fetch_offset = chunk->next_fetch_offset;
          p.eof_reported = false;
          p.chunks.push_back(std::move(chunk));
          state_.changed.notify_all();
        }
      }
    }
    state_.budget.settle(reserved, held);
    if (refresh) metadata_.request_update();
  }
  run();
}

}  // namespace kafkit::client
