#include "net/event_loop.hpp"

#include <sys/eventfd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <system_error>

namespace kafkit::net {
namespace {

Error os_error(const char* what, int err) {
  return Error{kafkit::errc::io, std::string(what) + " failed: " + std::strerror(err)};
}

std::uint32_t epoll_mask(Interest interest) {
  auto bits = static_cast<std::uint8_t>(interest);
  // EPOLLRDHUP lets a reader see the peer's FIN even while it only waits to write.
  std::uint32_t mask = EPOLLRDHUP;
  if (bits & static_cast<std::uint8_t>(Interest::read)) mask |= EPOLLIN;
  if (bits & static_cast<std::uint8_t>(Interest::write)) mask |= EPOLLOUT;
  return mask;
}

constexpr std::uint64_t kWakeToken = 0;  // registration tokens start at 1
constexpr int kMaxEventsPerWait = 64;

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
  UniqueFd epoll_fd(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_fd) return os_error("epoll_create1", errno);
  UniqueFd wake_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!wake_fd) return os_error("eventfd", errno);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeToken;
  if (::epoll_ctl(epoll_fd.get(), EPOLL_CTL_ADD, wake_fd.get(), &ev) != 0) {
    return os_error("epoll_ctl(ADD eventfd)", errno);
  }
  return std::unique_ptr<EventLoop>(new EventLoop(std::move(epoll_fd), std::move(wake_fd)));
}

EventLoop::EventLoop(UniqueFd epoll_fd, UniqueFd wake_fd)
    : epoll_fd_(std::move(epoll_fd)), wake_fd_(std::move(wake_fd)) {}

EventLoop::~EventLoop() = default;

bool EventLoop::in_loop_thread() const noexcept {
  return loop_thread_.load(std::memory_order_acquire) == std::this_thread::get_id();
}

void EventLoop::run() {
  loop_thread_.store(std::this_thread::get_id(), std::memory_order_release);
  epoll_event events[kMaxEventsPerWait];
  while (!stop_requested_.load(std::memory_order_acquire)) {
    int n = ::epoll_wait(epoll_fd_.get(), events, kMaxEventsPerWait, next_timeout_ms());
    if (n < 0) {
      // EINTR (a signal) is routine; anything else (EBADF, EINVAL) means the epoll fd
      // itself is broken, a programming error the loop cannot recover from.
      if (errno == EINTR) continue;
      int err = errno;
      loop_thread_.store(std::thread::id{}, std::memory_order_release);
      throw std::system_error(err, std::generic_category(), "epoll_wait");
    }
    dispatch_io(events, n);
    run_due_timers();
    run_posted_tasks();
  }
  stop_requested_.store(false, std::memory_order_release);
  loop_thread_.store(std::thread::id{}, std::memory_order_release);
}

void EventLoop::stop() {
  stop_requested_.store(true, std::memory_order_release);
  std::uint64_t one = 1;
  // A full counter (EAGAIN) already guarantees a wake-up, so the result can be ignored.
  [[maybe_unused]] auto written = ::write(wake_fd_.get(), &one, sizeof one);
}

void EventLoop::post(Task task) {
  bool was_empty;
  {
    std::lock_guard lock(posted_mutex_);
    was_empty = posted_.empty();
    posted_.push_back(std::move(task));
  }
  // One wake-up per batch is enough: the loop drains the whole queue each iteration.
  if (was_empty) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_fd_.get(), &one, sizeof one);
  }
}

Result<void> EventLoop::add_fd(int fd, Interest interest, IoCallback callback) {
  if (token_by_fd_.count(fd) != 0) {
    return Error{kafkit::errc::invalid_argument,
                 "fd " + std::to_string(fd) + " is already registered with the event loop"};
  }
  std::uint64_t token = next_token_++;
  epoll_event ev{};
  ev.events = epoll_mask(interest);
  ev.data.u64 = token;
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
    return os_error("epoll_ctl(ADD)", errno);
  }
  fds_by_token_.emplace(token, std::make_shared<FdEntry>(FdEntry{fd, std::move(callback)}));
  token_by_fd_.emplace(fd, token);
  return {};
}

