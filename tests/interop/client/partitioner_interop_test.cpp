// librdkafka 2.0.2 (Debian's librdkafka-dev) picks the partition for each of ~200 keys with
// each of its hashing partitioners; ours must pick the same one for every key.
#include <doctest/doctest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/partitioner/librdkafka_partitioner.hpp"

using namespace kafkit::client;

namespace {

constexpr int32_t partition_count = 17;
constexpr const char* topic_name = "partitioner-interop";

struct Sample {
  std::optional<std::string> key;  // nullopt = NULL key
  int32_t partition = -2;          // from the delivery report
  int err = -1;
};

std::vector<Sample> make_samples() {
  std::vector<Sample> samples;
  // Text keys of every tail length, and binary keys with bytes >= 0x80 in the words and
  // the tail (where a signed-byte slip would show).
  for (int i = 0; i < 130; ++i) samples.push_back({"key-" + std::to_string(i * 7919)});
  for (int len = 1; len <= 40; ++len) {
    std::string k;
    for (int j = 0; j < len; ++j) k.push_back(static_cast<char>(0x80 + (len * 31 + j * 17) % 128));
    samples.push_back({k});
  }
  for (int i = 0; i < 30; ++i) {
    std::string k(static_cast<size_t>(i % 9 + 1), '\0');
    for (size_t j = 0; j < k.size(); ++j) k[j] = static_cast<char>((i * 53 + j * 101) & 0xff);
    samples.push_back({k});
  }
  samples.push_back({std::string("foobar")});
  samples.push_back({std::string("21")});
  samples.push_back({std::string("kafka")});
  samples.push_back({std::string()});  // empty, not null
  for (int i = 0; i < 10; ++i) samples.push_back({std::nullopt});
  return samples;
}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* s = static_cast<Sample*>(m->_private);
  s->partition = m->partition;
  s->err = m->err;
}

rd_kafka_conf_t* conf_with(std::initializer_list<std::pair<const char*, std::string>> props) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      const std::string message = std::string(k) + ": " + err;
      FAIL(message);
    }
  }
  return conf;
}

// Produces every sample with librdkafka's `partitioner` and fills in the partitions chosen.
void produce_all(const std::string& bootstraps, const char* partitioner,
                 std::vector<Sample>& samples) {
  rd_kafka_conf_t* conf = conf_with({{"bootstrap.servers", bootstraps},
                                     {"partitioner", partitioner},
                                     // One sticky partition for the whole run, so null
                                     // keys under the sticky partitioners are checkable.
                                     {"sticky.partitioning.linger.ms", "600000"},
                                     {"linger.ms", "5"}});
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  REQUIRE_MESSAGE(rk != nullptr, err);
  // Let metadata arrive first so every record is partitioned with the full topic known.
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic_name, nullptr);
  REQUIRE(rd_kafka_metadata(rk, 0, rkt, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  for (Sample& s : samples) {
    const void* key = s.key ? s.key->data() : nullptr;
    const size_t key_len = s.key ? s.key->size() : 0;
    const rd_kafka_resp_err_t e = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic_name), RD_KAFKA_V_KEY(key, key_len),
        RD_KAFKA_V_VALUE(const_cast<char*>("v"), 1), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(&s), RD_KAFKA_V_END);
    REQUIRE(e == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_poll(rk, 0);
  }
  REQUIRE(rd_kafka_flush(rk, 30000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(rk);
}

struct MockCluster {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mc = nullptr;
  MockCluster() {
    char err[512];
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), err, sizeof err);
    REQUIRE_MESSAGE(rk != nullptr, err);
    mc = rd_kafka_mock_cluster_new(rk, 3);
    REQUIRE(mc != nullptr);
    REQUIRE(rd_kafka_mock_topic_create(mc, topic_name, partition_count, 1) ==
            RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
  }
  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(mc); }
};

struct Case {
  const char* name;
  RdkafkaPartitionerKind kind;
};

}  // namespace

