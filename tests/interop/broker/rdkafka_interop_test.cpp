// librdkafka 2.0.2 (Debian's librdkafka-dev, a peer nobody here wrote) against
// kafkit-broker as a real process: 100,000 messages per compression codec produced with
// acks=all, checked on disk to really be compressed with that codec (librdkafka silently
// stops compressing when a broker's ApiVersions lacks the versions it gates on), then
// consumed back and compared byte for byte and in order.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "../../integration/broker/broker_fixture.hpp"
#include "../../integration/broker/broker_process.hpp"
#include "protocol/records/record_batch_reader.hpp"

namespace kafkit::broker::test {
namespace {

constexpr int kMessages = 100000;

std::string key_of(int i) {
  return "key-" + std::to_string(i);
}
// Deterministic, varied, compressible-but-not-trivial values of 20-200 bytes.
std::string value_of(int i) {
  uint32_t x = static_cast<uint32_t>(i) * 2654435761u + 12345u;
  std::string v = "value-" + std::to_string(i) + "-";
  size_t len = 20 + x % 180;
  while (v.size() < len) {
    x = x * 1103515245u + 12345u;
    v += static_cast<char>('a' + (x >> 16) % 26);
  }
  return v;
}

rd_kafka_t* make_client(rd_kafka_type_t type, const std::string& bootstrap,
                        std::vector<std::pair<std::string, std::string>> props) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  props.emplace_back("bootstrap.servers", bootstrap);
  props.emplace_back("log_level", "3");
  for (auto& [k, v] : props)
    REQUIRE_MESSAGE(
        rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK, err);
  if (type == RD_KAFKA_PRODUCER)
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
      auto* failures = static_cast<int*>(opaque);
      if (m->err) ++*failures;
    });
  static int failures = 0;
  rd_kafka_conf_set_opaque(conf, &failures);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  REQUIRE_MESSAGE(rk != nullptr, err);
  return rk;
}

