// librdkafka's idempotent C producer through `kafkit-fuzz proxy` in front of kafkit-broker
// (issue 9, client mode, any client): it does not crash, every message gets its delivery
// report, and every acknowledged message is in the log, intact.
#include <librdkafka/rdkafka.h>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "../broker/broker_process.hpp"
#include "../client/log_reader.hpp"
#include "proxy_process.hpp"

using Clock = std::chrono::steady_clock;

namespace {

constexpr int kMessages = 1000;
const std::string kTopic = "rdkafka-fuzzed";

struct Reports {
  std::vector<int> count = std::vector<int>(kMessages, 0);
  std::vector<bool> acked = std::vector<bool>(kMessages, false);
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* r = static_cast<Reports*>(opaque);
  auto i = static_cast<size_t>(reinterpret_cast<intptr_t>(m->_private));
  if (i >= r->count.size()) return;
  ++r->count[i];
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) r->acked[i] = true;
}

std::string value_of(int i) {
  return "rd" + std::to_string(i) + ":" + std::string(static_cast<size_t>(10 + i % 90), 'x');
}

void set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
  char err[256];
  REQUIRE_MESSAGE(rd_kafka_conf_set(conf, name, value.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK,
                  name << ": " << err);
}

}  // namespace

TEST_CASE("fuzz proxy: librdkafka's idempotent producer through a hostile proxy") {
  kafkit::broker::test::TempDir dir;
  kafkit::broker::test::BrokerProcess broker((dir.path / "data").string(),
                                             {"--set", "num.partitions=2"});
  broker.start();
  kafkit::fuzz::test::ProxyProcess proxy({"--upstream", broker.bootstrap(), "--seed", "9", "--rate",
                                          "0.1", "--max-delay-ms", "1500", "--log",
                                          (dir.path / "proxy.log").string()});
  proxy.start();

  Reports reports;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", proxy.bootstrap());
  set(conf, "acks", "all");
  set(conf, "enable.idempotence", "true");
  set(conf, "linger.ms", "0");
  set(conf, "batch.num.messages", "8");
  set(conf, "request.timeout.ms", "1500");
  set(conf, "message.timeout.ms", "20000");
  set(conf, "retry.backoff.ms", "50");
  set(conf, "log_level", "2");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &reports);
  char err[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  REQUIRE_MESSAGE(rk != nullptr, err);
  std::vector<bool> accepted(kMessages, false);
  for (int i = 0; i < kMessages; ++i) {
    std::string v = value_of(i);
    rd_kafka_resp_err_t e = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(kTopic.c_str()), RD_KAFKA_V_VALUE(v.data(), v.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<intptr_t>(i))), RD_KAFKA_V_END);
    accepted[static_cast<size_t>(i)] = e == RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_poll(rk, 0);
  }
  auto deadline = Clock::now() + std::chrono::seconds(45);
  while (rd_kafka_outq_len(rk) > 0 && Clock::now() < deadline) rd_kafka_poll(rk, 100);
  CHECK_MESSAGE(rd_kafka_outq_len(rk) == 0, "messages without a delivery report after 45 s");
  rd_kafka_destroy(rk);

  int n_acked = 0;
  for (int i = 0; i < kMessages; ++i) {
    auto k = static_cast<size_t>(i);
    if (accepted[k]) CHECK_MESSAGE(reports.count[k] == 1, "message " << i);
    n_acked += reports.acked[k] ? 1 : 0;
  }
  MESSAGE("librdkafka: " << n_acked << " of " << kMessages << " acknowledged");
  CHECK(n_acked > 0);

  std::set<std::string> in_log;
  for (int p = 0; p < 2; ++p)
    for (const auto& rec : kafkit::test::read_partition(broker.port(), kTopic, p))
      if (rec.value) in_log.insert(*rec.value);
  int lost = 0;
  for (int i = 0; i < kMessages; ++i)
    if (reports.acked[static_cast<size_t>(i)] && !in_log.contains(value_of(i))) ++lost;
  CHECK(lost == 0);
  for (const auto& v : in_log) {
    bool intact = false;
    auto colon = v.find(':');
    if (v.starts_with("rd") && colon != std::string::npos) {
      int i = std::atoi(v.substr(2, colon - 2).c_str());
      intact = i >= 0 && i < kMessages && v == value_of(i);
    }
    CHECK_MESSAGE(intact, "corrupt message in the log: " << v.substr(0, 40));
  }
  CHECK(proxy.stop() == 0);
  MESSAGE(proxy.output());
  CHECK(broker.stop() == 0);
}
