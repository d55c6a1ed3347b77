// RdKafkaMockCluster's hooks, each shown to have an effect on a real client: librdkafka's own
// producer (so that these tests say something about the helper, not about kafkit's
// producer, which the producer interop suites then test with the same hooks).
#include <doctest/doctest.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rdkafka_mock_cluster.hpp"

using kafkit::test::InjectedResponse;
using kafkit::test::RdKafkaMockCluster;
namespace api_key = kafkit::test::api_key;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// What one message's delivery report said.
struct Delivery {
  bool reported = false;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  int32_t partition = -1;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* d = static_cast<Delivery*>(m->_private);
  d->reported = true;
  d->error = m->err;
  d->partition = m->partition;
}

// A librdkafka producer with short timeouts and backoffs, so that failures show within a
// second or two and the suite stays fast.
class TestProducer {
 public:
  TestProducer(const std::string& bootstrap,
               std::vector<std::pair<std::string, std::string>> extra = {}) {
    std::vector<std::pair<std::string, std::string>> props = {
        {"bootstrap.servers", bootstrap},
        {"linger.ms", "0"},
        {"retry.backoff.ms", "20"},
        {"reconnect.backoff.ms", "20"},
        {"reconnect.backoff.max.ms", "200"},
        {"topic.metadata.refresh.interval.ms", "200"},
        {"message.timeout.ms", "5000"},
        {"log_level", "2"},  // the tests provoke connection errors on purpose
    };
    props.insert(props.end(), extra.begin(), extra.end());
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[512];
    for (const auto& prop : props) {  // no structured binding: clang 14 cannot capture one
      const std::string& name = prop.first;
      REQUIRE_MESSAGE(rd_kafka_conf_set(conf, name.c_str(), prop.second.c_str(), err, sizeof err) ==
                          RD_KAFKA_CONF_OK,
                      name, ": ", std::string(err));
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    REQUIRE_MESSAGE(rk_ != nullptr, std::string(err));
  }
  ~TestProducer() { rd_kafka_destroy(rk_); }
  TestProducer(const TestProducer&) = delete;
  TestProducer& operator=(const TestProducer&) = delete;

  rd_kafka_t* get() const { return rk_; }

  // Sends one message and waits (bounded) for its report.
  Delivery send(const std::string& topic, int32_t partition = 0,
                std::chrono::milliseconds timeout = 10s) {
    Delivery& d = deliveries_.emplace_back();
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_VALUE(const_cast<char*>("value"), 5), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(&d), RD_KAFKA_V_END);
    REQUIRE_MESSAGE(err == RD_KAFKA_RESP_ERR_NO_ERROR, std::string(rd_kafka_err2str(err)));
    auto deadline = Clock::now() + timeout;
    while (!d.reported && Clock::now() < deadline) rd_kafka_poll(rk_, 20);
    REQUIRE_MESSAGE(d.reported, "no delivery report within ", timeout.count(), " ms");
    return d;
  }

  // The partition's leader as the cluster reports it now (a fresh Metadata request).
  int32_t leader(const std::string& topic, int32_t partition) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 0, rkt, &md, 5000);
    rd_kafka_topic_destroy(rkt);
    REQUIRE_MESSAGE(err == RD_KAFKA_RESP_ERR_NO_ERROR, std::string(rd_kafka_err2str(err)));
    int32_t leader = -2;
    if (md->topic_cnt == 1 && partition < md->topics[0].partition_cnt) {
      leader = md->topics[0].partitions[partition].leader;
    }
    rd_kafka_metadata_destroy(md);
    return leader;
  }

  // The error Metadata reports for a topic.
  rd_kafka_resp_err_t topic_error(const std::string& topic) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 0, rkt, &md, 5000);
    rd_kafka_topic_destroy(rkt);
    REQUIRE_MESSAGE(err == RD_KAFKA_RESP_ERR_NO_ERROR, std::string(rd_kafka_err2str(err)));
    rd_kafka_resp_err_t result = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR__FAIL;
    rd_kafka_metadata_destroy(md);
    return result;
  }

  std::vector<int32_t> broker_ids() {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 0, nullptr, &md, 5000);
    REQUIRE_MESSAGE(err == RD_KAFKA_RESP_ERR_NO_ERROR, std::string(rd_kafka_err2str(err)));
    std::vector<int32_t> ids;
    for (int i = 0; i < md->broker_cnt; ++i) ids.push_back(md->brokers[i].id);
    rd_kafka_metadata_destroy(md);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  int64_t high_watermark(const std::string& topic, int32_t partition) {
    int64_t low = -1, high = -1;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk_, topic.c_str(), partition, &low, &high, 5000);
    REQUIRE_MESSAGE(err == RD_KAFKA_RESP_ERR_NO_ERROR, std::string(rd_kafka_err2str(err)));
    return high;
  }

 private:
  rd_kafka_t* rk_ = nullptr;
  std::deque<Delivery> deliveries_;  // stable addresses: each one is a message's opaque
};

