// librdkafka (C API, Debian's librdkafka-dev) against the reference broker's SSL listener,
// in-process (issue 8): produce and consume over TLS with client-certificate
// authentication (ssl.client.auth=required), and a librdkafka producer without a client
// certificate is refused. The PKI is made at test time (tls_certs.hpp).
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "../../integration/broker/broker_fixture.hpp"
#include "../../integration/net/tls_certs.hpp"

namespace kafkit::broker::test {
namespace {

using Props = std::vector<std::pair<std::string, std::string>>;

rd_kafka_t* make_client(rd_kafka_type_t type, Props props, int* delivered, int* failed) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  props.emplace_back("log_level", "2");
  for (auto& [k, v] : props)
    REQUIRE_MESSAGE(
        rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK, err);
  if (type == RD_KAFKA_PRODUCER) {
    static std::pair<int*, int*> counters;
    counters = {delivered, failed};
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void*) {
      ++*(m->err ? counters.second : counters.first);
    });
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  REQUIRE_MESSAGE(rk != nullptr, err);
  return rk;
}

}  // namespace

TEST_CASE("librdkafka produces and consumes over mTLS; without a certificate it is refused") {
  TempDir pki_dir;
  kafkit::test::tls::TestPki pki(pki_dir.path);
  RunningBroker b({{"listeners", "SSL://127.0.0.1:0"},
                   {"ssl.certificate.location", pki.path("server.pem")},
                   {"ssl.key.location", pki.path("server.key")},
                   {"ssl.ca.location", pki.path("ca.pem")},
                   {"ssl.client.auth", "required"}});
  std::string bootstrap = "127.0.0.1:" + std::to_string(b.port());
  Props tls{{"bootstrap.servers", bootstrap},
            {"security.protocol", "ssl"},
            {"ssl.ca.location", pki.path("ca.pem")},
            {"ssl.certificate.location", pki.path("client.pem")},
            {"ssl.key.location", pki.path("client.key")}};
  constexpr int kCount = 2000;
  int delivered = 0, failed = 0;
  {
    Props p = tls;
    p.emplace_back("acks", "all");
    p.emplace_back("compression.codec", "zstd");
    rd_kafka_t* producer = make_client(RD_KAFKA_PRODUCER, p, &delivered, &failed);
    for (int i = 0; i < kCount; ++i) {
      std::string value = "tls-value-" + std::to_string(i);
      rd_kafka_resp_err_t e =
          rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("rdk-tls"), RD_KAFKA_V_PARTITION(0),
                            RD_KAFKA_V_VALUE(value.data(), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      REQUIRE(e == RD_KAFKA_RESP_ERR_NO_ERROR);
      rd_kafka_poll(producer, 0);
    }
    CHECK(rd_kafka_flush(producer, 30000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(producer);
  }
  CHECK(delivered == kCount);
  CHECK(failed == 0);

  {
    Props p = tls;
    p.emplace_back("group.id", "rdk-tls");
    p.emplace_back("enable.auto.commit", "false");
    rd_kafka_t* consumer = make_client(RD_KAFKA_CONSUMER, p, nullptr, nullptr);
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(parts, "rdk-tls", 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
    REQUIRE(rd_kafka_assign(consumer, parts) == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(parts);
    int got = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (got < kCount && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string value(static_cast<const char*>(m->payload), m->len);
        CHECK(value == "tls-value-" + std::to_string(got));
        CHECK(m->offset == got);
        ++got;
      }
      rd_kafka_message_destroy(m);
    }
    CHECK(got == kCount);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
  }

  // Without a client certificate: nothing is delivered (message.timeout.ms expires).
  int ok2 = 0, failed2 = 0;
  Props no_cert{{"bootstrap.servers", bootstrap},
                {"security.protocol", "ssl"},
                {"ssl.ca.location", pki.path("ca.pem")},
                {"message.timeout.ms", "2000"}};
  rd_kafka_t* producer = make_client(RD_KAFKA_PRODUCER, no_cert, &ok2, &failed2);
  std::string x = "x";
  REQUIRE(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("rdk-tls"),
                            RD_KAFKA_V_VALUE(x.data(), x.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_flush(producer, 10000);
  rd_kafka_destroy(producer);
  CHECK(ok2 == 0);
  CHECK(failed2 == 1);
}

}  // namespace kafkit::broker::test
