#pragma once
// LogConfig: the per-topic storage settings of a partition log, under the names Kafka's
// topic configs use (the broker-wide `log.*` properties are their defaults).
#include <cstdint>
#include <limits>

namespace kafkit::broker {

struct LogConfig {
  /// segment.bytes: the active segment rolls when an append would take it past this size.
  int64_t segment_bytes = int64_t{1} << 30;
  /// segment.ms: the active segment rolls when its first batch is older than this.
  int64_t segment_ms = int64_t{7} * 24 * 3600 * 1000;
  /// retention.ms: whole segments whose newest timestamp is older are deleted; -1 = forever.
  int64_t retention_ms = int64_t{7} * 24 * 3600 * 1000;
  /// retention.bytes: old segments are deleted while the log is bigger; -1 = unlimited.
  int64_t retention_bytes = -1;
  /// flush.messages (log.flush.interval.messages): fsync after this many appended
  /// messages; 1 = fsync before acknowledging every append.
  int64_t flush_messages = std::numeric_limits<int64_t>::max();
  /// flush.ms (log.flush.interval.ms): fsync when unflushed data is older than this.
  int64_t flush_ms = std::numeric_limits<int64_t>::max();
  /// index.interval.bytes: one sparse offset/time index entry per this many log bytes.
  int32_t index_interval_bytes = 4096;
  /// segment.index.bytes: preallocated size of each index file; the segment rolls when full.
  int32_t segment_index_bytes = 10 * 1024 * 1024;
  /// max.message.bytes: the largest batch (after compression) a producer may append.
  int32_t max_message_bytes = 1048588;
  /// message.timestamp.type: false = CreateTime, true = LogAppendTime.
  bool log_append_time = false;
};

}  // namespace kafkit::broker
