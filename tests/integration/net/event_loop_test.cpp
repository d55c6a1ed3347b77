#include "net/event_loop.hpp"

#include <pthread.h>
#include <sys/eventfd.h>
#include <time.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "net_test_util.hpp"

using namespace std::chrono_literals;
using namespace kafkit::net;
using kafkit::net::test::make_loop;
using kafkit::net::test::run_bounded;

namespace {

std::chrono::nanoseconds thread_cpu_time(std::thread& t) {
  clockid_t clock;
  REQUIRE(pthread_getcpuclockid(t.native_handle(), &clock) == 0);
  timespec ts{};
  REQUIRE(clock_gettime(clock, &ts) == 0);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

UniqueFd readable_eventfd() {
  UniqueFd fd(::eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC));  // counter 1: readable at once
  REQUIRE(fd.valid());
  return fd;
}

}  // namespace

TEST_CASE("timers fire in deadline order, ties in insertion order, and cancel works") {
  auto loop = make_loop();
  std::vector<int> fired;
  loop->add_timer(30ms, [&] { fired.push_back(30); });
  loop->add_timer(10ms, [&] { fired.push_back(10); });
  loop->add_timer(20ms, [&] { fired.push_back(20); });
  loop->add_timer(10ms, [&] { fired.push_back(11); });
  TimerId cancelled = loop->add_timer(15ms, [&] { fired.push_back(15); });
  CHECK(loop->cancel_timer(cancelled));
  CHECK_FALSE(loop->cancel_timer(cancelled));
  loop->add_timer(40ms, [&] { loop->stop(); });
  REQUIRE(run_bounded(*loop, 2s));
  CHECK(fired == std::vector<int>{10, 11, 20, 30});
  CHECK(loop->timer_count() == 0);
}

TEST_CASE("a timer may cancel another timer due in the same batch, and add new ones") {
  auto loop = make_loop();
  std::vector<int> fired;
  TimerId second = 0;
  loop->add_timer(0ms, [&] {
    fired.push_back(1);
    CHECK(loop->cancel_timer(second));
    loop->add_timer(0ms, [&] {
      fired.push_back(3);
      loop->stop();
    });
  });
  second = loop->add_timer(0ms, [&] { fired.push_back(2); });
  REQUIRE(run_bounded(*loop, 2s));
  CHECK(fired == std::vector<int>{1, 3});
}

TEST_CASE("timers wait at least their delay (monotonic clock)") {
  auto loop = make_loop();
  auto start = Clock::now();
  Clock::time_point fired_at;
  loop->add_timer(25ms, [&] {
    fired_at = Clock::now();
    loop->stop();
  });
  REQUIRE(run_bounded(*loop, 2s));
  CHECK(fired_at - start >= 25ms);
}

TEST_CASE("many cancelled timers do not pile up in the heap") {
  auto loop = make_loop();
  for (int i = 0; i < 10000; ++i) {
    CHECK(loop->cancel_timer(loop->add_timer(1h, [] {})));
  }
  CHECK(loop->timer_count() == 0);
  loop->add_timer(0ms, [&] { loop->stop(); });
  REQUIRE(run_bounded(*loop, 2s));
}

TEST_CASE("an idle loop sleeps, and post from another thread wakes it promptly") {
  auto loop = make_loop();
  std::promise<void> started;
  loop->post([&] { started.set_value(); });
  std::thread loop_thread([&] { loop->run(); });
  REQUIRE(started.get_future().wait_for(2s) == std::future_status::ready);

  // Idle: no fds, no timers. A busy loop would burn ~300 ms of CPU here.
  auto cpu_before = thread_cpu_time(loop_thread);
  std::this_thread::sleep_for(300ms);
  auto cpu_used = thread_cpu_time(loop_thread) - cpu_before;
  CHECK(cpu_used < 20ms);

  std::promise<Clock::time_point> ran;
  bool on_loop_thread = false;
  auto posted_at = Clock::now();
  loop->post([&] {
    on_loop_thread = loop->in_loop_thread();
    ran.set_value(Clock::now());
  });
  auto future = ran.get_future();
  REQUIRE(future.wait_for(2s) == std::future_status::ready);
  CHECK(future.get() - posted_at < 100ms);
  CHECK(on_loop_thread);
  CHECK_FALSE(loop->in_loop_thread());

  loop->stop();
  loop_thread.join();
}

