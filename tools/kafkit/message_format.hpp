#pragma once
// What `kafkit -C` prints for each message without -J: kcat's `-f` format string
// (%t %p %o %k %K %s %S %R %T %h %%, with kcat's backslash escapes), or kcat's default
// of the value and the -D delimiter (prefixed by the key and -K delimiter). kafkit adds
// encoding modifiers — %{base64}s, %{hex}k, %{base64}h — for bytes that are not text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli_options.hpp"
#include "kafkit/consumer.hpp"

namespace kafkit::cli {

enum class FieldKind : unsigned char {
  literal,
  offset,               // %o
  key,                  // %k
  key_length,           // %K (-1 for a null key)
  value,                // %s
  value_length,         // %S (-1 for a null value)
  value_length_binary,  // %R: %S as a 4-byte big-endian integer
  topic,                // %t
  partition,            // %p
  timestamp,            // %T (ms since the epoch)
  headers,              // %h: name=value,... with NULL for a null value
};

struct FormatToken {
  FieldKind kind = FieldKind::literal;
  std::string text;                  // literal: the bytes, escapes decoded
  std::optional<Encoding> encoding;  // %{base64}s etc.; unset: --encoding applies
  friend bool operator==(const FormatToken&, const FormatToken&) = default;
};

/// Parses a `-f` format. Throws UsageError for "%" at the end, an unknown %-token or a
/// modifier on a token other than %s %k %h.
std::vector<FormatToken> parse_format(std::string_view format);

/// kcat's escape decoding of a format's literal text: \n \r \t, \xHH (hex digits only;
/// "\xff" stays "ff" as in kcat, whose strtoul wants a decimal digit first), \N (a
/// decimal, 0-octal or 0x-hex number as strtoul reads it), any other \c is c; text stops
/// at the first NUL byte it produces, as kcat's strlen does.
std::string decode_format_escapes(std::string_view text);

/// The format kcat uses when there is no -f: "%s<delim>", or "%k<key-delim>%s<delim>"
/// with -K. For -J it is just the delimiter written after each object.
std::string default_format(const CliOptions& options);

/// What -J writes after each object: kcat writes the format's first token when that is
/// text (the -D delimiter by default), else nothing.
std::string json_delimiter(const std::vector<FormatToken>& tokens);

struct FormatOptions {
  bool null_empty = false;                // -Z: print "NULL" for an empty or null key / value
  Encoding encoding = Encoding::none;     // --encoding for %s %k %h without a modifier
  std::optional<std::string> key_pack;    // -s key=...
  std::optional<std::string> value_pack;  // -s value=...
};

class MessageFormatter {
 public:
  MessageFormatter(std::vector<FormatToken> tokens, FormatOptions options);
  /// Appends `record` as the format says. When a -s deserializer refuses the bytes it
  /// stops there (what came before stays appended, as kcat prints it), sets `error` to
  /// kcat's "Failed to format message in t [p] at offset o: ..." and returns false.
  bool append(std::string& out, const ConsumerRecord& record, std::string& error) const;

 private:
  bool append_bytes(std::string& out, std::optional<std::string_view> bytes,
                    const std::optional<std::string>& pack, const char* what,
                    std::optional<Encoding> modifier, std::string& error) const;

  std::vector<FormatToken> tokens_;
  FormatOptions options_;
};

/// Appends the decimal form of `value` (no allocation).
void append_decimal(std::string& out, std::int64_t value);

}  // namespace kafkit::cli
