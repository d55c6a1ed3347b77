#include "pack_serdes.hpp"

#include <charconv>
#include <cstdint>

#include "cli_options.hpp"

namespace kafkit::cli {
namespace {

constexpr std::string_view kTokens = " <>bBhHiIqQcs$";

size_t token_size(char token) {
  switch (token) {
    case 'b':
    case 'B':
      return 1;
    case 'h':
    case 'H':
      return 2;
    case 'i':
    case 'I':
      return 4;
    case 'q':
    case 'Q':
      return 8;
    default:
      return 0;
  }
}

template <class T>
void append_number(std::string& out, T value) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

}  // namespace

void check_pack_format(std::string_view what, std::string_view format) {
  if (format.empty()) throw UsageError(std::string(what) + " pack-format must not be empty");
  for (char c : format)
    if (kTokens.find(c) == std::string_view::npos)
      throw UsageError(std::string("Invalid token '") + c + "' in " + std::string(what) +
                       " pack-format, see -s usage.");
}

bool unpack(std::string& out, std::string_view what, std::string_view format,
            std::string_view bytes, std::string& error) {
  bool little = false;
  size_t at = 0;
  for (char token : format) {
    size_t remaining = bytes.size() - at;
    switch (token) {
      case ' ':
        out += ' ';
        continue;
      case '<':
        little = true;
        continue;
      case '>':
        little = false;
        continue;
      case 's':
        out.append(bytes.substr(at));
        at = bytes.size();
        continue;
      case '$':
        if (remaining > 0) {
          error = "expected " + std::string(what) + " end-of-input, but " +
                  std::to_string(remaining) + " bytes remaining";
          return false;
        }
        continue;
      default:
        break;
    }
    // 'c' is one byte too; kcat reads it unchecked, kafkit reports the truncation.
    size_t size = token == 'c' ? 1 : token_size(token);
    if (size > remaining) {
      error = std::string(what) + " truncated, expected " + std::to_string(size) +
              " bytes to unpack " + token + " but only " + std::to_string(remaining) +
              " bytes remaining";
      return false;
    }
    std::uint64_t v = 0;
    for (size_t i = 0; i < size; ++i) {
      auto byte = static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i]));
      if (little)
        v |= byte << (8 * i);
      else
        v = (v << 8) | byte;
    }
    at += size;
    switch (token) {
      case 'c':
        out += static_cast<char>(v);
        break;
      case 'b':
        append_number(out, static_cast<std::int8_t>(v) + 0);
        break;
      case 'B':
        append_number(out, static_cast<unsigned>(v));
        break;
      case 'h':
        append_number(out, static_cast<std::int16_t>(v) + 0);
        break;
      case 'H':
        append_number(out, static_cast<unsigned>(static_cast<std::uint16_t>(v)));
        break;
      case 'i':
        append_number(out, static_cast<std::int32_t>(v));
        break;
      case 'I':
        append_number(out, static_cast<std::uint32_t>(v));
        break;
      case 'q':
        append_number(out, static_cast<std::int64_t>(v));
        break;
      case 'Q':
        append_number(out, v);
        break;
      default:
        break;
    }
  }
  return true;  // input left after the format is ignored, as kcat does
}

}  // namespace kafkit::cli
