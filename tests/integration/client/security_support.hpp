#pragma once
// Helpers shared by the TLS, SASL and SASL_SSL client tests (issue 8): the test PKI, a
// produce-then-consume round trip through the public clients, a refused admin call, and
// one connection opened with the clients' own settings to see how it ends.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "../broker/broker_fixture.hpp"
#include "../net/tls_certs.hpp"
#include "client/producer/producer_config.hpp"
#include "kafkit/admin.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"
#include "net/broker_connection.hpp"
#include "net/resolver.hpp"

namespace kafkit::test {

using SecClock = std::chrono::steady_clock;

template <class R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().message;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline Config with(Config c, const std::string& key, const std::string& value) {
  c.set(key, value);
  return c;
}

/// The PKI of tests/integration/net/tls_certs.hpp, made once per test executable.
struct Pki {
  broker::test::TempDir dir;
  tls::TestPki pki{dir.path};
  std::string operator()(const std::string& name) const { return pki.path(name); }
};

inline const Pki& pki() {
  static Pki p;
  return p;
}

/// Creates `topic` (one partition) with `config`, produces ten records tagged `tag` and
/// consumes them back from offset 0, all with the same client settings.
inline void round_trip_with(const Config& config, const std::string& topic,
                            const std::string& tag) {
  using namespace std::chrono_literals;
  Admin admin(config);
  auto created = admin.create_topics({NewTopic{.name = topic, .partitions = 1}});
  REQUIRE_MESSAGE(created.ok(), why(created));
  {
    Producer p(with(config, "linger.ms", "1"));
    for (int i = 0; i < 10; ++i) {
      std::string v = tag + "-" + std::to_string(i);
      auto r = p.send({.topic = topic, .partition = 0, .value = v});
      REQUIRE_MESSAGE(r.ok(), why(r));
    }
    auto f = p.flush(20s);
    REQUIRE_MESSAGE(f.ok(), why(f));
  }
  Consumer c(config);
  REQUIRE(c.assign({{topic, 0, 0}}).ok());
  std::vector<std::string> values;
  auto deadline = SecClock::now() + 20s;
  while (values.size() < 10 && SecClock::now() < deadline) {
    PollResult r = c.poll(100ms);
    for (const auto& rec : r.records) values.emplace_back(*rec.value);
  }
  REQUIRE(values.size() == 10);
  CHECK(values.front() == tag + "-0");
  CHECK(values.back() == tag + "-9");
}

/// An admin call over a refused connection: fails within a few seconds (not the call's
/// whole timeout of retries) with the broker's reason.
inline Error refused_admin_call(const Config& config) {
  using namespace std::chrono_literals;
  Admin admin(config);
  auto start = SecClock::now();
  auto r = admin.describe_topics({"anything"}, false, 15s);
  REQUIRE_FALSE(r.ok());
  CHECK(SecClock::now() - start < 10s);
  return r.error();
}

struct Outcome {
  bool ready = false;
  std::optional<Error> error;
  std::chrono::milliseconds took{0};
};

/// Opens one connection with the clients' own settings (as a producer parses them) and
/// reports whether it became ready (TLS and SASL done) or how its first attempt failed.
inline Outcome first_connection(const Config& config, const std::string& host, std::uint16_t port) {
  using namespace std::chrono_literals;
  auto parsed = client::ProducerConfig::parse(config);
  REQUIRE_MESSAGE(parsed.ok(), why(parsed));
  auto loop = net::EventLoop::create();
  REQUIRE(loop.ok());
  net::Resolver resolver(**loop);
  Outcome out;
  auto start = SecClock::now();
  net::BrokerConnection connection(**loop, resolver, host, port, parsed.value().cluster.connection,
                                   [&](net::BrokerConnection::State s, const Error* e) {
                                     out.ready = s == net::BrokerConnection::State::ready;
                                     if (e != nullptr) out.error = *e;
                                     (*loop)->stop();
                                   });
  connection.start();
  bool guard = false;
  auto timer = (*loop)->add_timer(10s, [&] {
    guard = true;
    (*loop)->stop();
  });
  (*loop)->run();
  (*loop)->cancel_timer(timer);
  connection.stop();
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(SecClock::now() - start);
  REQUIRE_MESSAGE(!guard, "no outcome within 10 s (a hang)");
  return out;
}

}  // namespace kafkit::test
