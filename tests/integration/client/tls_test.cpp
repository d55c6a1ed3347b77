// TLS end to end (issue 8): kafkit's clients against the reference broker's SSL listener,
// in-process, with a PKI made at test time (tests/integration/net/tls_certs.hpp). Positive
// paths produce and consume over TLS and mTLS; each failure — untrusted CA, expired
// certificate, wrong host, missing client certificate, TLS against plaintext and back —
// must give its own clear error within a second or two, and the broker keeps serving.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/wall_clock.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"
#include "net/broker_connection.hpp"
#include "net/resolver.hpp"
#include "net/tls/tls_errors.hpp"
#include "security_support.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using broker::test::TempDir;

Properties ssl_broker(const std::string& cert = "server", Properties extra = {}) {
  extra["listeners"] = "SSL://127.0.0.1:0";
  extra["ssl.certificate.location"] = pki()(cert + ".pem");
  extra["ssl.key.location"] = pki()(cert + ".key");
  return extra;
}

Config ssl_client(const std::string& bootstrap, Config::Map extra = {}) {
  Config::Map m{{"bootstrap.servers", bootstrap},
                {"security.protocol", "ssl"},
                {"ssl.ca.location", pki()("ca.pem")}};
  for (auto& [k, v] : extra) m[k] = v;
  return Config(m);
}

void produce_and_consume(const Config& producer_config, const Config& consumer_config,
                         const std::string& topic, int count = 50) {
  {
    Producer producer(producer_config);
    for (int i = 0; i < count; ++i) {
      std::string value =
          "value-" + std::to_string(i) + std::string(static_cast<size_t>(i) * 500, 'x');
      auto r = producer.send({.topic = topic, .partition = 0, .key = "k", .value = value});
      REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    }
    auto f = producer.flush(20s);
    REQUIRE_MESSAGE(f.ok(), (f.ok() ? "" : f.error().message));
  }
  Consumer consumer(consumer_config);
  REQUIRE(consumer.assign({{topic, 0, offsets::beginning}}).ok());
  int got = 0;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (got < count && std::chrono::steady_clock::now() < deadline) {
    PollResult r = consumer.poll(100ms);
    for (const ConsumerRecord& rec : r.records) {
      std::string expected =
          "value-" + std::to_string(got) + std::string(static_cast<size_t>(got) * 500, 'x');
      CHECK(rec.value.value_or("") == expected);
      ++got;
    }
  }
  CHECK(got == count);
}

}  // namespace

