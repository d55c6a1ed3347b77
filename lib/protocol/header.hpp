#pragma once
// Request and response headers (hand-written: their versions follow from the body's API and
// version, see request_header_version() / response_header_version()).
#include <cstdint>
#include <optional>
#include <string>

#include "common/json_writer.hpp"
#include "common/result.hpp"
#include "protocol/reader.hpp"
#include "protocol/types.hpp"
#include "protocol/writer.hpp"

namespace kafkit::protocol {

/// Request header v0 (key, version, correlation id), v1 (+ client id) and v2 (+ tag buffer).
/// The client id stays an INT16-length string even in v2, which is otherwise flexible.
struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  TaggedFields unknown_tagged_fields;

  void encode(Writer& w, int16_t header_version) const;
  size_t encoded_size(int16_t header_version) const;
  Result<void> decode(Reader& r, int16_t header_version);
  void to_json(JsonWriter& j, int16_t header_version) const;
  bool operator==(const RequestHeader&) const = default;
};

/// Response header v0 (correlation id) and v1 (+ tag buffer).
struct ResponseHeader {
  int32_t correlation_id = 0;
  TaggedFields unknown_tagged_fields;

  void encode(Writer& w, int16_t header_version) const;
  size_t encoded_size(int16_t header_version) const;
  Result<void> decode(Reader& r, int16_t header_version);
  void to_json(JsonWriter& j, int16_t header_version) const;
  bool operator==(const ResponseHeader&) const = default;
};

/// Reads a tag buffer into `out` (all tags are unknown to headers).
void read_unknown_tags(Reader& r, TaggedFields& out, const char* field);
size_t unknown_tags_size(const TaggedFields& tags);

}  // namespace kafkit::protocol
