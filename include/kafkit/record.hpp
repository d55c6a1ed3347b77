#pragma once
// The records applications send and the reports they get back.
//
// ProducerRecord holds views: send() copies the bytes it needs before it returns, so the
// caller's buffers may be reused right after (librdkafka's RD_KAFKA_MSG_F_COPY).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "kafkit/result.hpp"

namespace kafkit {

/// A record header (KIP-82). Keys may repeat; a value may be null.
struct Header {
  std::string_view key = {};
  std::optional<std::string_view> value = {};
};

struct ProducerRecord {
  std::string_view topic = {};
  /// Explicit partition; when unset the configured partitioner picks one.
  std::optional<std::int32_t> partition = {};
  /// Null (nullopt) and empty are different keys: partitioners treat them differently.
  std::optional<std::string_view> key = {};
  /// Null (nullopt) is a tombstone on a compacted topic.
  std::optional<std::string_view> value = {};
  std::span<const Header> headers = {};
  /// Milliseconds since the epoch (CreateTime); unset means "now" at send().
  std::optional<std::int64_t> timestamp = {};
  /// Handed back untouched in this record's DeliveryReport.
  void* opaque = nullptr;
};

/// Whether a failed record may be in the log anyway, so an application can decide about
/// resending (and duplicates).
enum class Persistence {
  not_persisted,       // never left this process, or the broker refused it
  possibly_persisted,  // sent, then no answer (timeout, disconnect): it may be in the log
  persisted,           // acknowledged by the broker (acks=0: written to the socket)
};

struct DeliveryReport {
  std::string_view topic;
  std::int32_t partition = -1;
  /// The record's offset; -1 when unknown (failure, acks=0, or an acknowledged duplicate
  /// whose original offset the broker did not report).
  std::int64_t offset = -1;
  /// The record's timestamp: its CreateTime, or the broker's LogAppendTime for topics
  /// with message.timestamp.type=LogAppendTime.
  std::int64_t timestamp = -1;
  /// Set when delivery failed: a Kafka error code (MESSAGE_TOO_LARGE = 10, ...) or a local
  /// one from kafkit::errc, with a message naming the broker, topic and partition.
  std::optional<Error> error;
  Persistence persistence = Persistence::not_persisted;
  void* opaque = nullptr;

  bool ok() const noexcept { return !error.has_value(); }
};

/// Runs on the application's thread inside Producer::poll() / flush() / close(), exactly
/// once per record, in send order within a partition.
using DeliveryCallback = std::function<void(const DeliveryReport&)>;

}  // namespace kafkit
