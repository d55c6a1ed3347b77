#pragma once
// RdKafkaGroupMember: librdkafka's high-level consumer (rd_kafka_subscribe, a peer nobody
// here wrote) as one member of a consumer group in a test, polled from the test's thread.
// It applies rebalances the way an application must for the protocol in use (assign /
// incremental_assign), records what it consumed, and reports its current assignment.
#include <doctest/doctest.h>
#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kafkit::test {

class RdKafkaGroupMember {
 public:
  struct Record {
    std::int32_t partition;
    std::int64_t offset;
  };

  RdKafkaGroupMember(const std::string& bootstrap, const std::string& group,
                     const std::string& topic, const std::string& strategy,
                     std::vector<std::pair<std::string, std::string>> extra = {}) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::vector<std::pair<std::string, std::string>> props{
        {"bootstrap.servers", bootstrap},
        {"group.id", group},
        {"partition.assignment.strategy", strategy},
        {"session.timeout.ms", "6000"},
        {"heartbeat.interval.ms", "200"},
        {"max.poll.interval.ms", "10000"},
        {"auto.offset.reset", "earliest"},
        {"fetch.wait.max.ms", "50"},
        {"log_level", "3"}};
    if (const char* debug = std::getenv("KAFKIT_RDKAFKA_DEBUG")) {
      props.emplace_back("debug", debug);
      props.emplace_back("log_level", "7");
    }
    for (auto& p : extra) props.push_back(std::move(p));
    for (auto& [k, v] : props) {
      REQUIRE_MESSAGE(
          rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK, err);
    }
    rd_kafka_conf_set_rebalance_cb(conf, &RdKafkaGroupMember::rebalance_cb);
    rd_kafka_conf_set_opaque(conf, this);
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    REQUIRE_MESSAGE(rk_ != nullptr, err);
    rd_kafka_poll_set_consumer(rk_);
    rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, topic.c_str(), RD_KAFKA_PARTITION_UA);
    REQUIRE(rd_kafka_subscribe(rk_, sub) == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(sub);
  }
  ~RdKafkaGroupMember() { close(); }
  RdKafkaGroupMember(const RdKafkaGroupMember&) = delete;
  RdKafkaGroupMember& operator=(const RdKafkaGroupMember&) = delete;

  /// Serves one poll: a record (kept in records()), an event, or nothing within `ms`.
  void poll(int ms) {
    if (closed_) return;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, ms);
    if (m == nullptr) return;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) records_.push_back({m->partition, m->offset});
    rd_kafka_message_destroy(m);
  }
  std::set<std::int32_t> assignment() const {
    std::set<std::int32_t> out;
    if (closed_) return out;
    rd_kafka_topic_partition_list_t* list = nullptr;
    if (rd_kafka_assignment(rk_, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
    for (int i = 0; i < list->cnt; ++i) out.insert(list->elems[i].partition);
    rd_kafka_topic_partition_list_destroy(list);
    return out;
  }
  std::string protocol() const { return closed_ ? "" : rd_kafka_rebalance_protocol(rk_); }
  const std::vector<Record>& records() const { return records_; }
  /// Leaves the group (LeaveGroup, after its own revoke).
  void close() {
    if (closed_) return;
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
    closed_ = true;
  }
  bool closed() const { return closed_; }
  rd_kafka_t* handle() const { return rk_; }

 private:
  static void rebalance_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void*) {
    const bool cooperative = std::string(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
    const bool assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    if (cooperative) {
      rd_kafka_error_t* e = assign ? rd_kafka_incremental_assign(rk, parts)
                                   : rd_kafka_incremental_unassign(rk, parts);
      if (e) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, assign ? parts : nullptr);
    }
  }

  rd_kafka_t* rk_ = nullptr;
  bool closed_ = false;
  std::vector<Record> records_;
};

}  // namespace kafkit::test