TEST_CASE("producer and consumer over TLS, by IP and by host name") {
  RunningBroker b(ssl_broker());
  std::string port = std::to_string(b.port());
  produce_and_consume(ssl_client("127.0.0.1:" + port), ssl_client("127.0.0.1:" + port), "tls-ip");
  // The CA as PEM text instead of a file, and the host name form of the address.
  std::ifstream in(pki()("ca.pem"));
  std::string ca((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Config by_name({{"bootstrap.servers", "localhost:" + port},
                  {"security.protocol", "SSL"},
                  {"ssl.ca.pem", ca}});
  produce_and_consume(by_name, by_name, "tls-name", 5);
}

TEST_CASE("mTLS: ssl.client.auth=required takes a client certificate and refuses none") {
  RunningBroker b(ssl_broker(
      "server", {{"ssl.client.auth", "required"}, {"ssl.ca.location", pki()("ca.pem")}}));
  std::string bootstrap = "127.0.0.1:" + std::to_string(b.port());
  Config with_cert = ssl_client(bootstrap, {{"ssl.certificate.location", pki()("client.pem")},
                                            {"ssl.key.location", pki()("client.key")}});
  produce_and_consume(with_cert, with_cert, "mtls");
  // An encrypted key with its password.
  auto enc =
      first_connection(ssl_client(bootstrap, {{"ssl.certificate.location", pki()("client.pem")},
                                              {"ssl.key.location", pki()("client-enc.key")},
                                              {"ssl.key.password", "secret"}}),
                       "127.0.0.1", b.port());
  CHECK(enc.ready);

  auto none = first_connection(ssl_client(bootstrap), "127.0.0.1", b.port());
  CHECK_FALSE(none.ready);
  REQUIRE(none.error.has_value());
  INFO(none.error->message);
  CHECK(contains(none.error->message, "127.0.0.1:" + std::to_string(b.port())));
  CHECK(contains(none.error->message, "certificate"));
  CHECK(none.took < 3s);

  auto rogue = first_connection(
      ssl_client(bootstrap, {{"ssl.certificate.location", pki()("rogue-client.pem")},
                             {"ssl.key.location", pki()("rogue-client.key")}}),
      "127.0.0.1", b.port());
  CHECK_FALSE(rogue.ready);
  REQUIRE(rogue.error.has_value());
  INFO(rogue.error->message);
  // TLS 1.3: the client's handshake is done before the broker checks its certificate;
  // the broker's alert or its reset arrives on the first read or write.
  CHECK((contains(rogue.error->message, "alert unknown ca") ||
         contains(rogue.error->message, "refuse our certificate")));
  CHECK(rogue.took < 3s);
  // Still serving.
  CHECK(first_connection(with_cert, "127.0.0.1", b.port()).ready);
}

TEST_CASE("a broker certificate from an untrusted CA is refused with OpenSSL's reason") {
  RunningBroker b(ssl_broker("rogue-server"));
  auto out =
      first_connection(ssl_client("127.0.0.1:" + std::to_string(b.port())), "127.0.0.1", b.port());
  CHECK_FALSE(out.ready);
  REQUIRE(out.error.has_value());
  INFO(out.error->message);
  CHECK(out.error->code == net::tls::errc::certificate_refused);
  CHECK(contains(out.error->message, "the broker's certificate was refused"));
  CHECK(contains(out.error->message, "local issuer"));
  CHECK(contains(out.error->message, "127.0.0.1:" + std::to_string(b.port())));
  CHECK(out.took < 3s);
}

TEST_CASE("a refused broker certificate fails the clients' calls at once, not after timeouts") {
  // Retrying the same TLS settings cannot succeed: send() and admin calls fail with the
  // reason, and poll() reports it, well before max.block.ms or the call's timeout.
  RunningBroker b(ssl_broker("rogue-server"));
  Config config = ssl_client("127.0.0.1:" + std::to_string(b.port()));
  {
    Producer p(with(config, "max.block.ms", "30000"));
    auto start = SecClock::now();
    auto sent = p.send({.topic = "t", .value = std::string("v")});
    Error e = sent.ok() ? Error{} : sent.error();
    if (sent.ok()) {
      auto flushed = p.flush(30s);
      REQUIRE_FALSE(flushed.ok());
      e = flushed.error();
    }
    CHECK(SecClock::now() - start < 10s);
    CHECK_MESSAGE(contains(e.message, "certificate"), e.message);
  }
  Error admin = refused_admin_call(config);
  CHECK(admin.code == net::tls::errc::certificate_refused);
  Consumer c(config);
  REQUIRE(c.assign({{"t", 0, 0}}).ok());
  std::optional<Error> reported;
  auto deadline = SecClock::now() + 10s;
  while (!reported && SecClock::now() < deadline) {
    PollResult r = c.poll(100ms);
    for (const auto& ev : r.events)
      if (ev.type == ConsumerEvent::Type::error) reported = ev.error;
  }
  REQUIRE(reported.has_value());
  CHECK(reported->code == net::tls::errc::certificate_refused);
}

TEST_CASE("an expired broker certificate is refused") {
  RunningBroker b(ssl_broker("expired"));
  auto out =
      first_connection(ssl_client("127.0.0.1:" + std::to_string(b.port())), "127.0.0.1", b.port());
  CHECK_FALSE(out.ready);
  REQUIRE(out.error.has_value());
  INFO(out.error->message);
  CHECK(out.error->code == net::tls::errc::certificate_refused);
  CHECK(contains(out.error->message, "certificate has expired"));
}

TEST_CASE("a certificate for another host is refused unless identification is off") {
  RunningBroker b(ssl_broker("otherhost"));
  std::string bootstrap = "localhost:" + std::to_string(b.port());
  auto by_name = first_connection(ssl_client(bootstrap), "localhost", b.port());
  CHECK_FALSE(by_name.ready);
  REQUIRE(by_name.error.has_value());
  INFO(by_name.error->message);
  CHECK(by_name.error->code == net::tls::errc::certificate_refused);
  CHECK(contains(by_name.error->message, "hostname mismatch"));
  CHECK(contains(by_name.error->message, "\"localhost\""));

  auto by_ip = first_connection(ssl_client(bootstrap), "127.0.0.1", b.port());
  REQUIRE(by_ip.error.has_value());
  INFO(by_ip.error->message);
  CHECK(contains(by_ip.error->message, "IP address mismatch"));

  auto unchecked =
      first_connection(ssl_client(bootstrap, {{"ssl.endpoint.identification.algorithm", "none"}}),
                       "localhost", b.port());
  CHECK(unchecked.ready);
}

TEST_CASE("a TLS client against a plaintext listener fails fast, never falls back") {
  RunningBroker b;
  auto out =
      first_connection(ssl_client("127.0.0.1:" + std::to_string(b.port())), "127.0.0.1", b.port());
  CHECK_FALSE(out.ready);
  REQUIRE(out.error.has_value());
  INFO(out.error->message);
  CHECK(out.error->code == net::tls::errc::handshake_failed);
  CHECK(contains(out.error->message, "PLAINTEXT listener"));
  CHECK(out.took < 3s);
  // The broker still serves plaintext clients.
  Config plain({{"bootstrap.servers", b.cluster->bootstrap_servers()}});
  CHECK(first_connection(plain, "127.0.0.1", b.port()).ready);
}

TEST_CASE("a plaintext client against a TLS listener is closed; others are still served") {
  RunningBroker b(ssl_broker());
  Config plain({{"bootstrap.servers", "127.0.0.1:" + std::to_string(b.port())}});
  auto out = first_connection(plain, "127.0.0.1", b.port());
  CHECK_FALSE(out.ready);
  REQUIRE(out.error.has_value());
  INFO(out.error->message);
  CHECK(out.took < 3s);
  // Raw garbage too, then a TLS client is served as before.
  {
    broker::test::TestClient raw(b.port(), 2000);
    (void)raw;
  }
  CHECK(first_connection(ssl_client("127.0.0.1:" + std::to_string(b.port())), "127.0.0.1", b.port())
            .ready);
}

TEST_CASE("invalid TLS settings fail client construction naming the property") {
  auto throws_naming = [](Config config, const std::string& property) {
    try {
      Producer p(config);
      FAIL("no exception for " << property);
    } catch (const std::invalid_argument& e) {
      std::string what = e.what();
      INFO(property << ": " << what);
      CHECK(contains(what, property));
    }
  };
  throws_naming(ssl_client("127.0.0.1:9", {{"ssl.ca.location", "/nonexistent/ca.pem"}}),
                "ssl.ca.location");
  throws_naming(ssl_client("127.0.0.1:9", {{"ssl.ca.pem", "not a certificate"}}), "ssl.ca.pem");
  throws_naming(ssl_client("127.0.0.1:9", {{"ssl.certificate.location", pki()("client.pem")},
                                           {"ssl.key.location", pki()("client-enc.key")},
                                           {"ssl.key.password", "wrong"}}),
                "ssl.key.location");
  throws_naming(ssl_client("127.0.0.1:9", {{"ssl.certificate.location", pki()("client.pem")},
                                           {"ssl.key.location", pki()("server.key")}}),
                "ssl.key.location");
  throws_naming(ssl_client("127.0.0.1:9", {{"ssl.certificate.location", pki()("client.pem")}}),
                "ssl.key.location");
  throws_naming(ssl_client("127.0.0.1:9", {{"ssl.enabled.protocols", "TLSv1.1"}}),
                "ssl.enabled.protocols");
  throws_naming(ssl_client("127.0.0.1:9", {{"ssl.endpoint.identification.algorithm", "dns"}}),
                "ssl.endpoint.identification.algorithm");
  throws_naming(ssl_client("127.0.0.1:9", {{"ssl.cipher.suites", "NO-SUCH-CIPHER"}}),
                "ssl.cipher.suites");
  // ssl.* without security.protocol=ssl is ignored, as librdkafka does.
  CHECK_NOTHROW(Producer(
      Config{{"bootstrap.servers", "127.0.0.1:9"}, {"ssl.ca.location", "/nonexistent/ca.pem"}}));
}

TEST_CASE("TLS 1.2 only and a chosen cipher suite still connect") {
  RunningBroker b(ssl_broker());
  auto out = first_connection(ssl_client("127.0.0.1:" + std::to_string(b.port()),
                                         {{"ssl.enabled.protocols", "TLSv1.2"},
                                          {"ssl.cipher.suites", "ECDHE-ECDSA-AES128-GCM-SHA256"}}),
                              "127.0.0.1", b.port());
  CHECK(out.ready);
}

TEST_CASE("a broker SSL listener without a certificate fails start-up naming the property") {
  TempDir dir;
  auto config = broker::BrokerConfig::from_properties(
      {{"listeners", "SSL://127.0.0.1:0"}, {"log.dirs", dir.path.string()}});
  REQUIRE(config.ok());
  auto c = broker::Cluster::start({std::move(*config), 1});
  REQUIRE_FALSE(c.ok());
  CHECK(contains(c.error().message, "ssl.certificate.location"));
  auto keystore = broker::BrokerConfig::from_properties({{"ssl.keystore.location", "/x.jks"}});
  REQUIRE_FALSE(keystore.ok());
  CHECK(contains(keystore.error().message, "ssl.certificate.location"));
  auto auth = broker::BrokerConfig::from_properties({{"ssl.client.auth", "maybe"}});
  REQUIRE_FALSE(auth.ok());
  CHECK(contains(auth.error().message, "ssl.client.auth"));
}

}  // namespace kafkit::test

namespace kafkit::test {

TEST_CASE("a TLS handshake nobody answers ends after request.timeout.ms") {
  // A listening socket that never accepts: the kernel completes TCP, nothing answers TLS.
  net::UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(listener.valid());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener.get(), 4) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  std::uint16_t port = ntohs(addr.sin_port);
  auto out = first_connection(
      ssl_client("127.0.0.1:" + std::to_string(port), {{"request.timeout.ms", "1000"}}),
      "127.0.0.1", port);
  CHECK_FALSE(out.ready);
  REQUIRE(out.error.has_value());
  INFO(out.error->message);
  CHECK(contains(out.error->message, "ssl handshake did not finish within 1000 ms"));
  CHECK(out.took >= 900ms);
  CHECK(out.took < 3s);
}

}  // namespace kafkit::test
