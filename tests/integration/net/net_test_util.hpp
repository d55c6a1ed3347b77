#pragma once
// Helpers shared by the net tests: a loop that cannot hang a test, and loopback listeners.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>

#include <doctest/doctest.h>

#include "net/address.hpp"
#include "net/event_loop.hpp"
#include "net/unique_fd.hpp"

namespace kafkit::net::test {

inline std::unique_ptr<EventLoop> make_loop() {
  auto loop = EventLoop::create();
  REQUIRE(loop.ok());
  return std::move(loop.value());
}

/// Runs `loop` on this thread until a callback stops it; a guard timer stops it after
/// `limit` so a broken test fails instead of hanging. Returns false if the guard fired.
inline bool run_bounded(EventLoop& loop, std::chrono::milliseconds limit) {
  bool guard_fired = false;
  TimerId guard = loop.add_timer(limit, [&] {
    guard_fired = true;
    loop.stop();
  });
  loop.run();
  loop.cancel_timer(guard);
  return !guard_fired;
}

inline Address loopback(std::uint16_t port) {
  Address a;
  auto* in = reinterpret_cast<sockaddr_in*>(&a.storage);
  in->sin_family = AF_INET;
  in->sin_port = htons(port);
  in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.length = sizeof(sockaddr_in);
  a.host = "127.0.0.1";
  return a;
}

/// A TCP socket bound to 127.0.0.1 on a kernel-chosen port; listening if `backlog` >= 0.
struct LoopbackSocket {
  UniqueFd fd;
  std::uint16_t port = 0;
};

inline LoopbackSocket bind_loopback(int backlog) {
  LoopbackSocket s;
  s.fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(s.fd.valid());
  Address any = loopback(0);
  REQUIRE(::bind(s.fd.get(), any.sockaddr_ptr(), any.length) == 0);
  if (backlog >= 0) REQUIRE(::listen(s.fd.get(), backlog) == 0);
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  REQUIRE(::getsockname(s.fd.get(), reinterpret_cast<sockaddr*>(&bound), &len) == 0);
  s.port = ntohs(bound.sin_port);
  return s;
}

}  // namespace kafkit::net::test
