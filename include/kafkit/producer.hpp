#pragma once
// Producer: sends records to Kafka, batching them per partition.
//
//   kafkit::Producer producer({{"bootstrap.servers", "localhost:9092"}});
//   producer.send({.topic = "t", .value = "hello"});
//   producer.flush(std::chrono::seconds(10));
//
// Threads: send(), send_batch(), poll(), flush() and close() may be called from any
// thread. The producer owns one background I/O thread. Delivery reports (the global
// `on_delivery` callback and per-record callbacks) run only on the application's thread,
// inside poll(), flush() or close() — and inside send() while it waits for buffer space —
// so they need no locks and cannot stall the network. Call poll() regularly. A callback
// may call send() (which cannot make room meanwhile: a full buffer fails it with
// errc::queue_full after max.block.ms); flush() and close() from a callback fail with
// errc::invalid_argument, since they would wait for reports only their caller can serve.
//
// Configuration uses the librdkafka / Java names; `Producer::properties()` lists every
// accepted one with its default. An unknown name or invalid value throws
// std::invalid_argument naming the property at construction.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kafkit/config.hpp"
#include "kafkit/record.hpp"
#include "kafkit/result.hpp"

namespace kafkit {

namespace client {
class ProducerImpl;
}

/// A user-supplied partitioner: the partition in [0, partition_count) for a record
/// without an explicit one. Called on the sending thread, under the producer's lock.
using PartitionerCallback = std::function<std::int32_t(
    std::string_view topic, std::optional<std::string_view> key, std::int32_t partition_count)>;

struct ProducerCallbacks {
  /// Delivery report for every record (records sent with their own callback get that one
  /// instead).
  DeliveryCallback on_delivery = {};
  /// Errors not tied to one record (broker down, fatal idempotence state), on poll().
  std::function<void(const Error&)> on_error = {};
  /// Replaces the `partitioner` property.
  PartitionerCallback partitioner = {};
};

/// One accepted or refused record of send_batch().
struct BatchSendResult {
  /// Records accepted, from the front of the batch; the rest were not sent.
  std::size_t accepted = 0;
  /// Why records[accepted] was refused (unset when all were accepted).
  std::optional<Error> error;
};

/// A property the producer accepts, for `kafkit -X list` style listings.
struct PropertyInfo {
  std::string_view name;
  std::string_view default_value;
  std::string_view description;
};

class Producer {
 public:
  /// Starts the I/O thread and connects to bootstrap.servers in the background (send()
  /// does not wait for a connection). Throws std::invalid_argument for bad configuration.
  explicit Producer(const Config& config, ProducerCallbacks callbacks = {});
  /// close() with `delivery.timeout.ms` as its bound.
  ~Producer();
  Producer(Producer&&) noexcept;
  Producer& operator=(Producer&&) noexcept;

  /// Queues one record. Blocks up to max.block.ms while the buffer is full (serving
  /// delivery reports meanwhile) or the topic's metadata is unknown; then fails with
  /// errc::queue_full / UNKNOWN_TOPIC_OR_PARTITION. Invalid records (too large, partition
  /// out of range) fail here and get no delivery report.
  Result<void> send(const ProducerRecord& record);
  /// As above; `on_delivery` replaces the global callback for this record.
  Result<void> send(const ProducerRecord& record, DeliveryCallback on_delivery);
  /// Queues records in order, each with its own key, headers, partition and timestamp
  /// (one max.block.ms budget for the whole span). Stops at the first refused record.
  BatchSendResult send_batch(std::span<const ProducerRecord> records);

  /// Serves delivery reports and errors that are ready, waiting up to `timeout` for the
  /// first. Returns how many reports were served.
  int poll(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  /// Sends everything buffered now (ignoring linger.ms) and serves reports until every
  /// record sent before the call has its report, or `timeout` passes (errc::timed_out).
  Result<void> flush(std::chrono::milliseconds timeout);
  /// Flushes within `timeout`, then fails what is left with errc::closed, serves those
  /// reports and stops the I/O thread. Returns by the deadline even with every broker
  /// unreachable. Further sends fail with errc::closed. Idempotent.
  Result<void> close(std::chrono::milliseconds timeout);

  /// Records sent and not yet reported (librdkafka's outq_len).
  std::size_t pending() const;

  /// Every accepted property, with default and a one-line description.
  static std::span<const PropertyInfo> properties();

 private:
  std::unique_ptr<client::ProducerImpl> impl_;
};

}  // namespace kafkit
