#pragma once
// What the side-by-side benches share when they gather and print results: the RESULT line
// a child prints (key=value words, then error= to the end of the line), the fastest run
// of a cell, number formatting, and option parsing.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>

namespace kafkit::bench {

/// The key=value words of the last "RESULT " line in a child's stdout, with "error" holding
/// the rest of the line; nullopt when there is no such line.
inline std::optional<std::map<std::string, std::string>> parse_result_line(const std::string& out) {
  size_t at = out.rfind("RESULT ");
  if (at == std::string::npos) return std::nullopt;
  std::string line = out.substr(at + 7, out.find('\n', at) - at - 7);
  size_t err_at = line.find(" error=");
  if (err_at == std::string::npos) return std::nullopt;
  std::map<std::string, std::string> kv;
  kv["error"] = line.substr(err_at + 7);
  std::istringstream words(line.substr(0, err_at));
  for (std::string w; words >> w;) {
    size_t eq = w.find('=');
    if (eq != std::string::npos) kv[w.substr(0, eq)] = w.substr(eq + 1);
  }
  return kv;
}

/// The fastest successful run of a client in a cell, and how many runs failed.
template <class Outcome>
struct Best {
  std::optional<Outcome> run;
  int failures = 0;
  void add(const Outcome& o) {
    if (!o.ok) {
      ++failures;
    } else if (!run || o.seconds < run->seconds) {
      run = o;
    }
  }
};

inline std::string num(double v, const char* format) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

/// A whole decimal number in [1, max].
inline bool parse_number(const char* text, long max, long& out) {
  char* end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < 1 || v > max) return false;
  out = v;
  return true;
}

}  // namespace kafkit::bench
