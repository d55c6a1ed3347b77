// KIP-368 re-authentication over SASL_PLAINTEXT (issue 8): with connections.max.reauth.ms set,
// the reference broker announces a session lifetime, kafkit's clients re-authenticate on the
// live connection before it runs out without losing or reordering a record, and a
// connection that does not re-authenticate is closed on its next request after expiry.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "broker/cluster_state.hpp"
#include "kafkit/admin.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"
#include "net/sasl/unsecured_jwt.hpp"
#include "protocol/messages/metadata.hpp"
#include "protocol/messages/sasl_authenticate.hpp"
#include "protocol/messages/sasl_handshake.hpp"
#include "sasl_test_support.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using Clock = std::chrono::steady_clock;

Properties reauth_broker_properties(const std::string& max_reauth_ms) {
  Properties p = sasl_broker_properties();
  p["connections.max.reauth.ms"] = max_reauth_ms;
  return p;
}

broker::SaslStats sasl_stats(RunningBroker& b) {
  broker::SaslStats out;
  b.cluster->run_on_loop([&out](broker::ClusterState& s) { out = s.sasl_stats; });
  return out;
}

/// Sends "m-0", "m-1", ... to partition 0 for `duration`, then flushes; every delivery must
/// succeed. Returns how many were sent.
int produce_for(Producer& p, const std::string& topic, std::chrono::milliseconds duration) {
  std::atomic<int> failed{0};
  int sent = 0;
  auto end = Clock::now() + duration;
  while (Clock::now() < end) {
    std::string v = "m-" + std::to_string(sent);
    auto r =
        p.send({.topic = topic, .partition = 0, .value = v}, [&failed](const DeliveryReport& d) {
          if (!d.ok()) ++failed;
        });
    REQUIRE_MESSAGE(r.ok(), why(r));
    ++sent;
    p.poll(0ms);
    std::this_thread::sleep_for(2ms);
  }
  auto f = p.flush(20s);
  REQUIRE_MESSAGE(f.ok(), why(f));
  CHECK(failed.load() == 0);
  return sent;
}

/// Reads partition 0 from the start: exactly "m-0" .. "m-<count-1>", in order, once each.
void check_exactly_in_order(const Config& config, const std::string& topic, int count) {
  Consumer c(config);
  REQUIRE(c.assign({{topic, 0, 0}}).ok());
  std::vector<std::string> values;
  auto deadline = Clock::now() + 20s;
  while (values.size() < static_cast<size_t>(count) && Clock::now() < deadline) {
    PollResult r = c.poll(100ms);
    for (const auto& rec : r.records) values.emplace_back(*rec.value);
  }
  PollResult more = c.poll(300ms);  // nothing beyond the last one
  for (const auto& rec : more.records) values.emplace_back(*rec.value);
  REQUIRE(values.size() == static_cast<size_t>(count));
  int out_of_place = 0;
  for (int i = 0; i < count; ++i)
    if (values[static_cast<size_t>(i)] != "m-" + std::to_string(i)) ++out_of_place;
  CHECK(out_of_place == 0);
}

void create_topic(const Config& config, const std::string& topic) {
  Admin admin(config);
  auto created = admin.create_topics({NewTopic{.name = topic, .partitions = 1}});
  REQUIRE_MESSAGE(created.ok(), why(created));
}

TEST_CASE("sasl reauth: a producer sending for 5 s re-authenticates and loses nothing") {
  RunningBroker b(reauth_broker_properties("1500"));
  SUBCASE("SCRAM-SHA-256") {
    Config config = client_config(b, "SCRAM-SHA-256");
    create_topic(config, "reauth-scram");
    auto before = sasl_stats(b);
    int sent = 0;
    {
      Producer p(with(config, "linger.ms", "1"));
      sent = produce_for(p, "reauth-scram", 5000ms);
    }
    auto after = sasl_stats(b);
    // At 85-95% of 1.5 s, each connection open for ~5 s re-authenticates at least 3 times.
    CHECK(after.reauthentications - before.reauthentications >= 3);
    CHECK(after.expired_closes == 0);
    check_exactly_in_order(config, "reauth-scram", sent);
  }
  SUBCASE("OAUTHBEARER with a token provider: a fresh token for each re-authentication") {
    auto calls = std::make_shared<std::atomic<int>>(0);
    Config config{{"bootstrap.servers", b.cluster->bootstrap_servers()},
                  {"security.protocol", "sasl_plaintext"},
                  {"sasl.mechanism", "OAUTHBEARER"}};
    config.set_oauthbearer_token_provider([calls]() -> Result<OAuthBearerToken> {
      ++*calls;
      net::sasl::UnsecuredJwtSpec spec;
      spec.principal = "dave";
      spec.issued_at = std::chrono::system_clock::now();
      spec.lifetime = std::chrono::seconds(60);
      auto jwt = net::sasl::build_unsecured_jwt(spec);
      if (!jwt.ok()) return jwt.error();
      return OAuthBearerToken{jwt.value(), spec.issued_at + spec.lifetime, "dave", {}};
    });
    create_topic(config, "reauth-oauth");
    auto before = sasl_stats(b);
    int calls_before = calls->load();
    int sent = 0;
    {
      Producer p(with(config, "linger.ms", "1"));
      sent = produce_for(p, "reauth-oauth", 5000ms);
    }
    auto after = sasl_stats(b);
    auto reauths = after.reauthentications - before.reauthentications;
    CHECK(reauths >= 3);
    CHECK(after.expired_closes == 0);
    // Every authentication, first or again, asked the provider.
    auto auths = reauths + after.authentications - before.authentications;
    CHECK(calls->load() - calls_before == auths);
    CHECK(after.by_principal["dave"] >= auths);
    check_exactly_in_order(config, "reauth-oauth", sent);
  }
}

