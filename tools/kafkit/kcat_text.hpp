#pragma once
// Text that kafkit prints exactly as kcat 1.7.1 (librdkafka 2.0.2) does, shared by -L and
// -Q: Kafka error codes in librdkafka's wording and JSON strings escaped as yajl does.
#include <cstdint>
#include <string>
#include <string_view>

namespace kafkit::cli {

/// librdkafka's rd_kafka_err2str() text for a Kafka error code ("Broker: Unknown topic or
/// partition") or for the local conditions kcat shows (kLocalUnknownPartition, ...).
/// A code outside the table prints as "Broker: <KAFKA_ERROR_NAME>".
std::string kcat_error_text(int code);

/// librdkafka's own (negative) codes that kcat prints for -L / -Q.
inline constexpr int kLocalUnknownPartition = -190;
inline constexpr int kLocalTimedOut = -185;
inline constexpr int kLocalTransport = -195;

/// Appends `text` as a JSON string the way yajl's generator writes it (kcat's -J): quote,
/// backslash and control characters escaped, '/' and UTF-8 bytes as they are.
void append_json_string(std::string& out, std::string_view text);

}  // namespace kafkit::cli
