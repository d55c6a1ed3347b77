// SASL_SSL end to end (issue 8): kafkit's producer, consumer and admin client against the
// in-process reference broker's SASL_SSL listener — SASL inside TLS — with every mechanism,
// with and without a client certificate (mTLS under SASL). Each refusal (bad credentials,
// an untrusted CA, a plaintext or SASL_PLAINTEXT client, a request before authentication)
// ends that connection only: the broker keeps serving a good client meanwhile.
#include <doctest/doctest.h>

#include <string>

#include "../net/tls_raw_client.hpp"
#include "net/tls/tls_errors.hpp"
#include "protocol/messages/metadata.hpp"
#include "sasl_test_support.hpp"

namespace kafkit::test {
namespace {

using broker::test::RunningBroker;

Properties sasl_ssl_broker(Properties extra = {}) {
  extra["listeners"] = "SASL_SSL://127.0.0.1:0";
  extra["ssl.certificate.location"] = pki()("server.pem");
  extra["ssl.key.location"] = pki()("server.key");
  extra["sasl.enabled.mechanisms"] = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER";
  extra["sasl.users"] = "alice:alice-secret,bob:bob:with:colons";
  extra["sasl.oauthbearer.unsecure"] = "true";
  return extra;
}

Config sasl_ssl_client(const RunningBroker& b, const std::string& mechanism,
                       const std::string& user = "alice",
                       const std::string& password = "alice-secret") {
  return with(sasl_client_config(b, "sasl_ssl", mechanism, user, password), "ssl.ca.location",
              pki()("ca.pem"));
}

Config with_client_cert(Config c) {
  c.set("ssl.certificate.location", pki()("client.pem"));
  c.set("ssl.key.location", pki()("client.key"));
  return c;
}

}  // namespace

TEST_CASE("sasl-ssl: producer, consumer and admin over SASL_SSL with every mechanism") {
  RunningBroker b(sasl_ssl_broker());
  SUBCASE("PLAIN") {
    round_trip_with(sasl_ssl_client(b, "PLAIN"), "plain-topic", "PLAIN");
  }
  SUBCASE("SCRAM-SHA-256") {
    round_trip_with(sasl_ssl_client(b, "SCRAM-SHA-256"), "scram256-topic", "SCRAM-SHA-256");
  }
  SUBCASE("SCRAM-SHA-512, a password with colons") {
    round_trip_with(sasl_ssl_client(b, "SCRAM-SHA-512", "bob", "bob:with:colons"), "scram512-topic",
                    "SCRAM-SHA-512");
  }
  SUBCASE("OAUTHBEARER (unsecured JWT)") {
    round_trip_with(sasl_ssl_client(b, "OAUTHBEARER"), "oauth-topic", "OAUTHBEARER");
  }
}

TEST_CASE("sasl-ssl: mTLS and SASL together; no client certificate is refused") {
  RunningBroker b(
      sasl_ssl_broker({{"ssl.client.auth", "required"}, {"ssl.ca.location", pki()("ca.pem")}}));
  round_trip_with(with_client_cert(sasl_ssl_client(b, "SCRAM-SHA-512")), "mtls-sasl", "mtls");
  round_trip_with(with_client_cert(sasl_ssl_client(b, "PLAIN")), "mtls-plain", "mtls-plain");
  auto none = first_connection(sasl_ssl_client(b, "SCRAM-SHA-512"), "127.0.0.1", b.port());
  CHECK_FALSE(none.ready);
  REQUIRE(none.error.has_value());
  INFO(none.error->message);
  CHECK(contains(none.error->message, "certificate"));
  CHECK(none.took < std::chrono::seconds(3));
  // A certificate alone is not enough: SASL still has to succeed.
  Error wrong = refused_admin_call(with_client_cert(sasl_ssl_client(b, "PLAIN", "alice", "x")));
  CHECK_MESSAGE(wrong.code == 58, wrong.message);
  CHECK(
      first_connection(with_client_cert(sasl_ssl_client(b, "PLAIN")), "127.0.0.1", b.port()).ready);
}

TEST_CASE("sasl-ssl: bad credentials are refused inside TLS; the broker keeps serving") {
  RunningBroker b(sasl_ssl_broker());
  for (std::string mechanism : {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}) {
    CAPTURE(mechanism);
    Error wrong = refused_admin_call(sasl_ssl_client(b, mechanism, "alice", "wrong"));
    CHECK(wrong.code == 58);  // SASL_AUTHENTICATION_FAILED
    CHECK_MESSAGE(contains(wrong.message, "refused " + mechanism + " authentication"),
                  wrong.message);
    CHECK_MESSAGE(contains(wrong.message, b.cluster->bootstrap_servers()), wrong.message);
    Error unknown = refused_admin_call(sasl_ssl_client(b, mechanism, "mallory", "x"));
    CHECK_MESSAGE(unknown.code == 58, unknown.message);
  }
  round_trip_with(sasl_ssl_client(b, "SCRAM-SHA-256"), "after-refusals", "after");
}

TEST_CASE("sasl-ssl: an untrusted CA fails the TLS handshake before any SASL") {
  RunningBroker b(sasl_ssl_broker());
  Config rogue = with(sasl_ssl_client(b, "PLAIN"), "ssl.ca.location", pki()("rogue-ca.pem"));
  auto out = first_connection(rogue, "127.0.0.1", b.port());
  CHECK_FALSE(out.ready);
  REQUIRE(out.error.has_value());
  INFO(out.error->message);
  CHECK(out.error->code == net::tls::errc::certificate_refused);
  CHECK(contains(out.error->message, "the broker's certificate was refused"));
  CHECK(out.took < std::chrono::seconds(3));
  CHECK(first_connection(sasl_ssl_client(b, "PLAIN"), "127.0.0.1", b.port()).ready);
}

TEST_CASE("sasl-ssl: plaintext and SASL_PLAINTEXT clients are closed, never served") {
  RunningBroker b(sasl_ssl_broker());
  std::string bootstrap = b.cluster->bootstrap_servers();
  SUBCASE("plaintext") {
    auto out = first_connection(Config{{"bootstrap.servers", bootstrap}}, "127.0.0.1", b.port());
    CHECK_FALSE(out.ready);
    REQUIRE(out.error.has_value());
    CHECK(out.took < std::chrono::seconds(3));
  }
  SUBCASE("SASL_PLAINTEXT") {
    Config c = with(sasl_ssl_client(b, "SCRAM-SHA-512"), "security.protocol", "sasl_plaintext");
    auto out = first_connection(c, "127.0.0.1", b.port());
    CHECK_FALSE(out.ready);
    REQUIRE(out.error.has_value());
    CHECK(out.took < std::chrono::seconds(3));
  }
  SUBCASE("raw plaintext Metadata") {
    broker::test::TestClient raw(b.port(), 3000);
    raw.send(protocol::MetadataRequest{}, 4);
    CHECK(raw.closed_after_any_bytes());
  }
  round_trip_with(sasl_ssl_client(b, "PLAIN"), "still-served", "served");
}

TEST_CASE("sasl-ssl: a request before authentication over TLS closes the connection") {
  RunningBroker b(sasl_ssl_broker());
  // A good client holds a connection open the whole time.
  Producer good(with(sasl_ssl_client(b, "SCRAM-SHA-512"), "linger.ms", "1"));
  auto first = good.send({.topic = "good", .partition = 0, .value = std::string("before")});
  REQUIRE_MESSAGE(first.ok(), why(first));
  REQUIRE(good.flush(std::chrono::seconds(20)).ok());
  {
    tls::TlsRawClient raw(b.port(), pki()("ca.pem"));
    REQUIRE(raw.handshake_ok());
    REQUIRE(raw.send(protocol::MetadataRequest{}, 4));
    CHECK(raw.closed_by_peer());
  }
  auto second = good.send({.topic = "good", .partition = 0, .value = std::string("after")});
  REQUIRE_MESSAGE(second.ok(), why(second));
  auto f = good.flush(std::chrono::seconds(20));
  CHECK_MESSAGE(f.ok(), why(f));
}

}  // namespace kafkit::test