std::chrono::milliseconds timed_send(TestProducer& producer, const std::string& topic,
                                     Delivery& result) {
  auto start = Clock::now();
  result = producer.send(topic);
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace

TEST_CASE("mock cluster: every broker is in bootstrap.servers and in metadata") {
  RdKafkaMockCluster cluster(3);
  CHECK(cluster.broker_count() == 3);
  CHECK(std::count(cluster.bootstrap_servers().begin(), cluster.bootstrap_servers().end(), ',') ==
        2);
  TestProducer producer(cluster.bootstrap_servers());
  CHECK(producer.broker_ids() == std::vector<int32_t>{1, 2, 3});
}

TEST_CASE("mock cluster: a leader move shows in metadata and the moved partition takes writes") {
  RdKafkaMockCluster cluster(3);
  cluster.create_topic("moves", 2, 3);
  cluster.set_partition_leader("moves", 0, 3);
  TestProducer producer(cluster.bootstrap_servers());
  CHECK(producer.leader("moves", 0) == 3);
  CHECK(producer.send("moves", 0).error == RD_KAFKA_RESP_ERR_NO_ERROR);

  cluster.set_partition_leader("moves", 0, 2);
  CHECK(producer.leader("moves", 0) == 2);
  // The log belongs to the partition, not to the leader: both writes are in it.
  CHECK(producer.send("moves", 0).error == RD_KAFKA_RESP_ERR_NO_ERROR);
  CHECK(producer.high_watermark("moves", 0) == 2);

  cluster.set_partition_leader("moves", 1, -1);
  CHECK(producer.leader("moves", 1) == -1);
}

TEST_CASE("mock cluster: injected Produce errors reach the delivery reports in order") {
  RdKafkaMockCluster cluster(1);
  cluster.create_topic("errors", 1);
  // No retries, so each injected error is one failed delivery.
  TestProducer producer(cluster.bootstrap_servers(),
                        {{"enable.idempotence", "false"}, {"message.send.max.retries", "0"}});
  REQUIRE(producer.send("errors").error == RD_KAFKA_RESP_ERR_NO_ERROR);  // connected

  cluster.push_request_errors(api_key::produce, {RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                                 RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR});
  CHECK(producer.send("errors").error == RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  CHECK(producer.send("errors").error == RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR);
  CHECK(producer.send("errors").error == RD_KAFKA_RESP_ERR_NO_ERROR);

  // Cleared errors are never served.
  cluster.push_request_errors(api_key::produce, {RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS});
  cluster.clear_request_errors(api_key::produce);
  CHECK(producer.send("errors").error == RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST_CASE("mock cluster: retriable Produce errors on one broker are retried, and counted") {
  RdKafkaMockCluster cluster(1);
  cluster.create_topic("retries", 1);
  TestProducer producer(cluster.bootstrap_servers(), {{"enable.idempotence", "true"}});
  REQUIRE(producer.send("retries").error == RD_KAFKA_RESP_ERR_NO_ERROR);

  cluster.push_broker_request_errors(1, api_key::produce,
                                     {{RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, 0ms},
                                      {RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, 0ms},
                                      {RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, 0ms}});
  CHECK(cluster.pending_broker_errors(1, api_key::produce) == 3);
  Delivery d = producer.send("retries");
  CHECK(d.error == RD_KAFKA_RESP_ERR_NO_ERROR);
  // All three were served, so the one message took four Produce requests.
  CHECK(cluster.pending_broker_errors(1, api_key::produce) == 0);
  // Retried without duplicates: the log holds the warm-up message and this one.
  CHECK(producer.high_watermark("retries", 0) == 2);

  CHECK_THROWS_AS((void)cluster.pending_broker_errors(99, api_key::produce), std::runtime_error);
}

TEST_CASE("mock cluster: a broker taken down fails deliveries until it is back up") {
  RdKafkaMockCluster cluster(1);
  cluster.create_topic("down", 1);
  TestProducer producer(cluster.bootstrap_servers(), {{"message.timeout.ms", "1000"}});
  REQUIRE(producer.send("down").error == RD_KAFKA_RESP_ERR_NO_ERROR);

  cluster.broker_down(1);
  CHECK(producer.send("down").error != RD_KAFKA_RESP_ERR_NO_ERROR);  // timed out
  cluster.broker_up(1);
  CHECK(producer.send("down").error == RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST_CASE("mock cluster: failover, leader down and leadership moved to another broker") {
  RdKafkaMockCluster cluster(2);
  cluster.create_topic("failover", 1, 2);
  cluster.set_partition_leader("failover", 0, 1);
  TestProducer producer(cluster.bootstrap_servers());
  REQUIRE(producer.send("failover").error == RD_KAFKA_RESP_ERR_NO_ERROR);

  cluster.broker_down(1);
  cluster.set_partition_leader("failover", 0, 2);
  // The producer learns the new leader from broker 2's metadata and delivers there.
  CHECK(producer.send("failover").error == RD_KAFKA_RESP_ERR_NO_ERROR);
  CHECK(producer.leader("failover", 0) == 2);
}

TEST_CASE("mock cluster: rtt and per-request delays slow the answers down") {
  RdKafkaMockCluster cluster(1);
  cluster.create_topic("slow", 1);
  TestProducer producer(cluster.bootstrap_servers());
  REQUIRE(producer.send("slow").error == RD_KAFKA_RESP_ERR_NO_ERROR);
  Delivery d;

  cluster.set_rtt(1, 400ms);
  CHECK(timed_send(producer, "slow", d) >= 350ms);
  CHECK(d.error == RD_KAFKA_RESP_ERR_NO_ERROR);
  cluster.set_rtt(1, 0ms);
  CHECK(timed_send(producer, "slow", d) < 350ms);

  // One delayed answer, with no error: only that request waits.
  cluster.push_broker_request_errors(1, api_key::produce, {{RD_KAFKA_RESP_ERR_NO_ERROR, 400ms}});
  CHECK(timed_send(producer, "slow", d) >= 350ms);
  CHECK(d.error == RD_KAFKA_RESP_ERR_NO_ERROR);
  CHECK(timed_send(producer, "slow", d) < 350ms);
}

TEST_CASE("mock cluster: a topic error shows in metadata until cleared") {
  RdKafkaMockCluster cluster(1);
  cluster.create_topic("secret", 1);
  TestProducer producer(cluster.bootstrap_servers());
  cluster.set_topic_error("secret", RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  CHECK(producer.topic_error("secret") == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  cluster.set_topic_error("secret", RD_KAFKA_RESP_ERR_NO_ERROR);
  CHECK(producer.topic_error("secret") == RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST_CASE("mock cluster: bad arguments throw, naming the call") {
  CHECK_THROWS_AS(RdKafkaMockCluster(0), std::invalid_argument);
  RdKafkaMockCluster cluster(1);
  CHECK_THROWS_WITH_AS(cluster.broker_down(7), doctest::Contains("broker 7"), std::runtime_error);
}
