#pragma once
// A Connection to a ScriptedBroker on one loop, plus counters of what the owner heard.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <memory>
#include <optional>

#include <doctest/doctest.h>

#include "net/connection.hpp"
#include "net/plain_transport.hpp"
#include "net_test_util.hpp"
#include "scripted_broker.hpp"

namespace kafkit::net::test {

/// A connected, non-blocking client socket to 127.0.0.1:port. The blocking connect is done
/// by the kernel against the listen backlog, so the loop need not run.
inline UniqueFd connect_loopback(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd.valid());
  Address a = loopback(port);
  REQUIRE(::connect(fd.get(), a.sockaddr_ptr(), a.length) == 0);
  // As TcpConnector does: without it Nagle holds back pipelined requests behind the
  // broker's delayed ACK, and tests about in-flight limits would measure TCP instead.
  int one = 1;
  REQUIRE(::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
  REQUIRE(::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK) == 0);
  return fd;
}

struct Harness {
  std::unique_ptr<EventLoop> loop = make_loop();
  ScriptedBroker broker{*loop};
  ConnectionConfig config;
  std::shared_ptr<Connection> connection;
  int ready_calls = 0;
  int closed_calls = 0;
  std::optional<Error> closed_error;
  bool stop_on_ready = true;
  bool stop_on_close = false;

  Harness() { config.client_id = "kafkit-test"; }

  /// Creates the connection; with `wait_ready`, runs the loop until it is ready.
  void open(bool wait_ready = true) {
    connection =
        Connection::create(*loop, std::make_unique<PlainTransport>(connect_loopback(broker.port())),
                           broker.name(), config,
                           Connection::Callbacks{.on_ready =
                                                     [this] {
                                                       ++ready_calls;
                                                       if (stop_on_ready) loop->stop();
                                                     },
                                                 .on_closed =
                                                     [this](const Error& e) {
                                                       ++closed_calls;
                                                       closed_error = e;
                                                       if (stop_on_close) loop->stop();
                                                     }});
    if (wait_ready) {
      REQUIRE(run_bounded(*loop, std::chrono::seconds(5)));
      REQUIRE(connection->ready());
    }
  }

  /// Runs the loop for `d` more (lets wrong extra callbacks surface).
  void settle(std::chrono::milliseconds d = std::chrono::milliseconds(50)) {
    loop->add_timer(d, [this] { loop->stop(); });
    REQUIRE(run_bounded(*loop, std::chrono::seconds(5)));
  }
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace kafkit::net::test