TEST_CASE("our librdkafka partitioners choose what librdkafka 2.0.2 chooses") {
  MockCluster cluster;
  const Case cases[] = {
      {"consistent", RdkafkaPartitionerKind::consistent},
      {"consistent_random", RdkafkaPartitionerKind::consistent_random},
      {"murmur2", RdkafkaPartitionerKind::murmur2},
      {"murmur2_random", RdkafkaPartitionerKind::murmur2_random},
      {"fnv1a", RdkafkaPartitionerKind::fnv1a},
      {"fnv1a_random", RdkafkaPartitionerKind::fnv1a_random},
  };
  for (const Case& c : cases) {
    const std::string_view name = c.name;
    CAPTURE(name);
    std::vector<Sample> samples = make_samples();
    produce_all(cluster.bootstraps(), c.name, samples);

    // Ours, in the same order, with the same linger: hashed records must match exactly;
    // the sticky ones must all land on one partition, in both clients.
    LibrdkafkaPartitioner ours(c.kind, PartitionRandom(1), std::chrono::milliseconds(600000));
    std::set<int32_t> theirs_sticky, ours_sticky;
    size_t compared = 0;
    for (const Sample& s : samples) {
      REQUIRE(s.err == 0);
      REQUIRE(s.partition >= 0);
      REQUIRE(s.partition < partition_count);
      Key key;
      if (s.key) key = kafkit::protocol::as_bytes(*s.key);
      PartitionContext ctx;
      ctx.topic = topic_name;
      ctx.key = key;
      ctx.partition_count = partition_count;
      const int32_t mine = ours.partition(ctx);
      if (auto hashed = rdkafka_hash_partition(c.kind, key, partition_count);
          hashed || c.kind == RdkafkaPartitionerKind::consistent ||
          c.kind == RdkafkaPartitionerKind::murmur2 || c.kind == RdkafkaPartitionerKind::fnv1a) {
        CAPTURE(s.key.value_or("<null>"));
        CHECK(mine == s.partition);
        ++compared;
      } else {
        theirs_sticky.insert(s.partition);
        ours_sticky.insert(mine);
      }
    }
    CHECK(compared >= 200);
    if (c.kind == RdkafkaPartitionerKind::consistent_random ||
        c.kind == RdkafkaPartitionerKind::murmur2_random ||
        c.kind == RdkafkaPartitionerKind::fnv1a_random) {
      CHECK(theirs_sticky.size() <= 2);  // see the NULL-key note in the `random` case
      CHECK(ours_sticky.size() == 1);
    } else {
      CHECK(theirs_sticky.empty());
    }
  }
}

TEST_CASE("random: keyed records spread, null keys stick (librdkafka and ours)") {
  // rdkafka_topic.c: only consistent, murmur2 and fnv1a bypass the sticky partition, so
  // even `random` sends NULL-key records to the topic's sticky partition.
  MockCluster cluster;
  std::vector<Sample> samples = make_samples();
  produce_all(cluster.bootstraps(), "random", samples);
  LibrdkafkaPartitioner ours(RdkafkaPartitionerKind::random, PartitionRandom(1),
                             std::chrono::milliseconds(600000));
  std::set<int32_t> theirs_keyed, theirs_null, ours_keyed, ours_null;
  for (const Sample& s : samples) {
    REQUIRE(s.err == 0);
    Key key;
    if (s.key) key = kafkit::protocol::as_bytes(*s.key);
    PartitionContext ctx;
    ctx.topic = topic_name;
    ctx.key = key;
    ctx.partition_count = partition_count;
    const int32_t mine = ours.partition(ctx);
    (s.key ? theirs_keyed : theirs_null).insert(s.partition);
    (s.key ? ours_keyed : ours_null).insert(mine);
  }
  // librdkafka may re-pick its sticky partition when a metadata update reaches the topic
  // while the run is in progress (seen once under a loaded CI machine), so its NULL keys
  // land on one partition, rarely two — never spread like the keyed ones.
  CHECK(theirs_null.size() <= 2);
  CHECK(ours_null.size() == 1);
  CHECK(theirs_keyed.size() > 10);
  CHECK(ours_keyed.size() > 10);
}
