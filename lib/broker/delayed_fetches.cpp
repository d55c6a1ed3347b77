#include "broker/delayed_fetches.hpp"

namespace kafkit::broker {

DelayedFetches::~DelayedFetches() {
  for (auto& [id, w] : waiters_) loop_.cancel_timer(w.timer);
}

void DelayedFetches::add(std::vector<PartitionKey> watched, int64_t max_wait_ms,
                         TryComplete try_complete, std::function<bool()> waiting) {
  uint64_t id = next_id_++;
  Waiter w{std::move(watched), std::move(try_complete), std::move(waiting), 0};
  for (const auto& key : w.watched) by_partition_.emplace(key, id);
  w.timer =
      loop_.add_timer(std::chrono::milliseconds(max_wait_ms), [this, id] { finish(id, true); });
  waiters_.emplace(id, std::move(w));
}

void DelayedFetches::finish(uint64_t id, bool expired) {
  auto it = waiters_.find(id);
  if (it == waiters_.end()) return;
  // Run the callback on a copy: it may add new waiters (which can rehash nothing here, but
  // keeps the entry's lifetime obvious).
  TryComplete fn = it->second.try_complete;
  if (!fn(expired)) return;
  it = waiters_.find(id);
  if (it == waiters_.end()) return;
  if (!expired) loop_.cancel_timer(it->second.timer);
  erase(it);
}

void DelayedFetches::erase(std::map<uint64_t, Waiter>::iterator it) {
  for (const auto& key : it->second.watched) {
    auto [b, e] = by_partition_.equal_range(key);
    for (auto i = b; i != e; ++i)
      if (i->second == it->first) {
        by_partition_.erase(i);
        break;
      }
  }
  waiters_.erase(it);
}

void DelayedFetches::purge_abandoned() {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    auto next = std::next(it);
    if (!it->second.waiting()) {
      loop_.cancel_timer(it->second.timer);
      erase(it);
    }
    it = next;
  }
}

void DelayedFetches::on_append(const std::string& topic, int32_t partition) {
  auto [b, e] = by_partition_.equal_range({topic, partition});
  std::vector<uint64_t> ids;
  for (auto i = b; i != e; ++i) ids.push_back(i->second);
  for (uint64_t id : ids) finish(id, false);
}

void DelayedFetches::expire_all() {
  std::vector<uint64_t> ids;
  for (const auto& [id, w] : waiters_) ids.push_back(id);
  for (uint64_t id : ids) {
    auto it = waiters_.find(id);
    if (it == waiters_.end()) continue;
    loop_.cancel_timer(it->second.timer);
    finish(id, true);
  }
}

}  // namespace kafkit::broker
