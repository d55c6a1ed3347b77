#pragma once
// kcat's `-s` pack-format deserializers for keys and values (Python struct.unpack style):
// each token reads a fixed-size integer (b B h H i I q Q), a character (c) or the rest as
// text (s) and prints it; '<' / '>' pick the byte order, ' ' prints a space and '$' demands
// that no input is left.
#include <string>
#include <string_view>

namespace kafkit::cli {

/// Refuses an empty pack format or one with a token kcat does not know, with kcat's
/// wording ("Invalid token 'x' in key pack-format, see -s usage."). `what` is "key" or
/// "value". Throws UsageError.
void check_pack_format(std::string_view what, std::string_view format);

/// Appends the decoded `bytes` to `out`. On input that does not fit the format, returns
/// false with kcat's reason in `error` ("key truncated, expected 8 bytes to unpack q but
/// only 4 bytes remaining"); what was decoded before the problem stays in `out`, as kcat
/// prints it. Unlike kcat 1.7.1 (which reads big-endian whatever it is told), '<' really
/// reads the integers that follow little-endian, as kcat documents.
bool unpack(std::string& out, std::string_view what, std::string_view format,
            std::string_view bytes, std::string& error);

}  // namespace kafkit::cli