int produce_all(const std::string& bootstrap, const std::string& topic, const char* codec,
                std::vector<std::pair<std::string, std::string>> extra = {}) {
  std::vector<std::pair<std::string, std::string>> props{
      {"compression.codec", codec},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"queue.buffering.max.messages", "200000"}};
  props.insert(props.end(), extra.begin(), extra.end());
  rd_kafka_t* p = make_client(RD_KAFKA_PRODUCER, bootstrap, std::move(props));
  int* failures = static_cast<int*>(rd_kafka_opaque(p));
  *failures = 0;
  for (int i = 0; i < kMessages; ++i) {
    std::string k = key_of(i), v = value_of(i);
    rd_kafka_resp_err_t err;
    while ((err = rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                                    RD_KAFKA_V_KEY(k.data(), k.size()),
                                    RD_KAFKA_V_VALUE(v.data(), v.size()),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(p, 10);
    REQUIRE_MESSAGE(err == RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_err2str(err));
    rd_kafka_poll(p, 0);
  }
  REQUIRE(rd_kafka_flush(p, 120000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  int failed = *failures;
  rd_kafka_destroy(p);
  return failed;
}

// The simple (group-less) consumer API: groups arrive with the coordinator in issue 6.
void consume_and_compare(const std::string& bootstrap, const std::string& topic) {
  rd_kafka_t* c = make_client(RD_KAFKA_CONSUMER, bootstrap, {{"fetch.wait.max.ms", "100"}});
  rd_kafka_topic_t* t = rd_kafka_topic_new(c, topic.c_str(), nullptr);
  REQUIRE(rd_kafka_consume_start(t, 0, RD_KAFKA_OFFSET_BEGINNING) == 0);
  int next = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::vector<rd_kafka_message_t*> msgs(10000);
  while (next < kMessages && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = rd_kafka_consume_batch(t, 0, 1000, msgs.data(), msgs.size());
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = msgs[static_cast<size_t>(i)];
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        rd_kafka_message_destroy(m);
        continue;
      }
      REQUIRE_MESSAGE(m->err == RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_message_errstr(m));
      REQUIRE(m->offset == next);
      std::string k(static_cast<const char*>(m->key), m->key_len);
      std::string v(static_cast<const char*>(m->payload), m->len);
      REQUIRE(k == key_of(next));
      REQUIRE(v == value_of(next));
      ++next;
      rd_kafka_message_destroy(m);
    }
  }
  CHECK(next == kMessages);
  rd_kafka_consume_stop(t, 0);
  rd_kafka_topic_destroy(t);
  rd_kafka_destroy(c);
}

// Producer id, epoch and sequence of every batch stored for `topic` (its first MiB).
struct StoredBatch {
  int64_t producer_id;
  int16_t epoch;
  int32_t base_sequence;
  int32_t records;
};
std::vector<StoredBatch> stored_batches(uint16_t port, const std::string& topic) {
  TestClient c(port);
  std::vector<StoredBatch> out;
  auto f = c.call<protocol::FetchResponse>(fetch_request(topic, 0, 0, 0, 1, 1 << 20), 11);
  protocol::ByteView rest(*f.responses.at(0).partitions.at(0).records);
  while (!rest.empty()) {
    auto h = protocol::parse_batch_header(rest);
    if (!h || h->size_in_bytes() > rest.size()) break;  // a partial batch at the limit
    out.push_back({h->producer_id, h->producer_epoch, h->base_sequence, h->record_count});
    rest = rest.subspan(h->size_in_bytes());
  }
  return out;
}

TEST_CASE("librdkafka's idempotent producer (enable.idempotence=true) works against the broker") {
  TempDir dir;
  BrokerProcess broker(dir.path.string());
  broker.start();
  // librdkafka enables idempotence only when the broker advertises InitProducerId 0
  // (protocol-facts §1.3); if it could not, producing would fail with a fatal error.
  CHECK(produce_all(broker.bootstrap(), "interop-idempotent", "lz4",
                    {{"enable.idempotence", "true"}, {"max.in.flight", "5"}}) == 0);
  // Every batch carries the producer id, and sequences continue without gap or overlap.
  std::vector<StoredBatch> batches = stored_batches(broker.port(), "interop-idempotent");
  REQUIRE(!batches.empty());
  int32_t next_seq = 0;
  for (const StoredBatch& b : batches) {
    CHECK(b.producer_id == batches.front().producer_id);
    CHECK(b.producer_id >= 0);
    CHECK(b.epoch == 0);
    CHECK(b.base_sequence == next_seq);
    next_seq = b.base_sequence + b.records;
  }
  // No loss, no duplicate, in order.
  consume_and_compare(broker.bootstrap(), "interop-idempotent");
  CHECK(broker.stop(SIGTERM) == 0);
}

TEST_CASE("librdkafka round-trips 100,000 messages per codec through kafkit-broker") {
  TempDir dir;
  BrokerProcess broker(dir.path.string());
  broker.start();
  const std::pair<const char*, int> codecs[] = {
      {"none", 0}, {"gzip", 1}, {"snappy", 2}, {"lz4", 3}, {"zstd", 4}};
  for (const auto& entry : codecs) {
    const char* codec = entry.first;  // no structured binding: clang 14 cannot capture it
    int id = entry.second;
    std::string codec_name = codec;
    CAPTURE(codec_name);
    std::string topic = std::string("interop-") + codec;
    CHECK(produce_all(broker.bootstrap(), topic, codec) == 0);
    // librdkafka leaves a batch uncompressed when compressing does not make it smaller
    // (a lone small message when the broker is slow, e.g. under ASan): codec 0 may appear.
    std::set<int> codecs = stored_codecs(broker.port(), topic);
    std::string seen;
    for (int c : codecs) seen += std::to_string(c) + " ";
    MESSAGE(codec_name << " batches stored with codec ids: " << seen);
    CHECK(codecs.count(id) == 1);
    CHECK(codecs.size() <= (id == 0 ? 1u : 2u));
    CHECK((codecs.size() == 1 || codecs.count(0) == 1));
    consume_and_compare(broker.bootstrap(), topic);
  }
  CHECK(broker.stop(SIGTERM) == 0);
}

}  // namespace
}  // namespace kafkit::broker::test
