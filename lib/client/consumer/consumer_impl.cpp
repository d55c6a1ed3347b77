#include "client/consumer/consumer_impl.hpp"

#include "client/consumer/group_session.hpp"

#include <algorithm>
#include <condition_variable>
#include <stdexcept>

namespace kafkit::client {
namespace {

std::string where(const TopicPartition& tp) {
  return tp.topic + " [" + std::to_string(tp.partition) + "]";
}

Error not_assigned(const TopicPartition& tp) {
  return Error{errc::invalid_argument, where(tp) + " is not assigned to this consumer"};
}

bool valid_start(std::int64_t offset) {
  return offset >= 0 || offset == offsets::beginning || offset == offsets::end ||
         offset == offsets::stored;
}

/// A fresh partition starting at `offset` (an offset or one of kafkit::offsets).
void start_at(PartitionState& p, std::int64_t offset) {
  ++p.seek_epoch;
  p.resolving = false;
  p.fetching = false;
  p.stopped = false;
  p.retry_at = {};
  p.eof_reported = false;
  if (offset >= 0) {
    p.position = p.fetch_offset = offset;
  } else {
    p.position = p.fetch_offset = -1;
    p.start = offset;
  }
}

}  // namespace

ConsumerImpl::ConsumerImpl(ConsumerConfig config, ConsumerCallbacks callbacks)
    : config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      state_(config_.queued_max_bytes) {
  auto loop = net::EventLoop::create();
  if (!loop)
    throw std::runtime_error("cannot create the consumer's event loop: " + loop.error().message);
  loop_ = std::move(loop.value());
  fetcher_ = std::make_unique<Fetcher>(*loop_, config_, state_);
  if (!config_.group_id.empty())
    group_ = std::make_unique<GroupSession>(*loop_, *this, config_, callbacks_);
  next_auto_commit_ = std::chrono::steady_clock::now() + config_.auto_commit_interval;
  io_thread_ = std::thread([this] { loop_->run(); });
}

ConsumerImpl::~ConsumerImpl() {
  (void)close(config_.session_timeout);
  if (io_thread_.joinable()) {  // close() refused (called from a callback): stop anyway
    loop_->post([this] { shut_down_io(); });
    io_thread_.join();
  }
}

void ConsumerImpl::shut_down_io() {
  fetcher_->shut_down();
  if (group_) group_->shut_down();
  loop_->stop();
}

template <class T, class F>
Result<T> ConsumerImpl::on_loop(std::chrono::milliseconds timeout, F start) {
  if (closed_.load()) return closed_error();
  struct Wait {
    std::mutex m;
    std::condition_variable cv;
    std::optional<Result<T>> result;
  };
  auto w = std::make_shared<Wait>();
  auto complete = [w](Result<T> r) {
    std::lock_guard g(w->m);
    if (!w->result) w->result.emplace(std::move(r));
    w->cv.notify_all();
  };
  auto deadline = net::Clock::now() + timeout;
  loop_->post([this, start, complete, deadline]() mutable {
    start(fetcher_->offsets(), deadline, complete);
  });
  std::unique_lock l(w->m);
  // The operation answers by its deadline; a little slack for the loop to get there.
  if (!w->cv.wait_until(l, deadline + std::chrono::milliseconds(50),
                        [&] { return w->result.has_value(); }))
    return Error{errc::timed_out, "no answer within " + std::to_string(timeout.count()) + " ms"};
  return std::move(*w->result);
}

Result<void> ConsumerImpl::subscribe(const std::vector<std::string>& topics) {
  std::lock_guard api(api_mutex_);
  if (closed_) return closed_error();
  if (!group_) return Error{errc::invalid_argument, "subscribe() needs group.id"};
  if (!group_->subscribed()) {
    std::lock_guard g(state_.mutex);
    // As Java: a consumer either manages its partitions (assign) or lets the group do it.
    if (!state_.partitions.empty())
      return Error{errc::invalid_argument,
                   "subscribe() after assign(): call unassign() first (a consumer either "
                   "assigns its partitions or lets the group assign them)"};
  }
  return group_->subscribe(topics);
}

Result<void> ConsumerImpl::unsubscribe() {
  std::lock_guard api(api_mutex_);
  if (closed_) return closed_error();
  if (!group_ || !group_->subscribed()) return {};
  auto r = group_->unsubscribe();
  if (!r) return r;
  // As Java's unsubscribe(): the orderly revoke (commit, on_revoked) happens before it
  // returns, bounded by request.timeout.ms.
  auto deadline = std::chrono::steady_clock::now() + config_.request_timeout;
  std::vector<ConsumerEvent> events;
  for (;;) {
    take_events(events);
    std::unique_lock l(state_.mutex);
    if (state_.partitions.empty() || std::chrono::steady_clock::now() >= deadline) break;
    state_.changed.wait_until(
        l, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
  }
  // Events not about the revoke stay for the next poll().
  std::lock_guard g(state_.mutex);
  for (auto& e : events)
    if (e.type != ConsumerEvent::Type::partitions_revoked &&
        e.type != ConsumerEvent::Type::partitions_lost)
      state_.events.insert(state_.events.begin(), std::move(e));
  return {};
}

std::vector<std::string> ConsumerImpl::subscription() {
  std::lock_guard api(api_mutex_);
  return group_ ? group_->subscription() : std::vector<std::string>{};
}

std::string ConsumerImpl::member_id() {
  std::lock_guard api(api_mutex_);
  return group_ ? group_->member_id() : std::string();
}

Result<void> ConsumerImpl::assign(const std::vector<TopicPartitionOffset>& partitions) {
  std::lock_guard api(api_mutex_);
  if (closed_) return closed_error();
  if (group_ && group_->subscribed())
    return Error{errc::invalid_argument,
                 "assign() while subscribed: call unsubscribe() first (the group assigns this "
                 "consumer's partitions)"};
  for (const auto& p : partitions) {
    if (p.topic.empty() || p.partition < 0)
      return Error{errc::invalid_argument,
                   "assign: invalid partition " + where({p.topic, p.partition})};
    if (!valid_start(p.offset))
      return Error{errc::invalid_argument, "assign: invalid start offset " +
                                               std::to_string(p.offset) + " for " +
                                               where({p.topic, p.partition})};
  }
  {
    std::lock_guard g(state_.mutex);
    for (auto& [tp, p] : state_.partitions) state_.drop_fetched(p);
    state_.partitions.clear();
  }
  add_partitions(partitions);
  return {};
}

Result<void> ConsumerImpl::unassign() {
  std::lock_guard api(api_mutex_);
  if (closed_) return closed_error();
  std::lock_guard g(state_.mutex);
  for (auto& [tp, p] : state_.partitions) state_.drop_fetched(p);
  state_.partitions.clear();
  return {};
}

void ConsumerImpl::add_partitions(const std::vector<TopicPartitionOffset>& partitions) {
  {
    std::lock_guard g(state_.mutex);
    for (const auto& o : partitions) {
      PartitionState& p = state_.partitions[TopicPartition{o.topic, o.partition}];
      state_.drop_fetched(p);
      start_at(p, o.offset);
      if (o.leader_epoch) p.leader_epoch = *o.leader_epoch;
    }
  }
  if (fetcher_) fetcher_->wake();
}

void ConsumerImpl::remove_partitions(const std::vector<TopicPartition>& partitions) {
  std::lock_guard g(state_.mutex);
  for (const auto& tp : partitions) {
    auto it = state_.partitions.find(tp);
    if (it == state_.partitions.end()) continue;
    state_.drop_fetched(it->second);
    state_.partitions.erase(it);
  }
}

void ConsumerImpl::commit_async_on_loop(
    std::vector<TopicPartitionOffset> offsets, std::chrono::milliseconds timeout,
    std::function<void(Result<void>, std::vector<TopicPartitionOffset>)> done) {
  fetcher_->offsets().commit(std::move(offsets), identity(), net::Clock::now() + timeout,
                             std::move(done));
}

void ConsumerImpl::post_event(ConsumerEvent event) {
  std::lock_guard g(state_.mutex);
  state_.events.push_back(std::move(event));
  state_.changed.notify_all();
}

void ConsumerImpl::set_identity(CommitIdentity identity) {
  std::lock_guard g(identity_mutex_);
  identity_ = std::move(identity);
}

CommitIdentity ConsumerImpl::identity() {
  std::lock_guard g(identity_mutex_);
  return identity_;
}

std::vector<TopicPartition> ConsumerImpl::assignment() {
  std::lock_guard g(state_.mutex);
  std::vector<TopicPartition> out;
  for (const auto& [tp, p] : state_.partitions) out.push_back(tp);
  return out;
}

std::vector<TopicPartitionOffset> ConsumerImpl::consumed_positions(
    const std::vector<TopicPartition>* only) {
  std::lock_guard g(state_.mutex);
  std::vector<TopicPartitionOffset> out;
  for (const auto& [tp, p] : state_.partitions) {
    if (p.position < 0) continue;
    if (only && std::find(only->begin(), only->end(), tp) == only->end()) continue;
    out.push_back(TopicPartitionOffset{tp.topic, tp.partition, p.position});
  }
  return out;
}

std::size_t ConsumerImpl::take_records(std::size_t max, std::vector<ConsumerRecord>& out) {
  // Caller holds state_.mutex. Partitions take turns, starting one further on each poll,
  // so one busy partition cannot starve the others within max.poll.records.
  std::vector<Error> errors;
  std::size_t taken = 0;
  bool released = false;
  std::size_t n = state_.partitions.size();
  if (n == 0) return 0;
  auto start = state_.partitions.begin();
  std::advance(start, static_cast<std::ptrdiff_t>(rotation_++ % n));
  auto it = start;
  for (std::size_t i = 0; i < n && taken < max; ++i) {
    PartitionState& p = it->second;
    if (!p.paused) {
      while (taken < max) {
        if (!p.decoding) {
          if (p.chunks.empty()) break;
          p.decoding = std::make_unique<ChunkDecoder>(p.chunks.front(), config_.check_crcs);
        }
        taken += p.decoding->decode(max - taken, out, errors);
        p.position = std::max(p.position, p.decoding->next_offset());
        if (p.decoding->corrupt()) {
          // Fetch the corrupt batch again (chunk_decoder.hpp): everything prefetched after
          // it goes, and a Fetch in flight is ignored (seek_epoch), as after a seek.
          state_.drop_fetched(p);
          start_at(p, p.position);
          p.retry_at = std::chrono::steady_clock::now() + config_.fetch_error_backoff;
          released = true;
          break;
        }
        if (p.decoding->done()) {
          state_.budget.release(p.chunks.front()->budget_bytes);
          p.chunks.pop_front();
          p.decoding.reset();
          released = true;
        } else if (taken < max) {
          break;  // cannot happen: a decoder not done always has records
        }
      }
    }
    if (++it == state_.partitions.end()) it = state_.partitions.begin();
  }
  for (Error& e : errors) state_.post_error(std::move(e));
  if (released) fetcher_->wake();
  return taken;
}

void ConsumerImpl::serve_commits() {
  std::vector<CommitDone> commits;
  {
    std::lock_guard g(state_.mutex);
    commits = std::move(state_.commits);
    state_.commits.clear();
  }
  for (CommitDone& c : commits) {
    if (c.callback)
      c.callback(c.result, c.offsets);
    else if (callbacks_.on_commit)
      callbacks_.on_commit(c.result, c.offsets);
  }
}

bool ConsumerImpl::take_events(std::vector<ConsumerEvent>& out) {
  std::vector<ConsumerEvent> events;
  {
    std::lock_guard g(state_.mutex);
    events.swap(state_.events);
  }
  for (ConsumerEvent& e : events) {
    serve_event(e);
    out.push_back(std::move(e));
  }
  return !events.empty();
}

void ConsumerImpl::serve_event(const ConsumerEvent& e) {
  using Type = ConsumerEvent::Type;
  switch (e.type) {
    case Type::error:
    case Type::fatal:
      if (e.error && callbacks_.on_error) callbacks_.on_error(*e.error);
      break;
    case Type::partitions_revoked: {
      // Java's order (ConsumerCoordinator.onJoinPrepare): commit what was consumed, then the
      // application's on_revoked, then stop fetching; only then may the member rejoin, so
      // the next owner starts where this one stopped.
      if (config_.enable_auto_commit) {
        auto offsets = consumed_positions(&e.partitions);
        if (!offsets.empty()) {
          auto timeout = std::max(config_.request_timeout, std::chrono::milliseconds(1000));
          // Inside close(timeout) the revoke's commit must not outlast close's own bound
          // (the coordinator may be gone for good).
          if (in_close_)
            timeout =
                std::min(timeout, std::max(std::chrono::ceil<std::chrono::milliseconds>(
                                               close_deadline_ - std::chrono::steady_clock::now()),
                                           std::chrono::milliseconds(0)));
          Result<void> r = on_loop<void>(
              timeout, [offsets, who = identity()](OffsetClient& oc, OffsetClient::Deadline d,
                                                   auto complete) {
                oc.commit(
                    offsets, who, d,
                    [complete](Result<void> r, std::vector<TopicPartitionOffset>) { complete(r); });
              });
          std::lock_guard g(state_.mutex);
          state_.commits.push_back(CommitDone{std::move(r), offsets, {}});
        }
      }
      if (callbacks_.on_revoked) callbacks_.on_revoked(e.partitions);
      remove_partitions(e.partitions);
      if (group_) group_->revoke_done(e.partitions);
      break;
    }
    case Type::partitions_lost:
      if (callbacks_.on_lost) callbacks_.on_lost(e.partitions);
      break;
    case Type::partitions_assigned:
      if (callbacks_.on_assigned) callbacks_.on_assigned(e.partitions);
      break;
    default:
      break;
  }
}

void ConsumerImpl::maybe_auto_commit() {
  if (!config_.enable_auto_commit || config_.group_id.empty()) return;
  auto now = std::chrono::steady_clock::now();
  if (now < next_auto_commit_) return;
  next_auto_commit_ = now + config_.auto_commit_interval;
  if (identity().refuse) return;  // rebalancing: the revoke commits, or the next tick does
  auto offsets = consumed_positions();
  if (!offsets.empty()) commit_async(&offsets, {});
}

PollResult ConsumerImpl::poll(std::chrono::milliseconds timeout) {
  std::lock_guard api(api_mutex_);
  PollResult result;
  if (closed_) {
    result.events.push_back(ConsumerEvent{ConsumerEvent::Type::error, closed_error(), {}});
    return result;
  }
  if (group_) group_->on_poll();
  maybe_auto_commit();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Events first: a revoke must take its partitions away (after committing them) before
    // any more of their records are handed out.
    take_events(result.events);
    std::unique_lock l(state_.mutex);
    take_records(static_cast<std::size_t>(config_.max_poll_records), result.records);
    if (!state_.events.empty()) continue;
    if (result.records.empty() && result.events.empty() && state_.commits.empty()) {
      if (std::chrono::steady_clock::now() >= deadline) break;
      state_.changed.wait_until(l, deadline);
      continue;
    }
    break;
  }
  serve_commits();
  return result;
}

Result<void> ConsumerImpl::commit(const std::vector<TopicPartitionOffset>* given) {
  std::lock_guard api(api_mutex_);
  if (closed_) return closed_error();
  if (config_.group_id.empty()) return Error{errc::invalid_argument, "commit needs group.id"};
  std::vector<TopicPartitionOffset> offsets = given ? *given : consumed_positions();
  if (auto refused = refuse_unowned(offsets)) return *refused;
  CommitIdentity who = identity();
  auto timeout = std::max(config_.request_timeout, std::chrono::milliseconds(1000));
  return on_loop<void>(
      timeout, [offsets, who](OffsetClient& oc, OffsetClient::Deadline deadline, auto complete) {
        oc.commit(offsets, who, deadline,
                  [complete](Result<void> r, std::vector<TopicPartitionOffset>) { complete(r); });
      });
}

void ConsumerImpl::commit_async(const std::vector<TopicPartitionOffset>* given,
                                CommitCallback done) {
  std::lock_guard api(api_mutex_);
  std::vector<TopicPartitionOffset> offsets = given ? *given : consumed_positions();
  auto finish = [this, done](Result<void> r, std::vector<TopicPartitionOffset> o) {
    std::lock_guard g(state_.mutex);
    state_.commits.push_back(CommitDone{std::move(r), std::move(o), done});
    state_.changed.notify_all();
  };
  if (closed_) return finish(closed_error(), offsets);
  if (config_.group_id.empty())
    return finish(Error{errc::invalid_argument, "commit needs group.id"}, offsets);
  if (auto refused = refuse_unowned(offsets)) return finish(*refused, offsets);
  auto timeout = std::max(config_.request_timeout, std::chrono::milliseconds(1000));
  loop_->post([this, offsets, timeout, finish] { commit_async_on_loop(offsets, timeout, finish); });
}

std::optional<Error> ConsumerImpl::refuse_unowned(
    const std::vector<TopicPartitionOffset>& offsets) {
  if (!group_ || !group_->subscribed()) return std::nullopt;
  std::lock_guard g(state_.mutex);
  for (const auto& o : offsets) {
    if (state_.partitions.count(TopicPartition{o.topic, o.partition}) == 0)
      return Error{errc::invalid_argument,
                   "commit: " + where({o.topic, o.partition}) +
                       " is not assigned to this member; committing it could overwrite its "
                       "owner's progress"};
  }
  return std::nullopt;
}

Result<std::vector<TopicPartitionOffset>> ConsumerImpl::committed(
    const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout) {
  std::lock_guard api(api_mutex_);
  if (config_.group_id.empty()) return Error{errc::invalid_argument, "committed() needs group.id"};
  return on_loop<std::vector<TopicPartitionOffset>>(
      timeout, [partitions](OffsetClient& oc, OffsetClient::Deadline deadline, auto complete) {
        oc.committed(partitions, deadline, complete);
      });
}

Result<std::int64_t> ConsumerImpl::position(const TopicPartition& tp) {
  std::lock_guard api(api_mutex_);
  if (closed_) return closed_error();
  std::unique_lock l(state_.mutex);
  auto deadline = std::chrono::steady_clock::now() + config_.request_timeout;
  for (;;) {
    auto it = state_.partitions.find(tp);
    if (it == state_.partitions.end()) return not_assigned(tp);
    if (it->second.position >= 0) return it->second.position;
    if (it->second.stopped)
      return Error{errc::invalid_argument, "no valid position for " + where(tp) +
                                               " (auto.offset.reset=none): seek() first"};
    // As Java's position(): wait for the start offset to be resolved.
    if (state_.changed.wait_until(l, deadline) == std::cv_status::timeout)
      return Error{errc::timed_out, "the start offset of " + where(tp) + " is not known yet"};
  }
}

Result<void> ConsumerImpl::seek_many(const std::vector<TopicPartition>& partitions,
                                     std::int64_t offset) {
  std::lock_guard api(api_mutex_);
  if (closed_) return closed_error();
  if (!valid_start(offset))
    return Error{errc::invalid_argument, "seek: invalid offset " + std::to_string(offset)};
  {
    std::lock_guard g(state_.mutex);
    for (const auto& tp : partitions)
      if (state_.partitions.count(tp) == 0) return not_assigned(tp);
    for (const auto& tp : partitions) {
      PartitionState& p = state_.partitions[tp];
      state_.drop_fetched(p);
      start_at(p, offset);
    }
  }
  fetcher_->wake();
  return {};
}

Result<void> ConsumerImpl::seek(const TopicPartition& tp, std::int64_t offset) {
  return seek_many({tp}, offset);
}

Result<std::vector<TopicPartitionOffset>> ConsumerImpl::offsets_for_times(
    const std::vector<TopicPartitionOffset>& timestamps, std::chrono::milliseconds timeout) {
  std::lock_guard api(api_mutex_);
  for (const auto& t : timestamps)
    if (t.offset < 0)
      return Error{errc::invalid_argument,
                   "offsets_for_times: negative timestamp for " + where({t.topic, t.partition})};
  return on_loop<std::vector<TopicPartitionOffset>>(
      timeout, [timestamps](OffsetClient& oc, OffsetClient::Deadline deadline, auto complete) {
        oc.list_offsets(timestamps, deadline, complete);
      });
}

Result<std::pair<std::int64_t, std::int64_t>> ConsumerImpl::watermark_offsets(
    const TopicPartition& tp, std::chrono::milliseconds timeout) {
  std::lock_guard api(api_mutex_);
  using Pair = std::pair<std::int64_t, std::int64_t>;
  return on_loop<Pair>(
      timeout, [tp](OffsetClient& oc, OffsetClient::Deadline deadline, auto complete) {
        auto one = [](const Result<std::vector<TopicPartitionOffset>>& r) -> Result<std::int64_t> {
          if (!r.ok()) return r.error();
          if (r->empty()) return Error{errc::malformed, "no answer for the partition"};
          if (r->front().error) return *r->front().error;
          return r->front().offset;
        };
        oc.list_offsets(
            {TopicPartitionOffset{tp.topic, tp.partition, offsets::beginning}}, deadline,
            [&oc, tp, deadline, complete, one](Result<std::vector<TopicPartitionOffset>> low) {
              auto lo = one(low);
              if (!lo.ok()) return complete(lo.error());
              std::int64_t low_offset = *lo;
              oc.list_offsets(
                  {TopicPartitionOffset{tp.topic, tp.partition, offsets::end}}, deadline,
                  [complete, one, low_offset](Result<std::vector<TopicPartitionOffset>> high) {
                    auto hi = one(high);
                    if (!hi.ok()) return complete(hi.error());
                    complete(Pair{low_offset, *hi});
                  });
            });
      });
}

std::optional<std::int64_t> ConsumerImpl::lag(const TopicPartition& tp) {
  std::lock_guard g(state_.mutex);
  auto it = state_.partitions.find(tp);
  if (it == state_.partitions.end()) return std::nullopt;
  const PartitionState& p = it->second;
  // Under read_committed the end a consumer can reach is the last stable offset.
  std::optional<std::int64_t> end = p.high_watermark;
  if (config_.read_committed && p.last_stable_offset) end = p.last_stable_offset;
  if (!end || p.position < 0) return std::nullopt;
  return *end <= p.position ? 0 : *end - p.position;  // both >= 0 here: no overflow
}

Result<void> ConsumerImpl::pause(const std::vector<TopicPartition>& partitions, bool paused) {
  std::lock_guard api(api_mutex_);
  if (closed_) return closed_error();
  {
    std::lock_guard g(state_.mutex);
    for (const auto& tp : partitions)
      if (state_.partitions.count(tp) == 0) return not_assigned(tp);
    for (const auto& tp : partitions) state_.partitions[tp].paused = paused;
  }
  if (!paused) fetcher_->wake();
  return {};
}

std::vector<TopicPartition> ConsumerImpl::paused() {
  std::lock_guard g(state_.mutex);
  std::vector<TopicPartition> out;
  for (const auto& [tp, p] : state_.partitions)
    if (p.paused) out.push_back(tp);
  return out;
}

Result<void> ConsumerImpl::close(std::chrono::milliseconds timeout) {
  std::lock_guard api(api_mutex_);
  if (in_close_)
    return Error{errc::invalid_argument, "close() called from a callback inside close()"};
  if (closed_ || !io_thread_.joinable()) return closed_error();
  in_close_ = true;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  close_deadline_ = deadline;
  auto left = [&] {
    return std::max(
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()),
        std::chrono::milliseconds(0));
  };
  Result<void> result;
  bool in_group = group_ && group_->subscribed();
  if (in_group) {
    // Leave in order: the revoke commits (enable.auto.commit) and runs on_revoked here, on
    // the caller's thread; then LeaveGroup. Bounded by the deadline even with the
    // coordinator gone.
    group_->begin_close();
    std::vector<ConsumerEvent> events;
    while (!group_->closed() && left().count() > 0) {
      take_events(events);
      std::unique_lock l(state_.mutex);
      if (!state_.events.empty()) continue;
      state_.changed.wait_for(l, std::min(left(), std::chrono::milliseconds(20)));
    }
    if (!group_->closed())
      result = Error{errc::timed_out,
                     "close: could not leave group " + config_.group_id +
                         " in time (coordinator unreachable?); its partitions move to other "
                         "members after session.timeout.ms"};
  }
  if (!in_group && config_.enable_auto_commit && !config_.group_id.empty()) {
    auto offsets = consumed_positions();
    if (!offsets.empty()) {
      CommitIdentity who = identity();
      result = on_loop<void>(left(), [offsets, who](OffsetClient& oc, OffsetClient::Deadline d,
                                                    auto complete) {
        oc.commit(offsets, who, d,
                  [complete](Result<void> r, std::vector<TopicPartitionOffset>) { complete(r); });
      });
    }
  }
  closed_ = true;
  loop_->post([this] { shut_down_io(); });
  io_thread_.join();
  group_.reset();  // before the fetcher: membership may still call GroupHost members
  fetcher_.reset();
  serve_commits();  // commit callbacks still due
  in_close_ = false;
  return result;
}

}  // namespace kafkit::client
