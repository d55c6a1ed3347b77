#pragma once
// librdkafka (C API) helpers shared by the interop tests over TLS and SASL: a client from
// string properties with delivery counters and an error log, a producer of numbered values
// to one partition, and an assign()-consumer that reads them back.
#include <librdkafka/rdkafka.h>

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace kafkit::broker::test::rdk {

using Props = std::vector<std::pair<std::string, std::string>>;

/// What a client's callbacks saw. Written by librdkafka's threads during rd_kafka_poll /
/// rd_kafka_flush on the test's thread (callbacks are served from poll), read after.
struct Events {
  int delivered = 0;
  int failed = 0;
  std::vector<rd_kafka_resp_err_t> errors;  // error_cb
  std::string last_error;
};

inline rd_kafka_t* make_client(rd_kafka_type_t type, Props props, Events* events) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  props.emplace_back("log_level", "2");
  for (auto& [k, v] : props)
    REQUIRE_MESSAGE(
        rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK, err);
  if (events != nullptr) {
    rd_kafka_conf_set_opaque(conf, events);
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
      auto* e = static_cast<Events*>(opaque);
      ++(m->err ? e->failed : e->delivered);
    });
    rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int code, const char* reason, void* opaque) {
      auto* e = static_cast<Events*>(opaque);
      e->errors.push_back(static_cast<rd_kafka_resp_err_t>(code));
      e->last_error = reason;
    });
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  REQUIRE_MESSAGE(rk != nullptr, err);
  return rk;
}

inline std::string numbered(const std::string& prefix, int i) {
  return prefix + std::to_string(i);
}

/// Produces `count` values prefix0.. to topic[0] and flushes; returns the events.
inline Events produce(Props props, const std::string& topic, const std::string& prefix, int count) {
  Events events;
  props.emplace_back("acks", "all");
  rd_kafka_t* producer = make_client(RD_KAFKA_PRODUCER, props, &events);
  for (int i = 0; i < count; ++i) {
    std::string value = numbered(prefix, i);
    rd_kafka_resp_err_t e =
        rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                          RD_KAFKA_V_VALUE(value.data(), value.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    REQUIRE(e == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_poll(producer, 0);
  }
  rd_kafka_flush(producer, 30000);
  rd_kafka_destroy(producer);
  return events;
}

/// Reads topic[0] from the beginning until `count` values came (checking each is
/// prefix<offset>) or 30 s passed; returns how many came.
inline int consume(Props props, const std::string& topic, const std::string& prefix, int count) {
  props.emplace_back("group.id", "rdk-" + topic);
  props.emplace_back("enable.auto.commit", "false");
  rd_kafka_t* consumer = make_client(RD_KAFKA_CONSUMER, props, nullptr);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  REQUIRE(rd_kafka_assign(consumer, parts) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(parts);
  int got = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (got < count && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string value(static_cast<const char*>(m->payload), m->len);
      CHECK(value == numbered(prefix, got));
      CHECK(m->offset == got);
      ++got;
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  return got;
}

}  // namespace kafkit::broker::test::rdk
