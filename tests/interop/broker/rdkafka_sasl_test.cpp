// librdkafka (C API, Debian's librdkafka 2.0.2) against the reference broker's SASL_SSL
// listener, in-process (issue 8): produce and consume with SCRAM-SHA-512 and PLAIN inside
// TLS, also with a client certificate (mTLS under SASL); a wrong password reaches the
// application as librdkafka's authentication error, and nothing is delivered.
#include <algorithm>
#include <string>

#include "../../integration/broker/broker_fixture.hpp"
#include "../../integration/net/tls_certs.hpp"
#include "rdkafka_support.hpp"

namespace kafkit::broker::test {
namespace {

struct SaslSslBroker {
  TempDir pki_dir;
  kafkit::test::tls::TestPki pki{pki_dir.path};
  RunningBroker broker;

  /// `mtls`: ssl.client.auth=required, client certificates checked against the test CA.
  explicit SaslSslBroker(bool mtls = false) {
    Properties extra;
    if (mtls) {
      extra["ssl.client.auth"] = "required";
      extra["ssl.ca.location"] = pki.path("ca.pem");
    }
    extra["listeners"] = "SASL_SSL://127.0.0.1:0";
    extra["ssl.certificate.location"] = pki.path("server.pem");
    extra["ssl.key.location"] = pki.path("server.key");
    extra["sasl.enabled.mechanisms"] = "PLAIN,SCRAM-SHA-512";
    extra["sasl.users"] = "alice:alice-secret,bob:bob-secret";
    broker.start(std::move(extra));
  }

  rdk::Props client(const std::string& mechanism, const std::string& user,
                    const std::string& password) const {
    return {{"bootstrap.servers", broker.cluster->bootstrap_servers()},
            {"security.protocol", "sasl_ssl"},
            {"ssl.ca.location", pki.path("ca.pem")},
            {"sasl.mechanisms", mechanism},
            {"sasl.username", user},
            {"sasl.password", password}};
  }
};

void round_trip(const rdk::Props& producer, const rdk::Props& consumer, const std::string& topic,
                int count) {
  rdk::Events produced = rdk::produce(producer, topic, topic + "-", count);
  CHECK(produced.delivered == count);
  CHECK(produced.failed == 0);
  CHECK(rdk::consume(consumer, topic, topic + "-", count) == count);
}

bool saw(const rdk::Events& e, rd_kafka_resp_err_t code) {
  return std::find(e.errors.begin(), e.errors.end(), code) != e.errors.end();
}

}  // namespace

TEST_CASE("librdkafka over SASL_SSL: SCRAM-SHA-512 and PLAIN produce and consume") {
  SaslSslBroker b;
  round_trip(b.client("SCRAM-SHA-512", "alice", "alice-secret"),
             b.client("SCRAM-SHA-512", "bob", "bob-secret"), "rdk-scram512", 1000);
  round_trip(b.client("PLAIN", "alice", "alice-secret"), b.client("PLAIN", "bob", "bob-secret"),
             "rdk-plain", 1000);
}

TEST_CASE("librdkafka over SASL_SSL: a wrong password is an authentication error") {
  SaslSslBroker b;
  for (std::string mechanism : {"SCRAM-SHA-512", "PLAIN"}) {
    CAPTURE(mechanism);
    rdk::Props props = b.client(mechanism, "alice", "wrong");
    props.emplace_back("message.timeout.ms", "3000");
    rdk::Events refused = rdk::produce(props, "rdk-refused", "x", 1);
    INFO(refused.last_error);
    CHECK(refused.delivered == 0);
    CHECK(refused.failed == 1);
    CHECK(saw(refused, RD_KAFKA_RESP_ERR__AUTHENTICATION));
  }
  // Still serving good credentials.
  round_trip(b.client("SCRAM-SHA-512", "alice", "alice-secret"),
             b.client("SCRAM-SHA-512", "alice", "alice-secret"), "rdk-after", 10);
}

TEST_CASE("librdkafka over SASL_SSL with a client certificate (mTLS under SASL)") {
  SaslSslBroker b(/*mtls=*/true);
  rdk::Props props = b.client("SCRAM-SHA-512", "alice", "alice-secret");
  props.emplace_back("ssl.certificate.location", b.pki.path("client.pem"));
  props.emplace_back("ssl.key.location", b.pki.path("client.key"));
  round_trip(props, props, "rdk-mtls-sasl", 500);
  rdk::Props no_cert = b.client("SCRAM-SHA-512", "alice", "alice-secret");
  no_cert.emplace_back("message.timeout.ms", "3000");
  rdk::Events refused = rdk::produce(no_cert, "rdk-mtls-sasl", "x", 1);
  CHECK(refused.delivered == 0);
  CHECK(refused.failed == 1);
}

}  // namespace kafkit::broker::test
