#pragma once
// Topics and checks for the benches, in the parent process, through librdkafka's admin API
// (a third party's view of the broker, not the client under test).
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <vector>

namespace kafkit::bench {

struct RdDestroy {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using RdHandle = std::unique_ptr<rd_kafka_t, RdDestroy>;

/// `properties`: security settings (bench_security.hpp) for a broker that needs them.
inline RdHandle admin_client(
    const std::string& bootstrap, std::string& error,
    const std::vector<std::pair<std::string, std::string>>& properties = {}) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> all = {{"bootstrap.servers", bootstrap}};
  all.insert(all.end(), properties.begin(), properties.end());
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      error = key + ": " + err;
      return nullptr;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    error = std::string("rd_kafka_new: ") + err;
  }
  return RdHandle(rk);
}

inline bool create_topics(rd_kafka_t* rk, const std::vector<std::string>& names, int partitions,
                          std::string& error) {
  char err[512];
  std::vector<rd_kafka_NewTopic_t*> list;
  for (const std::string& name : names) {
    rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(name.c_str(), partitions, 1, err, sizeof err);
    if (t == nullptr) {
      error = "NewTopic " + name + ": " + err;
      break;
    }
    list.push_back(t);
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  if (error.empty()) rd_kafka_CreateTopics(rk, list.data(), list.size(), nullptr, queue);
  rd_kafka_event_t* ev = error.empty() ? rd_kafka_queue_poll(queue, 30000) : nullptr;
  if (error.empty() && ev == nullptr) error = "CreateTopics: no answer within 30 s";
  if (ev != nullptr && rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = std::string("CreateTopics: ") + rd_kafka_event_error_string(ev);
  } else if (ev != nullptr) {
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &count);
    for (size_t i = 0; i < count && error.empty(); ++i) {
      if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = std::string("CreateTopics ") + rd_kafka_topic_result_name(results[i]) + ": " +
                rd_kafka_err2name(rd_kafka_topic_result_error(results[i]));
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(queue);
  for (rd_kafka_NewTopic_t* t : list) rd_kafka_NewTopic_destroy(t);
  return error.empty();
}

// The topic's messages by high watermarks; -1 (and `error`) if they cannot be read.
inline long topic_messages(rd_kafka_t* rk, const std::string& topic, int partitions,
                           std::string& error) {
  long sum = 0;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 10000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      error = "watermarks of " + topic + ": " + rd_kafka_err2str(err);
      return -1;
    }
    sum += long(high);
  }
  return sum;
}

}  // namespace kafkit::bench
