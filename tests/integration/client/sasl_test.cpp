// SASL_PLAINTEXT end to end (issue 8): kafkit's producer, consumer and admin client against
// the in-process reference broker's SASL listener with every mechanism; refusals (wrong
// password, unknown user, unsupported mechanism) are quick, clear and name the broker; a
// connection that has not authenticated cannot send anything but ApiVersions and the SASL
// requests, nor frames above 512 KiB; and the broker keeps serving others after each.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/metadata.hpp"
#include "protocol/messages/sasl_authenticate.hpp"
#include "protocol/messages/sasl_handshake.hpp"
#include "sasl_test_support.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using Clock = SecClock;

void round_trip(const RunningBroker& b, const std::string& mechanism, const std::string& topic,
                const std::string& user = "alice", const std::string& password = "alice-secret") {
  round_trip_with(client_config(b, mechanism, user, password), topic, mechanism);
}

}  // namespace

TEST_CASE("sasl: producer, consumer and admin over SASL_PLAINTEXT with every mechanism") {
  RunningBroker b(sasl_broker_properties());
  SUBCASE("PLAIN") {
    round_trip(b, "PLAIN", "plain-topic");
  }
  SUBCASE("PLAIN, a password with colons") {
    round_trip(b, "PLAIN", "bob-topic", "bob", "bob:with:colons");
  }
  SUBCASE("SCRAM-SHA-256") {
    round_trip(b, "SCRAM-SHA-256", "scram256-topic");
  }
  SUBCASE("SCRAM-SHA-512") {
    round_trip(b, "SCRAM-SHA-512", "scram512-topic", "bob", "bob:with:colons");
  }
  SUBCASE("OAUTHBEARER (unsecured JWT)") {
    round_trip(b, "OAUTHBEARER", "oauth-topic");
  }
}

TEST_CASE("sasl: wrong password, unknown user and unsupported mechanism are clear, quick errors") {
  RunningBroker b(sasl_broker_properties());
  for (std::string mechanism : {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}) {
    CAPTURE(mechanism);
    Error wrong = refused_admin_call(client_config(b, mechanism, "alice", "wrong"));
    CHECK(wrong.code == 58);  // SASL_AUTHENTICATION_FAILED
    CHECK_MESSAGE(contains(wrong.message, b.cluster->bootstrap_servers()), wrong.message);
    CHECK_MESSAGE(contains(wrong.message, "refused " + mechanism + " authentication"),
                  wrong.message);
    Error unknown = refused_admin_call(client_config(b, mechanism, "mallory", "x"));
    CHECK_MESSAGE(unknown.code == 58, unknown.message);
  }
  {
    RunningBroker plain_only({{"listeners", "SASL_PLAINTEXT://127.0.0.1:0"},
                              {"sasl.enabled.mechanisms", "PLAIN"},
                              {"sasl.users", "alice:alice-secret"}});
    Error unsupported = refused_admin_call(client_config(plain_only, "SCRAM-SHA-512"));
    CHECK(unsupported.code == 33);  // UNSUPPORTED_SASL_MECHANISM
    CHECK_MESSAGE(contains(unsupported.message, "does not enable SASL mechanism SCRAM-SHA-512"),
                  unsupported.message);
    CHECK_MESSAGE(contains(unsupported.message, "enabled: PLAIN"), unsupported.message);
    round_trip(plain_only, "PLAIN", "still-served");
  }
  // A producer's send fails (delivery report) rather than retrying forever.
  {
    Producer p(
        with(with(with(client_config(b, "PLAIN", "alice", "wrong"), "message.timeout.ms", "20000"),
                  "request.timeout.ms", "5000"),
             "linger.ms", "1"));
    auto start = Clock::now();
    auto r = p.send({.topic = "t", .partition = 0, .value = std::string("v")});
    auto f = p.flush(25s);
    CHECK(Clock::now() - start < 24s);
    CHECK_FALSE((r.ok() && f.ok()));
  }
  // A consumer reports the refusal as an error event from poll().
  {
    Consumer c(client_config(b, "SCRAM-SHA-512", "alice", "wrong"));
    REQUIRE(c.assign({{"t", 0, 0}}).ok());
    std::optional<Error> reported;
    auto deadline = Clock::now() + 10s;
    while (!reported && Clock::now() < deadline) {
      PollResult r = c.poll(100ms);
      for (const auto& e : r.events)
        if (e.type == ConsumerEvent::Type::error && e.error) reported = *e.error;
    }
    REQUIRE(reported.has_value());
    CHECK_MESSAGE(reported->code == 58, reported->message);
  }
  // The broker still serves correct credentials.
  round_trip(b, "SCRAM-SHA-512", "after-refusals");
}

