// producer-bench: the kafkit side, through the public API only (<kafkit/producer.hpp>), as an
// application would use it. See producer_bench.cpp for the method.
#include <kafkit/producer.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <string>

#include "producer_bench_run.hpp"

namespace kafkit::bench {

RunOutcome run_kafkit(const RunSpec& spec) {
  RunOutcome out;
  LatencyRecorder latencies(spec.messages);
  (void)payload_text();  // built before the baseline: it is not the client's memory
  out.rss_base_kb = rss_kb();

  long delivered = 0, failed = 0, client_errors = 0;
  bool warm_up_done = false;
  std::string first_error, first_client_error;
  const auto warm_up_index = std::uintptr_t(spec.messages);

  ProducerCallbacks callbacks;
  // Runs inside poll()/flush()/send() on this thread; the opaque is the message's index.
  callbacks.on_delivery = [&](const DeliveryReport& r) {
    auto i = reinterpret_cast<std::uintptr_t>(r.opaque);
    if (!r.ok()) {
      if (failed++ == 0)
        first_error = r.error->message + " (code " + std::to_string(r.error->code) + ")";
    } else if (i == warm_up_index) {
      warm_up_done = true;
    } else {
      latencies.delivered(i);
      ++delivered;
    }
  };
  // Errors not tied to a record: counted and shown if the run fails, not failures in
  // themselves (the records' reports decide).
  callbacks.on_error = [&](const Error& e) {
    if (client_errors++ == 0) first_client_error = e.message;
  };

  Config config{{"bootstrap.servers", spec.bootstrap},
                {"acks", spec.acks},
                {"linger.ms", std::to_string(spec.linger_ms)},
                {"batch.size", std::to_string(spec.batch_bytes)},
                {"compression.type", spec.compression},
                {"enable.idempotence", spec.idempotence ? "true" : "false"},
                {"delivery.timeout.ms", std::to_string(spec.timeout_ms)}};
  for (const auto& [key, value] : spec.properties) config.set(key, value);
  std::unique_ptr<Producer> producer;
  try {
    producer = std::make_unique<Producer>(config, callbacks);
  } catch (const std::exception& e) {
    out.error = std::string("kafkit::Producer: ") + e.what();
    return out;
  }
  auto fail_with = [&](std::string what) {
    out.error = std::move(what);
    if (client_errors > 0) {
      out.error +=
          "; " + std::to_string(client_errors) + " client errors, first: " + first_client_error;
    }
  };

  // Warm-up, untimed: connection, metadata and (idempotence) the producer id.
  size_t size = size_t(spec.size);
  ProducerRecord warm_up{.topic = spec.topic,
                         .partition = 0,
                         .value = payload(0, size),
                         .opaque = reinterpret_cast<void*>(warm_up_index)};
  Result<void> r = producer->send(warm_up);
  if (r.ok()) r = producer->flush(std::chrono::seconds(30));
  if (!r.ok() || !warm_up_done) {
    fail_with("warm-up message: " + (r.ok() ? first_error : r.error().message));
    (void)producer->close(std::chrono::seconds(5));
    return out;
  }

  const auto stall_limit = std::chrono::seconds(30);
  double cpu_start = process_cpu_seconds();
  auto start = Clock::now();
  Pacer pacer(spec.rate, start);
  for (long i = 0; i < spec.messages && out.error.empty(); ++i) {
    pacer.wait_turn(i, [&](int ms) { producer->poll(std::chrono::milliseconds(ms)); });
    latencies.sent(size_t(i));
    ProducerRecord record{.topic = spec.topic,
                          .partition = static_cast<std::int32_t>(i % spec.partitions),
                          .value = payload(size_t(i), size),
                          .opaque = reinterpret_cast<void*>(std::uintptr_t(i))};
    auto blocked_since = Clock::now();
    // send() itself waits up to max.block.ms for buffer space; queue_full after that is
    // retried here, like librdkafka's QUEUE_FULL, within the same stall bound.
    while (!(r = producer->send(record)).ok() && r.error().code == errc::queue_full &&
           Clock::now() - blocked_since < stall_limit) {
      producer->poll(std::chrono::milliseconds(1));
    }
    if (!r.ok()) {
      ++failed;
      fail_with("send #" + std::to_string(i) + ": " + r.error().message);
    }
    if ((i & 1023) == 0) producer->poll();
  }
  Result<void> flushed = producer->flush(std::chrono::milliseconds(spec.timeout_ms));
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.cpu_seconds = process_cpu_seconds() - cpu_start;
  std::size_t pending = producer->pending();
  (void)producer->close(std::chrono::seconds(5));

  out.delivered = delivered;
  out.failed = failed;
  latencies.summarize(out);
  if (out.error.empty() && !flushed.ok()) {
    fail_with("flush: " + flushed.error().message + " with " + std::to_string(pending) +
              " records outstanding after " + std::to_string(spec.timeout_ms) + " ms");
  }
  if (out.error.empty() && failed > 0) {
    fail_with(std::to_string(failed) + " deliveries failed, first: " + first_error);
  }
  if (out.error.empty() && delivered != spec.messages) {
    fail_with("only " + std::to_string(delivered) + " of " + std::to_string(spec.messages) +
              " delivery reports");
  }
  out.ok = out.error.empty();
  return out;
}

}  // namespace kafkit::bench
