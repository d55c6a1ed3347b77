#pragma once
// The checks a Produce partition's records must pass before they reach the log, as
// Kafka's ProduceRequest.validateRecords and LogValidator make them for v3+ requests:
// exactly one batch, magic 2, whole and of the declared length, within max.message.bytes,
// the CRC right, a consistent record count and offset range, no control batch.
//
// Record contents inside a batch (the varints of each record) are not decoded here: the
// CRC already proves the bytes are what the producer built, and decoding every record —
// decompressing first — would cost more than the rest of the append path together.
// Consumers decode and validate every record they read.
#include <cstdint>
#include <string>

#include "broker/kafka_error.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

struct RecordsCheck {
  ErrorCode error = ErrorCode::None;
  std::string message;
  int32_t record_count = 0;
  bool ok() const noexcept { return error == ErrorCode::None; }
};

RecordsCheck validate_produce_records(protocol::ByteView records, int32_t max_message_bytes);

}  // namespace kafkit::broker
