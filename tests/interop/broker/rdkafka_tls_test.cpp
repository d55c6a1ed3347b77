// librdkafka (C API, Debian's librdkafka-dev) against the reference broker's SSL listener,
// in-process (issue 8): produce and consume over TLS with client-certificate
// authentication (ssl.client.auth=required), and a librdkafka producer without a client
// certificate is refused. The PKI is made at test time (tls_certs.hpp).
#include <string>

#include "../../integration/broker/broker_fixture.hpp"
#include "../../integration/net/tls_certs.hpp"
#include "rdkafka_support.hpp"

namespace kafkit::broker::test {

TEST_CASE("librdkafka produces and consumes over mTLS; without a certificate it is refused") {
  TempDir pki_dir;
  kafkit::test::tls::TestPki pki(pki_dir.path);
  RunningBroker b({{"listeners", "SSL://127.0.0.1:0"},
                   {"ssl.certificate.location", pki.path("server.pem")},
                   {"ssl.key.location", pki.path("server.key")},
                   {"ssl.ca.location", pki.path("ca.pem")},
                   {"ssl.client.auth", "required"}});
  std::string bootstrap = "127.0.0.1:" + std::to_string(b.port());
  rdk::Props tls{{"bootstrap.servers", bootstrap},
                 {"security.protocol", "ssl"},
                 {"ssl.ca.location", pki.path("ca.pem")},
                 {"ssl.certificate.location", pki.path("client.pem")},
                 {"ssl.key.location", pki.path("client.key")}};
  constexpr int kCount = 2000;
  rdk::Props compressed = tls;
  compressed.emplace_back("compression.codec", "zstd");
  rdk::Events produced = rdk::produce(compressed, "rdk-tls", "tls-value-", kCount);
  CHECK(produced.delivered == kCount);
  CHECK(produced.failed == 0);
  CHECK(rdk::consume(tls, "rdk-tls", "tls-value-", kCount) == kCount);

  // Without a client certificate: nothing is delivered (message.timeout.ms expires).
  rdk::Events refused = rdk::produce({{"bootstrap.servers", bootstrap},
                                      {"security.protocol", "ssl"},
                                      {"ssl.ca.location", pki.path("ca.pem")},
                                      {"message.timeout.ms", "2000"}},
                                     "rdk-tls", "x", 1);
  CHECK(refused.delivered == 0);
  CHECK(refused.failed == 1);
}

}  // namespace kafkit::broker::test