TEST_CASE("sasl reauth: an OAUTHBEARER session ends with its token when that comes first") {
  RunningBroker b(reauth_broker_properties("600000"));
  Config config{{"bootstrap.servers", b.cluster->bootstrap_servers()},
                {"security.protocol", "sasl_plaintext"},
                {"sasl.mechanism", "OAUTHBEARER"}};
  config.set_oauthbearer_token_provider([]() -> Result<OAuthBearerToken> {
    net::sasl::UnsecuredJwtSpec spec;
    spec.principal = "erin";
    spec.issued_at = std::chrono::system_clock::now();
    spec.lifetime = std::chrono::seconds(2);  // the session lasts 2 s, not 10 minutes
    auto jwt = net::sasl::build_unsecured_jwt(spec);
    if (!jwt.ok()) return jwt.error();
    return OAuthBearerToken{jwt.value(), spec.issued_at + spec.lifetime, "erin", {}};
  });
  create_topic(config, "token-lifetime");
  int sent = 0;
  {
    Producer p(with(config, "linger.ms", "1"));
    sent = produce_for(p, "token-lifetime", 4000ms);
  }
  auto stats = sasl_stats(b);
  CHECK(stats.reauthentications >= 1);
  CHECK(stats.expired_closes == 0);
  check_exactly_in_order(config, "token-lifetime", sent);
}

protocol::SaslAuthenticateRequest plain_token(const std::string& user, const std::string& pass) {
  protocol::SaslAuthenticateRequest auth;
  std::string token = std::string(1, '\0') + user + std::string(1, '\0') + pass;
  for (char ch : token) auth.auth_bytes.push_back(static_cast<std::byte>(ch));
  return auth;
}

/// PLAIN by hand with SaslAuthenticate `version`; returns the announced lifetime.
int64_t authenticate(broker::test::TestClient& raw, const std::string& user,
                     const std::string& pass, int16_t version = 2) {
  protocol::SaslHandshakeRequest hs;
  hs.mechanism = "PLAIN";
  auto h = raw.call<protocol::SaslHandshakeResponse>(hs, 1);
  REQUIRE(h.error_code == 0);
  auto r = raw.call<protocol::SaslAuthenticateResponse>(plain_token(user, pass), version);
  REQUIRE(r.error_code == 0);
  return r.session_lifetime_ms;
}

TEST_CASE("sasl reauth: the broker's side of KIP-368 by hand") {
  SUBCASE("off by default: no lifetime, no expiry") {
    RunningBroker b(sasl_broker_properties());
    broker::test::TestClient raw(b.port());
    CHECK(authenticate(raw, "alice", "alice-secret") == 0);
  }
  RunningBroker b(reauth_broker_properties("1500"));
  SUBCASE("a client that does not re-authenticate is closed on its next request") {
    broker::test::TestClient raw(b.port());
    CHECK(authenticate(raw, "alice", "alice-secret") == 1500);
    auto meta = raw.call<protocol::MetadataResponse>(protocol::MetadataRequest{}, 4);
    CHECK(meta.brokers.size() == 1);
    std::this_thread::sleep_for(1700ms);
    raw.send(protocol::MetadataRequest{}, 4);
    CHECK(raw.closed_by_peer());
    CHECK(sasl_stats(b).expired_closes == 1);
  }
  SUBCASE("re-authenticating renews the session") {
    broker::test::TestClient raw(b.port());
    CHECK(authenticate(raw, "alice", "alice-secret") == 1500);
    std::this_thread::sleep_for(1000ms);
    CHECK(authenticate(raw, "alice", "alice-secret") == 1500);
    std::this_thread::sleep_for(1000ms);  // past the first session's end
    auto meta = raw.call<protocol::MetadataResponse>(protocol::MetadataRequest{}, 4);
    CHECK(meta.brokers.size() == 1);
    auto stats = sasl_stats(b);
    CHECK(stats.reauthentications == 1);
    CHECK(stats.expired_closes == 0);
  }
  SUBCASE("re-authenticating as someone else is refused and closes the connection") {
    broker::test::TestClient raw(b.port());
    authenticate(raw, "alice", "alice-secret");
    protocol::SaslHandshakeRequest hs;
    hs.mechanism = "PLAIN";
    REQUIRE(raw.call<protocol::SaslHandshakeResponse>(hs, 1).error_code == 0);
    auto r = raw.call<protocol::SaslAuthenticateResponse>(plain_token("bob", "bob:with:colons"), 2);
    CHECK(r.error_code == 58);
    CHECK(raw.closed_by_peer());
    CHECK(sasl_stats(b).reauthentications == 0);
  }
  SUBCASE("SaslAuthenticate v0 cannot learn a lifetime, so its session does not expire") {
    broker::test::TestClient raw(b.port());
    CHECK(authenticate(raw, "alice", "alice-secret", 0) == 0);
    std::this_thread::sleep_for(1700ms);
    auto meta = raw.call<protocol::MetadataResponse>(protocol::MetadataRequest{}, 4);
    CHECK(meta.brokers.size() == 1);
  }
  // The others are served throughout.
  broker::test::TestClient other(b.port());
  CHECK(authenticate(other, "bob", "bob:with:colons") == 1500);
}

}  // namespace
}  // namespace kafkit::test
