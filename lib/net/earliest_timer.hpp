#pragma once
// EarliestTimer: one pending wake-up on an event loop, at the earliest time anybody asked
// for. A component that has several reasons to look again later (a backoff ending, a
// linger expiring, a heartbeat due) schedules each; a later time than the pending one is
// already covered, an earlier one re-arms the timer. Loop thread only.
#include <algorithm>
#include <chrono>
#include <functional>
#include <utility>

#include "net/event_loop.hpp"

namespace kafkit::net {

class EarliestTimer {
 public:
  EarliestTimer(EventLoop& loop, std::function<void()> fire)
      : loop_(loop), fire_(std::move(fire)) {}
  EarliestTimer(const EarliestTimer&) = delete;
  EarliestTimer& operator=(const EarliestTimer&) = delete;
  ~EarliestTimer() { cancel(); }

  void schedule(Clock::time_point when) {
    if (id_ != 0) {
      if (due_ <= when) return;
      loop_.cancel_timer(id_);
    }
    due_ = when;
    auto delay = std::chrono::ceil<std::chrono::milliseconds>(when - Clock::now());
    id_ = loop_.add_timer(std::max(delay, std::chrono::milliseconds(0)), [this] {
      id_ = 0;
      fire_();
    });
  }
  void schedule_in(std::chrono::milliseconds delay) { schedule(Clock::now() + delay); }
  void cancel() {
    if (id_ != 0) loop_.cancel_timer(id_);
    id_ = 0;
  }

 private:
  EventLoop& loop_;
  std::function<void()> fire_;
  TimerId id_ = 0;
  Clock::time_point due_{};
};

}  // namespace kafkit::net
