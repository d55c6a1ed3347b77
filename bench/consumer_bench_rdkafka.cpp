// consumer-bench: the librdkafka side (C API). See consumer_bench.cpp for the method.
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>

#include "consumer_bench_run.hpp"

namespace kafkit::bench {
namespace {

struct Destroy {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};

}  // namespace

ConsumeOutcome consume_rdkafka(const ConsumeSpec& spec) {
  ConsumeOutcome out;
  ConsumeCheck check(spec);
  out.rss_base_kb = rss_kb();
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The same settings as the kafkit side; everything else at librdkafka's defaults.
  const std::pair<const char*, std::string> props[] = {
      {"bootstrap.servers", spec.bootstrap},
      {"group.id", "consumer-bench"},
      {"enable.auto.commit", "false"},
      {"auto.offset.reset", "earliest"},
      {"check.crcs", "true"},
      {"enable.partition.eof", "false"},
  };
  for (const auto& [name, value] : props) {
    if (rd_kafka_conf_set(conf, name, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      out.error = std::string(name) + ": " + err;
      return out;
    }
  }
  std::unique_ptr<rd_kafka_t, Destroy> rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    out.error = std::string("rd_kafka_new: ") + err;
    return out;
  }
  rd_kafka_poll_set_consumer(rk.get());
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(spec.partitions);
  for (int p = 0; p < spec.partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, spec.topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  double cpu0 = process_cpu_seconds();
  auto start = Clock::now();
  auto deadline = start + std::chrono::milliseconds(spec.timeout_ms);
  rd_kafka_resp_err_t assigned = rd_kafka_assign(rk.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (assigned != RD_KAFKA_RESP_ERR_NO_ERROR) {
    out.error = std::string("rd_kafka_assign: ") + rd_kafka_err2str(assigned);
    return out;
  }
  while (!check.done() && check.error().empty() && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      out.error = std::string("consume: ") + rd_kafka_message_errstr(m);
    } else {
      check.take(m->partition, m->offset, m->len);
    }
    rd_kafka_message_destroy(m);
    if (!out.error.empty()) break;
  }
  auto end = Clock::now();
  out.cpu_seconds = process_cpu_seconds() - cpu0;
  finish(out, check, spec, start, end);
  return out;
}

}  // namespace kafkit::bench
