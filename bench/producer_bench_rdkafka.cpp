// producer-bench: the librdkafka side (C API). See producer_bench.cpp for the method.
#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>

#include "producer_bench_run.hpp"

namespace kafkit::bench {
namespace {

struct State {
  LatencyRecorder* latencies = nullptr;
  long messages = 0;
  long delivered = 0;
  long failed = 0;
  bool warm_up_done = false;
  std::string first_error;
};

// Runs inside rd_kafka_poll()/rd_kafka_flush() on this thread. The message's opaque is its
// index into the preallocated arrays.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* s = static_cast<State*>(opaque);
  auto i = reinterpret_cast<std::uintptr_t>(msg->_private);
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (s->failed++ == 0) {
      s->first_error = std::string(rd_kafka_err2name(msg->err)) + " (" +
                       rd_kafka_err2str(msg->err) + ") on partition " +
                       std::to_string(msg->partition);
    }
  } else if (i == std::uintptr_t(s->messages)) {
    s->warm_up_done = true;
  } else {
    s->latencies->delivered(i);
    ++s->delivered;
  }
}

struct Destroy {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};

}  // namespace

RunOutcome run_rdkafka(const RunSpec& spec) {
  RunOutcome out;
  LatencyRecorder latencies(spec.messages);
  State state;
  state.latencies = &latencies;
  state.messages = spec.messages;
  (void)payload_text();  // built before the baseline: it is not the client's memory
  out.rss_base_kb = rss_kb();

  // Same knobs as the kafkit side, by librdkafka's names. batch.num.messages is
  // librdkafka's own extra cap (kafkit has only bytes); at its default of 10000 it is
  // about where batch.size binds for 100-byte values anyway. queue.buffering.* stay at
  // librdkafka's defaults (100000 messages, 1 GiB), which are kafkit's defaults too.
  const std::pair<const char*, std::string> props[] = {
      {"bootstrap.servers", spec.bootstrap},
      {"acks", spec.acks},
      {"linger.ms", std::to_string(spec.linger_ms)},
      {"batch.size", std::to_string(spec.batch_bytes)},
      {"batch.num.messages", "10000"},
      {"compression.type", spec.compression},
      {"enable.idempotence", spec.idempotence ? "true" : "false"},
      {"message.timeout.ms", std::to_string(spec.timeout_ms)},
  };
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> all(std::begin(props), std::end(props));
  all.insert(all.end(), spec.properties.begin(), spec.properties.end());
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      out.error = "librdkafka config " + key + "=" + value + ": " + err;
      return out;
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &state);
  std::unique_ptr<rd_kafka_t, Destroy> rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    out.error = std::string("rd_kafka_new: ") + err;
    return out;
  }

  // Copies the value (RD_KAFKA_MSG_F_COPY), as kafkit's send() always does.
  auto produce = [&](size_t i, int32_t partition, std::string_view value) {
    return rd_kafka_producev(
        rk.get(), RD_KAFKA_V_TOPIC(spec.topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(std::uintptr_t(i))), RD_KAFKA_V_END);
  };

  // Warm-up, untimed: connection, metadata and (idempotence) the producer id.
  size_t size = size_t(spec.size);
  rd_kafka_resp_err_t e = produce(size_t(spec.messages), 0, payload(0, size));
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR) e = rd_kafka_flush(rk.get(), 30000);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR || !state.warm_up_done) {
    out.error =
        "warm-up message: " +
        (e != RD_KAFKA_RESP_ERR_NO_ERROR ? std::string(rd_kafka_err2str(e)) : state.first_error);
    return out;
  }

  const auto stall_limit = std::chrono::seconds(30);
  double cpu_start = process_cpu_seconds();
  auto start = Clock::now();
  Pacer pacer(spec.rate, start);
  for (long i = 0; i < spec.messages && out.error.empty(); ++i) {
    pacer.wait_turn(i, [&](int ms) { rd_kafka_poll(rk.get(), ms); });
    latencies.sent(size_t(i));
    auto partition = static_cast<int32_t>(i % spec.partitions);
    std::string_view value = payload(size_t(i), size);
    auto blocked_since = Clock::now();
    while ((e = produce(size_t(i), partition, value)) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // librdkafka returns at once when its queue is full; kafkit's send() blocks instead.
      // Serving reports here is the equivalent wait.
      rd_kafka_poll(rk.get(), 1);
      if (Clock::now() - blocked_since > stall_limit) break;
    }
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      out.error = "produce #" + std::to_string(i) + ": " + rd_kafka_err2str(e);
      ++state.failed;
    }
    if ((i & 1023) == 0) rd_kafka_poll(rk.get(), 0);
  }
  rd_kafka_resp_err_t flushed = rd_kafka_flush(rk.get(), int(spec.timeout_ms));
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.cpu_seconds = process_cpu_seconds() - cpu_start;

  out.delivered = state.delivered;
  out.failed = state.failed;
  latencies.summarize(out);
  if (out.error.empty() && flushed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    out.error = "flush: " + std::string(rd_kafka_err2str(flushed)) + " with " +
                std::to_string(rd_kafka_outq_len(rk.get())) + " messages outstanding after " +
                std::to_string(spec.timeout_ms) + " ms";
  }
  if (out.error.empty() && state.failed > 0) {
    out.error = std::to_string(state.failed) + " deliveries failed, first: " + state.first_error;
  }
  if (out.error.empty() && state.delivered != spec.messages) {
    out.error = "only " + std::to_string(state.delivered) + " of " + std::to_string(spec.messages) +
                " delivery reports";
  }
  out.ok = out.error.empty();
  return out;
}

}  // namespace kafkit::bench
