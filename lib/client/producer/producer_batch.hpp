#pragma once
// ProducerBatch: the records of one partition that travel in one RecordBatch, with what
// the producer must remember about each record until its delivery report.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kafkit/record.hpp"
#include "protocol/records/record_batch_builder.hpp"

namespace kafkit::client {

using SteadyClock = std::chrono::steady_clock;

struct RecordMeta {
  void* opaque = nullptr;
  std::int64_t timestamp = -1;
  /// The record's place among every record this producer accepted (flush() waits for
  /// those below a mark).
  std::uint64_t number = 0;
};

struct ProducerBatch {
  ProducerBatch(std::string topic, std::int32_t partition, protocol::BatchOptions options)
      : topic(std::move(topic)), partition(partition), builder(options) {}

  std::string topic;
  std::int32_t partition;
  /// Appended to under the accumulator lock until sealed; then only the I/O thread.
  protocol::RecordBatchBuilder builder;
  std::vector<RecordMeta> records;
  /// Per-record callbacks (index into records), for the records sent with one.
  std::vector<std::pair<std::uint32_t, DeliveryCallback>> callbacks;
  SteadyClock::time_point created{};
  /// Buffer bytes this batch holds against queue.buffering.max.kbytes.
  std::size_t accounted_bytes = 0;

  // Set by the I/O thread (sender):
  /// The finished RecordBatch; shared with requests in flight so the bytes outlive any
  /// request that still references them (a batch may expire while its request is queued).
  std::shared_ptr<const protocol::Bytes> payload;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  int attempts = 0;
  /// The broker the last attempt went to.
  std::int32_t leader = -1;
  /// Sent at least once: a failure from now on may have been persisted.
  bool sent = false;
  /// An attempt went unanswered (timeout, disconnect): the broker may have written it, so
  /// whatever later attempts hear, a failure is possibly_persisted.
  bool maybe_written = false;
  SteadyClock::time_point retry_at{};
};

using BatchPtr = std::unique_ptr<ProducerBatch>;

}  // namespace kafkit::client
