#include "rdkafka_mock_cluster.hpp"

#include <limits>
#include <stdexcept>

namespace kafkit::test {
namespace {

[[noreturn]] void fail(const std::string& what, rd_kafka_resp_err_t err) {
  throw std::runtime_error("rdkafka mock: " + what + ": " + rd_kafka_err2name(err) + " (" +
                           rd_kafka_err2str(err) + ")");
}

void check(rd_kafka_resp_err_t err, const std::string& what) {
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) fail(what, err);
}

std::string broker_text(std::int32_t broker_id) {
  return broker_id == -1 ? "every broker" : "broker " + std::to_string(broker_id);
}

std::string partition_text(std::string_view topic, std::int32_t partition) {
  return std::string(topic) + " [" + std::to_string(partition) + "]";
}

}  // namespace

RdKafkaMockCluster::RdKafkaMockCluster(int brokers) : brokers_(brokers) {
  if (brokers < 1) throw std::invalid_argument("rdkafka mock: broker count must be >= 1");
  // rd_kafka_mock_cluster_new() needs a client handle for its bookkeeping (logging, the
  // mock's own thread). A producer without bootstrap.servers never connects anywhere;
  // log_level 3 keeps its "no bootstrap.servers" notice out of the test output while the
  // mock's errors still show.
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("rdkafka mock: log_level: ") + err);
  }
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);  // owns conf on success
  if (handle_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("rdkafka mock: rd_kafka_new: ") + err);
  }
  cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
  if (cluster_ == nullptr) {
    rd_kafka_destroy(handle_);
    throw std::runtime_error("rdkafka mock: rd_kafka_mock_cluster_new(" + std::to_string(brokers) +
                             ") failed (see librdkafka's log)");
  }
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

RdKafkaMockCluster::~RdKafkaMockCluster() {
  // The cluster first: it was created on (and logs through) the handle.
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(handle_);
}

void RdKafkaMockCluster::create_topic(std::string_view topic, int partitions,
                                      int replication_factor) {
  std::string name(topic);
  check(rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication_factor),
        "create topic " + name + " with " + std::to_string(partitions) + " partitions");
}

void RdKafkaMockCluster::set_partition_leader(std::string_view topic, std::int32_t partition,
                                              std::int32_t broker_id) {
  std::string name(topic);
  check(rd_kafka_mock_partition_set_leader(cluster_, name.c_str(), partition, broker_id),
        "leader of " + partition_text(topic, partition) + " to " + broker_text(broker_id));
}

void RdKafkaMockCluster::set_partition_follower(std::string_view topic, std::int32_t partition,
                                                std::int32_t broker_id) {
  std::string name(topic);
  check(rd_kafka_mock_partition_set_follower(cluster_, name.c_str(), partition, broker_id),
        "follower of " + partition_text(topic, partition) + " to " + broker_text(broker_id));
}

void RdKafkaMockCluster::set_topic_error(std::string_view topic, rd_kafka_resp_err_t error) {
  std::string name(topic);
  rd_kafka_mock_topic_set_error(cluster_, name.c_str(), error);
}

void RdKafkaMockCluster::broker_down(std::int32_t broker_id) {
  check(rd_kafka_mock_broker_set_down(cluster_, broker_id), "take down " + broker_text(broker_id));
}

void RdKafkaMockCluster::broker_up(std::int32_t broker_id) {
  check(rd_kafka_mock_broker_set_up(cluster_, broker_id), "bring up " + broker_text(broker_id));
}

void RdKafkaMockCluster::set_rtt(std::int32_t broker_id, std::chrono::milliseconds rtt) {
  if (rtt.count() < 0 || rtt.count() > std::numeric_limits<int>::max()) {
    throw std::invalid_argument("rdkafka mock: rtt out of range");
  }
  check(rd_kafka_mock_broker_set_rtt(cluster_, broker_id, static_cast<int>(rtt.count())),
        "rtt of " + broker_text(broker_id));
}

void RdKafkaMockCluster::set_rack(std::int32_t broker_id, std::string_view rack) {
  std::string name(rack);
  check(rd_kafka_mock_broker_set_rack(cluster_, broker_id, name.c_str()),
        "rack of " + broker_text(broker_id));
}

void RdKafkaMockCluster::push_request_errors(std::int16_t api,
                                             std::span<const rd_kafka_resp_err_t> errors) {
  rd_kafka_mock_push_request_errors_array(cluster_, api, errors.size(), errors.data());
}

void RdKafkaMockCluster::push_broker_request_errors(std::int32_t broker_id, std::int16_t api,
                                                    std::span<const InjectedResponse> responses) {
  // 2.0.2 has only a varargs form for per-broker errors. It appends to the broker's stack
  // and serves it front first, so one call per entry keeps the caller's order.
  for (const InjectedResponse& r : responses) {
    if (r.delay.count() < 0 || r.delay.count() > std::numeric_limits<int>::max()) {
      throw std::invalid_argument("rdkafka mock: injected delay out of range");
    }
    check(rd_kafka_mock_broker_push_request_error_rtts(cluster_, broker_id, api, 1, r.error,
                                                       static_cast<int>(r.delay.count())),
          "push an error for API " + std::to_string(api) + " onto " + broker_text(broker_id));
  }
}

std::size_t RdKafkaMockCluster::pending_broker_errors(std::int32_t broker_id,
                                                      std::int16_t api) const {
  std::size_t count = 0;
  check(rd_kafka_mock_broker_error_stack_cnt(cluster_, broker_id, api, &count),
        "error stack of API " + std::to_string(api) + " on " + broker_text(broker_id));
  return count;
}

void RdKafkaMockCluster::clear_request_errors(std::int16_t api) {
  rd_kafka_mock_clear_request_errors(cluster_, api);
}

void RdKafkaMockCluster::set_api_versions(std::int16_t api, std::int16_t min_version,
                                          std::int16_t max_version) {
  check(rd_kafka_mock_set_apiversion(cluster_, api, min_version, max_version),
        "versions of API " + std::to_string(api));
}

void RdKafkaMockCluster::set_coordinator(std::string_view key_type, std::string_view key,
                                         std::int32_t broker_id) {
  std::string type(key_type), name(key);
  check(rd_kafka_mock_coordinator_set(cluster_, type.c_str(), name.c_str(), broker_id),
        type + " coordinator of " + name + " to " + broker_text(broker_id));
}

}  // namespace kafkit::test
