#pragma once
// Reads a topic back with librdkafka's consumer (C API, a peer nobody here wrote), so the
// producer interop tests check what a third-party client sees, not what kafkit reported.
//
// Group-less: every partition is started from the beginning on one queue (the legacy
// consume_start_queue API), so no group coordinator is involved. Reading stops when every
// partition has reached the high watermark queried at the start, or at the deadline.
#include <doctest/doctest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kafkit::test {

/// One consumed record, as librdkafka decoded it.
struct ConsumedRecord {
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::int64_t timestamp = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

/// Per-partition low and high watermarks at the time of the query.
struct Watermarks {
  std::vector<std::int64_t> low, high;
  std::int64_t total() const {
    std::int64_t n = 0;
    for (std::size_t p = 0; p < high.size(); ++p) n += high[p] - low[p];
    return n;
  }
};

class RdKafkaReader {
 public:
  RdKafkaReader(const std::string& bootstrap, const std::string& topic) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::pair<const char*, const char*> props[] = {
        {"bootstrap.servers", bootstrap.c_str()},
        {"log_level", "3"},
        {"fetch.wait.max.ms", "50"},
        {"enable.partition.eof", "false"},
        {"queued.max.messages.kbytes", "65536"},
    };
    for (const auto& prop : props) {
      const char* name = prop.first;
      REQUIRE_MESSAGE(
          rd_kafka_conf_set(conf, name, prop.second, err, sizeof err) == RD_KAFKA_CONF_OK, name,
          ": ", std::string(err));
    }
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    REQUIRE_MESSAGE(rk_ != nullptr, std::string(err));
    rkt_ = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    REQUIRE(rkt_ != nullptr);
    queue_ = rd_kafka_queue_new(rk_);
    topic_ = topic;
  }
  ~RdKafkaReader() {
    for (std::int32_t p : started_) rd_kafka_consume_stop(rkt_, p);
    rd_kafka_queue_destroy(queue_);
    rd_kafka_topic_destroy(rkt_);
    rd_kafka_destroy(rk_);
  }
  RdKafkaReader(const RdKafkaReader&) = delete;
  RdKafkaReader& operator=(const RdKafkaReader&) = delete;

  rd_kafka_topic_t* topic() const { return rkt_; }

  Watermarks watermarks(std::int32_t partitions) {
    Watermarks w;
    for (std::int32_t p = 0; p < partitions; ++p) {
      std::int64_t lo = -1, hi = -1;
      rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
      // Leaders may just have moved: a few tries.
      for (int attempt = 0; attempt < 20; ++attempt) {
        e = rd_kafka_query_watermark_offsets(rk_, topic_.c_str(), p, &lo, &hi, 5000);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      }
      REQUIRE_MESSAGE(e == RD_KAFKA_RESP_ERR_NO_ERROR, "watermarks of ", topic_, " [", p,
                      "]: ", rd_kafka_err2str(e));
      w.low.push_back(lo);
      w.high.push_back(hi);
    }
    return w;
  }

  /// Reads every partition from its beginning up to the high watermark in `w`, handing
  /// each message to `on_message`. Returns how many were read; stops at `timeout`.
  std::int64_t read(const Watermarks& w, std::chrono::milliseconds timeout,
                    const std::function<void(const rd_kafka_message_t&)>& on_message) {
    const auto partitions = static_cast<std::int32_t>(w.high.size());
    std::vector<std::int64_t> next(w.low);
    for (std::int32_t p = 0; p < partitions; ++p) {
      if (w.high[static_cast<std::size_t>(p)] <= w.low[static_cast<std::size_t>(p)]) continue;
      REQUIRE(rd_kafka_consume_start_queue(rkt_, p, RD_KAFKA_OFFSET_BEGINNING, queue_) == 0);
      started_.push_back(p);
    }
    auto done = [&] {
      for (std::size_t p = 0; p < next.size(); ++p)
        if (next[p] < w.high[p]) return false;
      return true;
    };
    std::int64_t count = 0;
    std::vector<rd_kafka_message_t*> batch(10000);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      ssize_t n = rd_kafka_consume_batch_queue(queue_, 100, batch.data(), batch.size());
      for (ssize_t i = 0; i < n; ++i) {
        rd_kafka_message_t* m = batch[static_cast<std::size_t>(i)];
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->partition >= 0 &&
            m->partition < partitions) {
          ++count;
          next[static_cast<std::size_t>(m->partition)] = m->offset + 1;
          on_message(*m);
        } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          FAIL_CHECK("consumer error on ", topic_, " [", m->partition,
                     "]: ", rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
      }
    }
    std::string progress;
    for (std::size_t p = 0; p < next.size(); ++p)
      progress += " [" + std::to_string(p) + "] " + std::to_string(next[p]) + "/" +
                  std::to_string(w.high[p]);
    CHECK_MESSAGE(done(), "librdkafka did not read ", topic_, " to its end within ",
                  timeout.count(), " ms:", progress);
    return count;
  }

  /// Reads everything into records (for small topics).
  std::vector<ConsumedRecord> read_all(
      std::int32_t partitions, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::vector<ConsumedRecord> out;
    read(watermarks(partitions), timeout,
         [&](const rd_kafka_message_t& m) { out.push_back(decode(m)); });
    return out;
  }

  /// Copies a message's partition, offset, timestamp, key, value and headers.
  static ConsumedRecord decode(const rd_kafka_message_t& m) {
    ConsumedRecord r;
    r.partition = m.partition;
    r.offset = m.offset;
    rd_kafka_timestamp_type_t type;
    r.timestamp = rd_kafka_message_timestamp(&m, &type);
    if (m.key != nullptr) r.key.emplace(static_cast<const char*>(m.key), m.key_len);
    if (m.payload != nullptr) r.value.emplace(static_cast<const char*>(m.payload), m.len);
    rd_kafka_headers_t* hdrs = nullptr;
    // rd_kafka_message_headers() parses lazily and so takes a non-const message.
    if (rd_kafka_message_headers(const_cast<rd_kafka_message_t*>(&m), &hdrs) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* val = nullptr;
      size_t size = 0;
      for (size_t i = 0;
           rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        std::optional<std::string> v;
        if (val != nullptr) v.emplace(static_cast<const char*>(val), size);
        r.headers.emplace_back(name, std::move(v));
      }
    }
    return r;
  }

 private:
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_topic_t* rkt_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;
  std::string topic_;
  std::vector<std::int32_t> started_;
};

}  // namespace kafkit::test
