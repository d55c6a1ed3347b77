#pragma once
// Properties: the `key=value` files Kafka tools read (server.properties, client configs),
// parsed to an ordered map. Supported: `key=value` and `key: value`, whitespace trimmed
// around both, `#` / `!` comment lines, a trailing `\` continuing a value on the next
// line. A line with no separator or an empty key is an error naming the line, because a
// silently ignored broker setting is worse than a refusal to start.
#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace kafkit {

using Properties = std::map<std::string, std::string, std::less<>>;

/// Parses properties text; `origin` (a file name) prefixes error messages.
Result<Properties> parse_properties(std::string_view text, std::string_view origin);
/// Reads and parses a file.
Result<Properties> load_properties(const std::string& path);

}  // namespace kafkit
