#include "common/properties.hpp"

#include <fstream>
#include <sstream>

namespace kafkit {
namespace {

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

Result<Properties> parse_properties(std::string_view text, std::string_view origin) {
  Properties out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line(trim(text.substr(pos, end - pos)));
    pos = end + 1;
    ++line_no;
    size_t first_line = line_no;
    while (!line.empty() && line.back() == '\\' && pos <= text.size()) {
      line.pop_back();
      size_t next = text.find('\n', pos);
      if (next == std::string_view::npos) next = text.size();
      line += trim(text.substr(pos, next - pos));
      pos = next + 1;
      ++line_no;
    }
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    size_t sep = line.find_first_of("=:");
    std::string_view key =
        sep == std::string::npos ? "" : trim(std::string_view(line).substr(0, sep));
    if (sep == std::string::npos || key.empty())
      return Error{errc::invalid_argument, std::string(origin) + ":" + std::to_string(first_line) +
                                               ": expected key=value, got \"" + line + "\""};
    out[std::string(key)] = std::string(trim(std::string_view(line).substr(sep + 1)));
  }
  return out;
}

Result<Properties> load_properties(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{errc::io, "cannot open config file " + path};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_properties(text.str(), path);
}

}  // namespace kafkit
