#pragma once
// EventLoop: the single-threaded epoll reactor every network object runs on.
//
// Thread-safety: `post`, `stop` and `in_loop_thread` may be called from any thread. Every
// other member must be called on the loop thread (from inside a callback), or while no
// thread is inside `run()`. All callbacks run on the loop thread, one at a time, and may
// re-entrantly add or remove fds and timers.
//
// Blocking: `run()` blocks until `stop()`; an idle loop sleeps in epoll_wait until the next
// timer is due or an fd/eventfd becomes ready (no busy waiting, DESIGN.md "Threads").
#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "net/unique_fd.hpp"

namespace kafkit::net {

/// Which readiness an fd is watched for. Errors and hang-ups are always reported.
enum class Interest : std::uint8_t { none = 0, read = 1, write = 2, read_write = 3 };

/// What epoll reported for an fd (level-triggered).
struct IoEvents {
  bool readable = false;
  bool writable = false;
  bool error = false;   // EPOLLERR: read SO_ERROR to learn which
  bool hangup = false;  // EPOLLHUP or EPOLLRDHUP: the peer closed
};

using IoCallback = std::function<void(IoEvents)>;
using Task = std::function<void()>;
using TimerId = std::uint64_t;
using Clock = std::chrono::steady_clock;  // monotonic: wall-clock jumps must not fire timers

class EventLoop {
 public:
  /// Creates the epoll instance and the wake-up eventfd.
  static Result<std::unique_ptr<EventLoop>> create();

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  /// Tasks still queued and timers still pending are destroyed without running.
  /// Registered fds are not closed: their owners close them.
  ~EventLoop();

  /// Runs until `stop()`. The calling thread becomes the loop thread for the duration.
  /// A `stop()` issued before `run()` makes it return at once; either way the stop request
  /// is consumed, so `run()` may be called again.
  void run();

  /// Asks `run()` to return after the callbacks of the current iteration. Any thread.
  void stop();

  /// Queues `task` to run on the loop thread and wakes the loop. Any thread. Tasks run in
  /// the order they were posted; a task posted from a task runs on the next iteration.
  void post(Task task);

  /// True when called from the thread currently inside `run()`.
  bool in_loop_thread() const noexcept;

  /// Starts watching `fd` (not owned). Fails if `fd` is already registered.
  Result<void> add_fd(int fd, Interest interest, IoCallback callback);
  /// Changes what a registered fd is watched for.
  Result<void> modify_fd(int fd, Interest interest);
  /// Stops watching `fd`; its callback is never called again, even for events already
  /// returned by the current epoll_wait batch. Unknown fds are ignored. Call before close().
  void remove_fd(int fd);

  /// Runs `callback` once, `delay` from now. Timers due at the same instant fire in the
  /// order they were added.
  TimerId add_timer(std::chrono::milliseconds delay, Task callback);
  /// Returns false if the timer already fired or was cancelled.
  bool cancel_timer(TimerId id);

  std::size_t fd_count() const noexcept { return fds_by_token_.size(); }
  std::size_t timer_count() const noexcept { return timers_.size(); }

 private:
  struct FdEntry {
    int fd;
    IoCallback callback;
  };
  struct HeapItem {
    Clock::time_point deadline;
    TimerId id;
    // The std heap algorithms build a max-heap: ordering by "greater" puts the earliest
    // deadline on top, and the lower id first among equal deadlines (insertion order).
    bool operator>(const HeapItem& o) const {
      return deadline != o.deadline ? deadline > o.deadline : id > o.id;
    }
  };

  EventLoop(UniqueFd epoll_fd, UniqueFd wake_fd);
  int next_timeout_ms();
  void dispatch_io(const epoll_event* events, int count);
  void run_due_timers();
  void run_posted_tasks();
  void drop_cancelled_heap_tops();
  void compact_heap_if_stale();

  UniqueFd epoll_fd_;
  UniqueFd wake_fd_;  // eventfd: post()/stop() write it so epoll_wait returns
  std::atomic<bool> stop_requested_{false};
  std::atomic<std::thread::id> loop_thread_{};

  std::mutex posted_mutex_;
  std::vector<Task> posted_;  /// @thread any (guarded by posted_mutex_)

  // Registrations are keyed by a token that is never reused, and epoll carries the token,
  // not the fd: an event for an fd removed (and perhaps reopened under the same number) by
  // an earlier callback in the same batch finds no entry and is dropped.
  std::uint64_t next_token_ = 1;                                              /// @thread loop
  std::unordered_map<std::uint64_t, std::shared_ptr<FdEntry>> fds_by_token_;  /// @thread loop
  std::unordered_map<int, std::uint64_t> token_by_fd_;                        /// @thread loop

  // Cancellation erases from `timers_` only; the heap entry is skipped when it surfaces,
  // and the heap is compacted when stale entries outnumber live ones (request timeouts are
  // mostly cancelled long before they are due).
  TimerId next_timer_id_ = 1;                 /// @thread loop
  std::unordered_map<TimerId, Task> timers_;  /// @thread loop
  std::vector<HeapItem> heap_;                /// @thread loop (std::push_heap order)
};

}  // namespace kafkit::net
