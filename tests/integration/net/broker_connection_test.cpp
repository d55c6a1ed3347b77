// BrokerConnection: resolve, connect, negotiate, back off and reconnect, against a scripted
// loopback broker; requests wait for readiness with their timeout running.
#include "net/broker_connection.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "connection_harness.hpp"
#include "net/net_errors.hpp"
#include "net/resolver.hpp"

using namespace std::chrono_literals;
using namespace kafkit;
using namespace kafkit::net;
using namespace kafkit::net::test;
using protocol::MetadataRequest;
using protocol::MetadataResponse;
using State = BrokerConnection::State;

namespace {

struct StateLog {
  std::vector<State> states;
  std::vector<Error> errors;
  std::vector<Clock::time_point> times;
};

BrokerConnectionConfig fast_config() {
  BrokerConnectionConfig config;
  config.connection.client_id = "kafkit-test";
  config.connect_timeout = 1s;
  config.reconnect_backoff = 50ms;
  config.reconnect_backoff_max = 400ms;
  config.backoff_seed = 42;
  return config;
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

TEST_CASE("reconnects with growing backoff until the broker works, then sends what waited") {
  auto loop = make_loop();
  Resolver resolver(*loop);
  ScriptedBroker broker(*loop);
  broker.on_accept = [&](ScriptedBroker::Peer& peer) {
    if (broker.peer_count() <= 3) peer.close();  // the first three connections die at once
  };
  broker.on_request = [](ScriptedBroker::Peer& peer, const ReceivedRequest& request) {
    peer.respond(request, MetadataResponse{});
  };
  StateLog log;
  BrokerConnection connection(*loop, resolver, "127.0.0.1", broker.port(), fast_config(),
                              [&](State s, const Error* e) {
                                log.states.push_back(s);
                                log.times.push_back(Clock::now());
                                if (e != nullptr) log.errors.push_back(*e);
                              });
  bool answered = false;
  connection.send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    CHECK(r.ok());
    answered = true;
    loop->stop();
  });
  CHECK(connection.waiting_count() == 1);
  connection.start();
  REQUIRE(run_bounded(*loop, 10s));
  CHECK(answered);
  CHECK(connection.state() == State::ready);
  CHECK(connection.attempts() == 4);
  REQUIRE(connection.api_versions() != nullptr);
  CHECK(connection.api_versions()->find(3) != nullptr);
  REQUIRE(log.states.size() == 4);
  CHECK(log.states == std::vector<State>{State::backing_off, State::backing_off, State::backing_off,
                                         State::ready});
  for (const auto& e : log.errors) {
    CHECK(e.code == net::errc::connection_closed);
    CHECK(contains(e.message, broker.name()));
  }
  // Accepts are spaced by at least the jittered backoff: 50, 100, 200 ms, each -20%.
  REQUIRE(broker.accept_times.size() == 4);
  Backoff expected(50ms, 400ms, 1);
  for (int i = 0; i < 3; ++i) {
    double gap = ms_between(broker.accept_times[size_t(i)], broker.accept_times[size_t(i) + 1]);
    double floor = 0.8 * double(expected.base_delay(i).count());
    CAPTURE(i);
    CAPTURE(gap);
    CHECK(gap >= floor - 1.0);
  }

  // Once ready, a lost connection is retried after the initial delay again (reset).
  auto before = broker.accept_times.size();
  broker.peer(int(before) - 1).close();
  bool ready_again = false;
  size_t states_before = log.states.size();
  // Stop once the state log shows backing_off then ready again.
  std::function<void()> poll;
  TimerId poll_timer = 0;
  poll = [&] {
    if (log.states.size() >= states_before + 2) {
      ready_again = log.states.back() == State::ready;
      loop->stop();
      return;
    }
    poll_timer = loop->add_timer(5ms, poll);
  };
  poll_timer = loop->add_timer(5ms, poll);
  REQUIRE(run_bounded(*loop, 5s));
  loop->cancel_timer(poll_timer);
  CHECK(ready_again);
  REQUIRE(broker.accept_times.size() == before + 1);
  double gap = ms_between(log.times[states_before], broker.accept_times.back());
  CHECK(gap >= 40.0 - 1.0);
  CHECK(gap < 250.0);  // would be >= 320 ms had the backoff not been reset
}

TEST_CASE("a request waiting for an unreachable broker times out naming the last error") {
  auto loop = make_loop();
  Resolver resolver(*loop);
  std::uint16_t port;
  {
    auto bound = bind_loopback(-1);
    port = bound.port;
  }
  auto config = fast_config();
  config.connection.request_timeout = 200ms;
  BrokerConnection connection(*loop, resolver, "127.0.0.1", port, config);
  connection.start();
  std::optional<Error> error;
  auto started = Clock::now();
  connection.send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    error = r.error();
    loop->stop();
  });
  REQUIRE(run_bounded(*loop, 5s));
  REQUIRE(error.has_value());
  CHECK(Clock::now() - started >= 200ms);
  CHECK(error->code == net::errc::request_timeout);
  CHECK(contains(error->message, "waiting for a connection"));
  CHECK(contains(error->message, "refused"));
  CHECK(contains(error->message, "127.0.0.1:" + std::to_string(port)));
  CHECK(connection.attempts() >= 2);
  CHECK(connection.state() == State::backing_off);
}

TEST_CASE("stop and destruction fail pending requests and leave no timers or fds behind") {
  auto loop = make_loop();
  Resolver resolver(*loop);
  ScriptedBroker broker(*loop);
  broker.on_request = [](ScriptedBroker::Peer&, const ReceivedRequest&) {};  // never answers
  auto connection = std::make_unique<BrokerConnection>(*loop, resolver, "127.0.0.1", broker.port(),
                                                       fast_config(), [&](State s, const Error*) {
                                                         if (s == State::ready) loop->stop();
                                                       });
  connection->start();
  REQUIRE(run_bounded(*loop, 5s));
  REQUIRE(connection->state() == State::ready);

  std::vector<Error> errors;
  connection->send(MetadataRequest{},
                   [&](Result<MetadataResponse> r) { errors.push_back(r.error()); });
  loop->add_timer(30ms, [&] { loop->stop(); });
  REQUIRE(run_bounded(*loop, 5s));  // the request is in flight now
  connection.reset();               // destroy with a request in flight
  CHECK(errors.empty());            // failures are posted, not run inside the destructor
  loop->add_timer(30ms, [&] { loop->stop(); });
  REQUIRE(run_bounded(*loop, 5s));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == net::errc::connection_closed);
  CHECK(contains(errors[0].message, "stopped"));
  CHECK(contains(errors[0].message, broker.name()));
  CHECK(loop->timer_count() == 0);

  // stop() while still connecting: the waiting request fails too.
  BrokerConnection second(*loop, resolver, "127.0.0.1", broker.port(), fast_config());
  second.start();
  std::optional<Error> waiting_error;
  second.send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    waiting_error = r.error();
    loop->stop();
  });
  second.stop();
  REQUIRE(run_bounded(*loop, 5s));
  REQUIRE(waiting_error.has_value());
  CHECK(waiting_error->code == net::errc::connection_closed);
  CHECK(contains(waiting_error->message, "stopped"));
  CHECK(second.state() == State::stopped);
  CHECK(loop->timer_count() == 0);
}