TEST_CASE("sasl: client configuration errors name the property") {
  CHECK_THROWS_WITH_AS(
      Admin(Config{{"bootstrap.servers", "127.0.0.1:1"}, {"security.protocol", "sasl_plaintext"}}),
      doctest::Contains("sasl.username"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(Admin(Config{{"bootstrap.servers", "127.0.0.1:1"},
                                    {"security.protocol", "sasl_plaintext"},
                                    {"sasl.mechanisms", "GSSAPI"}}),
                       doctest::Contains("sasl.mechanism"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(Admin(Config{{"bootstrap.servers", "127.0.0.1:1"},
                                    {"security.protocol", "sasl_plaintext"},
                                    {"sasl.mechanism", "OAUTHBEARER"}}),
                       doctest::Contains("enable.sasl.oauthbearer.unsecure.jwt"),
                       std::invalid_argument);
}

TEST_CASE("sasl: before authentication only ApiVersions and SASL requests, in small frames") {
  RunningBroker b(sasl_broker_properties());
  SUBCASE("Metadata first: closed") {
    broker::test::TestClient raw(b.port());
    raw.send(protocol::MetadataRequest{}, 4);
    CHECK(raw.closed_by_peer());
  }
  SUBCASE("ApiVersions is answered, then Metadata closes") {
    broker::test::TestClient raw(b.port());
    auto versions = raw.call<protocol::ApiVersionsResponse>(protocol::ApiVersionsRequest{}, 0);
    CHECK(versions.error_code == 0);
    raw.send(protocol::MetadataRequest{}, 4);
    CHECK(raw.closed_by_peer());
  }
  SUBCASE("a frame above 512 KiB: closed from its size prefix") {
    broker::test::TestClient raw(b.port());
    protocol::Bytes prefix{std::byte{0}, std::byte{0x08}, std::byte{0},
                           std::byte{1}};  // 512 KiB + 1
    REQUIRE(raw.send_raw(prefix));
    CHECK(raw.closed_by_peer());
  }
  SUBCASE("SaslAuthenticate before SaslHandshake: ILLEGAL_SASL_STATE, closed") {
    broker::test::TestClient raw(b.port());
    auto r = raw.call<protocol::SaslAuthenticateResponse>(protocol::SaslAuthenticateRequest{}, 1);
    CHECK(r.error_code == 34);
    CHECK(raw.closed_by_peer());
  }
  SUBCASE("PLAIN by hand: the failure is answered after a delay, then closed") {
    broker::test::TestClient raw(b.port());
    protocol::SaslHandshakeRequest hs;
    hs.mechanism = "PLAIN";
    auto h = raw.call<protocol::SaslHandshakeResponse>(hs, 1);
    CHECK(h.error_code == 0);
    protocol::SaslAuthenticateRequest auth;
    std::string token = std::string("\0alice\0nope", 11);
    for (char ch : token) auth.auth_bytes.push_back(static_cast<std::byte>(ch));
    auto start = Clock::now();
    auto r = raw.call<protocol::SaslAuthenticateResponse>(auth, 2);
    CHECK(Clock::now() - start >= 150ms);
    CHECK(r.error_code == 58);
    CHECK(raw.closed_by_peer());
  }
  SUBCASE("SaslHandshake v0: raw tokens") {
    broker::test::TestClient raw(b.port());
    protocol::SaslHandshakeRequest hs;
    hs.mechanism = "PLAIN";
    auto h = raw.call<protocol::SaslHandshakeResponse>(hs, 0);
    CHECK(h.error_code == 0);
    std::string token = std::string("\0alice\0alice-secret", 19);
    protocol::Bytes frame{std::byte{0}, std::byte{0}, std::byte{0}, std::byte{19}};
    for (char ch : token) frame.push_back(static_cast<std::byte>(ch));
    REQUIRE(raw.send_raw(frame));
    auto reply = raw.read_frame();
    REQUIRE(reply.has_value());
    CHECK(reply->empty());
    auto meta = raw.call<protocol::MetadataResponse>(protocol::MetadataRequest{}, 4);
    CHECK(meta.brokers.size() == 1);
  }
  // Whatever happened above, authenticated clients are served.
  round_trip(b, "PLAIN", "served");
}

}  // namespace kafkit::test
