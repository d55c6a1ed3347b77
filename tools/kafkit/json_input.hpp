#pragma once
// The producer's `-J` input: one JSON object per line, the envelope `kafkit -C -J` (and
// kcat -C -J) prints, so a consumed topic can be produced again as it was.
//
//   {"topic":"t","partition":0,"offset":5,"tstype":"create","ts":1700000000000,
//    "broker":1,"headers":["h1","v1"],"key":"k","payload":"v","encoding":"base64"}
//
// topic (else -t), partition (absent or -1: the partitioner), key and payload (string or
// null), headers (kcat's flat [name, value, ...] array or an object {"name": "value"};
// a value may be null), ts (CreateTime in ms), encoding ("base64" / "hex": key, payload
// and header values are encoded). offset, broker, tstype and any other field are ignored.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli_options.hpp"
#include "kafkit/result.hpp"

namespace kafkit::cli {

struct JsonMessage {
  std::optional<std::string> topic;
  std::optional<std::int32_t> partition;
  std::optional<std::string> key;
  std::optional<std::string> payload;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  std::optional<std::int64_t> timestamp;
};

/// Parses one envelope line. `default_encoding` (`--encoding`) applies when the line has no
/// "encoding" field. The error says what is wrong (the caller adds the line number).
Result<JsonMessage> parse_json_message(std::string_view line, Encoding default_encoding);

}  // namespace kafkit::cli
