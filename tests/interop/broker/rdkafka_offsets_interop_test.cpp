// librdkafka 2.0.2 (Debian's librdkafka-dev) committing and reading offsets through
// kafkit-broker's group coordinator, without joining a group: rd_kafka_assign +
// rd_kafka_commit (OffsetCommit v7, generation -1) + rd_kafka_committed (OffsetFetch v7),
// the offsets and metadata surviving a broker restart, and a consumer assigned at
// RD_KAFKA_OFFSET_STORED starting where the commit says.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "../../integration/broker/broker_fixture.hpp"
#include "../../integration/broker/broker_process.hpp"
#include "protocol/messages/create_topics.hpp"

namespace kafkit::broker::test {
namespace {

constexpr const char* kTopic = "rdk-offsets";
constexpr const char* kGroup = "rdk-offsets-group";

rd_kafka_t* make_consumer(const std::string& bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> props{{"bootstrap.servers", bootstrap},
                                                         {"group.id", kGroup},
                                                         {"enable.auto.commit", "false"},
                                                         {"fetch.wait.max.ms", "100"},
                                                         {"log_level", "3"}};
  for (auto& [k, v] : props)
    REQUIRE_MESSAGE(
        rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK, err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  REQUIRE_MESSAGE(rk != nullptr, err);
  return rk;
}

void create_topic(uint16_t port, int32_t partitions) {
  TestClient c(port);
  protocol::CreateTopicsRequest req;
  protocol::CreateTopicsRequest::CreatableTopic t;
  t.name = kTopic;
  t.num_partitions = partitions;
  t.replication_factor = 1;
  req.topics.push_back(t);
  req.timeout_ms = 10000;
  auto r = c.call<protocol::CreateTopicsResponse>(req, 7);
  REQUIRE(r.topics.at(0).error_code == 0);
}

void produce(uint16_t port, int32_t partition, int count) {
  TestClient c(port);
  std::vector<std::string> values;
  for (int i = 0; i < count; ++i) values.push_back("v" + std::to_string(i));
  // Timestamps of now: make_batch's default (2023) is past the default retention, and the
  // restart below would delete the segment.
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto r = c.call<protocol::ProduceResponse>(
      produce_request(kTopic, partition, make_batch(values, now)), 9);
  REQUIRE(r.responses.at(0).partition_responses.at(0).error_code == 0);
}

struct Committed {
  int64_t offset;
  std::string metadata;
};

// rd_kafka_committed for partitions 0..n-1.
std::vector<Committed> committed(rd_kafka_t* rk, int32_t n) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(n);
  for (int32_t p = 0; p < n; ++p) rd_kafka_topic_partition_list_add(list, kTopic, p);
  rd_kafka_resp_err_t err = rd_kafka_committed(rk, list, 10000);
  REQUIRE_MESSAGE(err == RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_err2str(err));
  std::vector<Committed> out;
  for (int32_t p = 0; p < n; ++p) {
    rd_kafka_topic_partition_t* tp = rd_kafka_topic_partition_list_find(list, kTopic, p);
    REQUIRE(tp != nullptr);
    CHECK(tp->err == RD_KAFKA_RESP_ERR_NO_ERROR);
    out.push_back(
        {tp->offset, tp->metadata != nullptr
                         ? std::string(static_cast<const char*>(tp->metadata), tp->metadata_size)
                         : std::string()});
  }
  rd_kafka_topic_partition_list_destroy(list);
  return out;
}

TEST_CASE("librdkafka commits and reads back offsets through kafkit-broker, across a restart") {
  TempDir dir;
  BrokerProcess broker(dir.path.string());
  broker.start();
  create_topic(broker.port(), 3);
  produce(broker.port(), 0, 20);

  rd_kafka_t* rk = make_consumer(broker.bootstrap());
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(3);
  for (int32_t p = 0; p < 3; ++p)
    rd_kafka_topic_partition_list_add(assignment, kTopic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  REQUIRE(rd_kafka_assign(rk, assignment) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(assignment);

  // Nothing committed yet.
  for (const Committed& c : committed(rk, 3)) CHECK(c.offset == RD_KAFKA_OFFSET_INVALID);

  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(3);
  rd_kafka_topic_partition_t* p0 = rd_kafka_topic_partition_list_add(offsets, kTopic, 0);
  p0->offset = 5;
  std::string meta = "consumed-by-rdkafka";
  p0->metadata = rd_kafka_mem_malloc(nullptr, meta.size());
  std::memcpy(p0->metadata, meta.data(), meta.size());
  p0->metadata_size = meta.size();
  rd_kafka_topic_partition_list_add(offsets, kTopic, 1)->offset = 17;
  rd_kafka_topic_partition_list_add(offsets, kTopic, 2)->offset = 0;
  rd_kafka_resp_err_t err = rd_kafka_commit(rk, offsets, 0 /* synchronous */);
  REQUIRE_MESSAGE(err == RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_err2str(err));
  for (int i = 0; i < offsets->cnt; ++i) CHECK(offsets->elems[i].err == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(offsets);

  std::vector<Committed> got = committed(rk, 3);
  CHECK(got[0].offset == 5);
  CHECK(got[0].metadata == meta);
  CHECK(got[1].offset == 17);
  CHECK(got[2].offset == 0);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);

  // A clean restart of the broker keeps them.
  CHECK(broker.stop(SIGTERM) == 0);
  broker.start();
  rk = make_consumer(broker.bootstrap());
  got = committed(rk, 3);
  CHECK(got[0].offset == 5);
  CHECK(got[0].metadata == meta);
  CHECK(got[1].offset == 17);
  CHECK(got[2].offset == 0);

  // Assigned at the stored offset, librdkafka fetches the commit and starts there.
  assignment = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(assignment, kTopic, 0)->offset = RD_KAFKA_OFFSET_STORED;
  REQUIRE(rd_kafka_assign(rk, assignment) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(assignment);
  int64_t first = -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (first < 0 && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
      first = m->offset;
    else
      CHECK_MESSAGE(m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF, rd_kafka_message_errstr(m));
    rd_kafka_message_destroy(m);
  }
  CHECK(first == 5);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  CHECK(broker.stop(SIGTERM) == 0);
}

}  // namespace
}  // namespace kafkit::broker::test
