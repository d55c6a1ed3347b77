#include "findings_store.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace kafkit::fuzz {

namespace {

constexpr std::string_view magic_line = "kafkit-fuzz finding";

Error bad_file(const std::string& path, const std::string& why) {
  return Error{errc::malformed, path + ": not a kafkit-fuzz finding: " + why};
}

}  // namespace

std::string Finding::field(const std::string& name) const {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return {};
}

Result<std::string> save_finding(const std::string& dir, const std::string& file_name,
                                 const Finding& f) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{errc::io, dir + ": " + ec.message()};
  std::string path = (std::filesystem::path(dir) / file_name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << magic_line << '\n';
  for (const auto& [k, v] : f.fields) {
    std::string value = v;
    for (auto& ch : value)
      if (ch == '\n') ch = ' ';
    out << k << ": " << value << '\n';
  }
  out << "connections: " << f.connections.size() << "\n\n";
  for (const auto& c : f.connections) {
    out << "conn " << c.sent.size() << (c.half_closed ? " half-close" : " open") << '\n';
    out.write(reinterpret_cast<const char*>(c.sent.data()), std::streamsize(c.sent.size()));
    out << '\n';
  }
  out.close();
  if (!out) return Error{errc::io, path + ": write failed"};
  return path;
}

Result<Finding> load_finding(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{errc::io, path + ": cannot open"};
  std::string data{std::istreambuf_iterator<char>(in), {}};
  size_t at = 0;
  auto next_line = [&](std::string& line) {
    auto nl = data.find('\n', at);
    if (nl == std::string::npos) return false;
    line = data.substr(at, nl - at);
    at = nl + 1;
    return true;
  };
  std::string line;
  if (!next_line(line) || line != magic_line) return bad_file(path, "no header line");
  Finding f;
  for (;;) {
    if (!next_line(line)) return bad_file(path, "header does not end");
    if (line.empty()) break;
    auto colon = line.find(": ");
    if (colon == std::string::npos) return bad_file(path, "header line '" + line + "'");
    if (line.compare(0, colon, "connections") != 0)
      f.fields.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  while (at < data.size()) {
    if (!next_line(line) || line.rfind("conn ", 0) != 0)
      return bad_file(path, "expected 'conn SIZE half-close|open' at byte " + std::to_string(at));
    auto space = line.find(' ', 5);
    std::string_view size_text = std::string_view(line).substr(
        5, space == std::string::npos ? std::string::npos : space - 5);
    size_t n = 0;
    auto [p, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), n);
    if (ec != std::errc{} || p != size_text.data() + size_text.size() || n > data.size() - at)
      return bad_file(path, "bad connection size '" + std::string(size_text) + "'");
    ConnectionLog c;
    c.half_closed = space != std::string::npos && line.substr(space + 1) == "half-close";
    auto* b = reinterpret_cast<const std::byte*>(data.data() + at);
    c.sent.assign(b, b + n);
    at += n;
    if (at < data.size() && data[at] == '\n') ++at;
    f.connections.push_back(std::move(c));
  }
  return f;
}

}  // namespace kafkit::fuzz
