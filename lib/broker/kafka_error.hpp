#pragma once
// Errors the broker answers with: a Kafka error code plus the message that goes into the
// response's ErrorMessage field where the API has one.
#include <string>

#include "common/result.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::broker {

using protocol::ErrorCode;

inline Error kafka_error(ErrorCode code, std::string message) {
  return Error{static_cast<int>(code), std::move(message)};
}

/// The wire error code for a failed operation: its Kafka code, or UNKNOWN_SERVER_ERROR
/// for a local (I/O) failure, which Kafka reports as KAFKA_STORAGE_ERROR.
inline int16_t wire_code(const Error& e) {
  if (e.code >= -1 && e.code < 32768) return static_cast<int16_t>(e.code);
  if (e.code == errc::io) return static_cast<int16_t>(ErrorCode::KafkaStorageError);
  return static_cast<int16_t>(ErrorCode::UnknownServerError);
}

}  // namespace kafkit::broker
