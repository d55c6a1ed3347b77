#pragma once
// base64 (RFC 4648, with padding) and hex for keys, values and header values that are not
// text: `--encoding`, the `%{base64}k`-style format modifiers, and the JSON envelope's
// "encoding" field all use these.
#include <optional>
#include <string>
#include <string_view>

#include "cli_options.hpp"

namespace kafkit::cli {

std::string encode(std::string_view bytes, Encoding encoding);
/// The bytes `text` encodes, or nullopt when it is not valid in `encoding`.
std::optional<std::string> decode(std::string_view text, Encoding encoding);
/// "base64" / "hex" / "none" and back (nullopt for anything else).
const char* encoding_name(Encoding encoding) noexcept;
std::optional<Encoding> encoding_from_name(std::string_view name) noexcept;

}  // namespace kafkit::cli