TEST_CASE("posts from several threads all run, each thread's in order") {
  auto loop = make_loop();
  constexpr int kThreads = 4, kPerThread = 2000;
  std::vector<int> last_seen(kThreads, -1);
  int total = 0;
  bool ordered = true;
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        loop->post([&, t, i] {
          if (last_seen[t] != i - 1) ordered = false;
          last_seen[t] = i;
          if (++total == kThreads * kPerThread) loop->stop();
        });
      }
    });
  }
  bool finished = run_bounded(*loop, 5s);
  for (auto& p : posters) p.join();
  CHECK(finished);
  CHECK(total == kThreads * kPerThread);
  CHECK(ordered);
}

TEST_CASE("stop before run makes run return at once, and the request is consumed") {
  auto loop = make_loop();
  loop->stop();
  loop->run();  // returns immediately
  bool ran = false;
  loop->post([&] {
    ran = true;
    loop->stop();
  });
  REQUIRE(run_bounded(*loop, 2s));
  CHECK(ran);
}

TEST_CASE("fd callbacks report readiness and modify_fd changes interest") {
  auto loop = make_loop();
  int sv[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
  UniqueFd a(sv[0]), b(sv[1]);
  int writable_events = 0;
  bool got_read = false;
  REQUIRE(loop->add_fd(a.get(), Interest::write,
                       [&](IoEvents ev) {
                         if (ev.writable) {
                           // First event: switch to read interest, then make it readable.
                           CHECK_FALSE(ev.readable);
                           ++writable_events;
                           REQUIRE(loop->modify_fd(a.get(), Interest::read).ok());
                           REQUIRE(::write(b.get(), "x", 1) == 1);
                           return;
                         }
                         // After modify_fd: only readable, never writable again.
                         CHECK(ev.readable);
                         char c;
                         CHECK(::read(a.get(), &c, 1) == 1);
                         got_read = true;
                         loop->stop();
                       })
              .ok());
  CHECK_FALSE(loop->add_fd(a.get(), Interest::read, [](IoEvents) {}).ok());  // duplicate
  CHECK_FALSE(loop->modify_fd(b.get(), Interest::read).ok());                // unknown
  REQUIRE(loop->add_fd(b.get(), Interest::none, [](IoEvents) { FAIL("no interest"); }).ok());
  REQUIRE(run_bounded(*loop, 2s));
  CHECK(writable_events == 1);
  CHECK(got_read);
  loop->remove_fd(a.get());
  loop->remove_fd(b.get());
  loop->remove_fd(b.get());  // unknown fds are ignored
  CHECK(loop->fd_count() == 0);
}

TEST_CASE("removing an fd inside another fd's callback suppresses its pending event") {
  // Both eventfds are readable before run(), so one epoll_wait returns both; whichever
  // callback runs first removes (and closes) the other, whose event must then be dropped.
  auto loop = make_loop();
  UniqueFd fds[2] = {readable_eventfd(), readable_eventfd()};
  int calls[2] = {0, 0};
  UniqueFd replacement;
  for (int i = 0; i < 2; ++i) {
    REQUIRE(loop->add_fd(fds[i].get(), Interest::read,
                         [&, i](IoEvents) {
                           ++calls[i];
                           int other = 1 - i;
                           loop->remove_fd(fds[other].get());
                           fds[other].reset();
                           // Likely reuses the closed fd number: the stale event must not reach it.
                           replacement = UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
                           REQUIRE(loop->add_fd(replacement.get(), Interest::read,
                                                [](IoEvents) { FAIL("stale event delivered"); })
                                       .ok());
                           loop->remove_fd(fds[i].get());
                           loop->add_timer(20ms, [&] { loop->stop(); });
                         })
                .ok());
  }
  REQUIRE(run_bounded(*loop, 2s));
  CHECK(calls[0] + calls[1] == 1);
  loop->remove_fd(replacement.get());
}

TEST_CASE("a callback may remove its own fd while running") {
  auto loop = make_loop();
  UniqueFd fd = readable_eventfd();
  int calls = 0;
  REQUIRE(loop->add_fd(fd.get(), Interest::read,
                       [&](IoEvents) {
                         ++calls;
                         loop->remove_fd(
                             fd.get());  // destroys the registration holding this lambda
                         loop->add_timer(20ms, [&] { loop->stop(); });
                       })
              .ok());
  REQUIRE(run_bounded(*loop, 2s));
  CHECK(calls == 1);  // level-triggered and never read: only removal stops repeats
}