Result<void> EventLoop::modify_fd(int fd, Interest interest) {
  auto it = token_by_fd_.find(fd);
  if (it == token_by_fd_.end()) {
    return Error{kafkit::errc::invalid_argument,
                 "fd " + std::to_string(fd) + " is not registered with the event loop"};
  }
  epoll_event ev{};
  ev.events = epoll_mask(interest);
  ev.data.u64 = it->second;
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_MOD, fd, &ev) != 0) {
    return os_error("epoll_ctl(MOD)", errno);
  }
  return {};
}

void EventLoop::remove_fd(int fd) {
  auto it = token_by_fd_.find(fd);
  if (it == token_by_fd_.end()) return;
  // Failure means the fd was already closed, which removed it from epoll anyway.
  ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr);
  fds_by_token_.erase(it->second);
  token_by_fd_.erase(it);
}

TimerId EventLoop::add_timer(std::chrono::milliseconds delay, Task callback) {
  TimerId id = next_timer_id_++;
  timers_.emplace(id, std::move(callback));
  heap_.push_back(HeapItem{Clock::now() + std::max(delay, std::chrono::milliseconds(0)), id});
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
  return id;
}

bool EventLoop::cancel_timer(TimerId id) {
  bool erased = timers_.erase(id) != 0;
  if (erased) compact_heap_if_stale();
  return erased;
}

void EventLoop::compact_heap_if_stale() {
  if (heap_.size() <= 2 * timers_.size() + 64) return;
  std::erase_if(heap_, [this](const HeapItem& item) { return timers_.count(item.id) == 0; });
  std::make_heap(heap_.begin(), heap_.end(), std::greater<>{});
}

void EventLoop::drop_cancelled_heap_tops() {
  while (!heap_.empty() && timers_.count(heap_.front().id) == 0) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    heap_.pop_back();
  }
}

int EventLoop::next_timeout_ms() {
  // Posted tasks need no check here: post() leaves the eventfd readable for them.
  drop_cancelled_heap_tops();
  if (heap_.empty()) return -1;
  auto remaining = heap_.front().deadline - Clock::now();
  if (remaining <= Clock::duration::zero()) return 0;
  // Round up: rounding down would wake early and spin with timeout 0 until the deadline.
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(remaining).count();
  return static_cast<int>(std::min<decltype(ms)>(ms, INT_MAX));
}

void EventLoop::dispatch_io(const epoll_event* events, int count) {
  for (int i = 0; i < count; ++i) {
    std::uint64_t token = events[i].data.u64;
    if (token == kWakeToken) {
      std::uint64_t counter;
      [[maybe_unused]] auto got = ::read(wake_fd_.get(), &counter, sizeof counter);
      continue;
    }
    auto it = fds_by_token_.find(token);
    if (it == fds_by_token_.end()) continue;  // removed by an earlier callback in this batch
    // Hold a reference: the callback may remove its own registration while it runs.
    std::shared_ptr<FdEntry> entry = it->second;
    std::uint32_t e = events[i].events;
    entry->callback(IoEvents{.readable = (e & EPOLLIN) != 0,
                             .writable = (e & EPOLLOUT) != 0,
                             .error = (e & EPOLLERR) != 0,
                             .hangup = (e & (EPOLLHUP | EPOLLRDHUP)) != 0});
  }
}

void EventLoop::run_due_timers() {
  // Collect first, then run: a timer added by a callback (even with zero delay) waits for
  // the next iteration, so a self-rearming timer cannot starve I/O.
  auto now = Clock::now();
  std::vector<TimerId> due;
  while (!heap_.empty() && heap_.front().deadline <= now) {
    due.push_back(heap_.front().id);
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    heap_.pop_back();
  }
  for (TimerId id : due) {
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;  // cancelled, possibly by an earlier timer just now
    Task task = std::move(it->second);
    timers_.erase(it);
    task();
  }
}

void EventLoop::run_posted_tasks() {
  std::vector<Task> batch;
  {
    std::lock_guard lock(posted_mutex_);
    batch.swap(posted_);
  }
  for (auto& task : batch) task();
}

}  // namespace kafkit::net
