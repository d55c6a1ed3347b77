#include "start_offset.hpp"

#include <algorithm>
#include <charconv>

#include "cli_options.hpp"

namespace kafkit::cli {
namespace {

std::optional<std::int64_t> whole_number(std::string_view text) {
  std::int64_t v = 0;
  if (text.empty() || text[0] == '+') return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

[[noreturn]] void bad(std::string_view text) {
  throw UsageError("-o: '" + std::string(text) +
                   "' is not beginning, end, stored, an offset, -N (from the end), s@ms or "
                   "e@ms");
}

std::int64_t timestamp(std::string_view whole, std::string_view digits) {
  auto v = whole_number(digits);
  if (!v || *v < 0) bad(whole);
  return *v;
}

}  // namespace

StartOffset parse_start_offset(std::string_view text) {
  using K = StartOffset::Kind;
  if (text == "beginning") return {K::beginning, 0};
  if (text == "end") return {K::end, 0};
  if (text == "stored") return {K::stored, 0};
  if (text.substr(0, 2) == "s@") return {K::time, timestamp(text, text.substr(2))};
  auto v = whole_number(text);
  if (!v) bad(text);
  // As kcat: "-0" is offset 0, not the end.
  if (*v < 0) return {K::tail, -*v};
  return {K::absolute, *v};
}

OffsetRange parse_offsets(const std::vector<std::string>& values) {
  OffsetRange range;
  for (const auto& v : values) {
    std::string_view text = v;
    if (text.substr(0, 2) == "e@")
      range.stop_time = timestamp(text, text.substr(2));
    else
      range.start = parse_start_offset(text);
  }
  return range;
}

std::int64_t tail_offset(std::int64_t low, std::int64_t high, std::int64_t count) {
  return std::max(low, high - count);
}

}  // namespace kafkit::cli
