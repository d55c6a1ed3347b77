#include "common/property_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace kafkit {

Error bad_property_value(std::string_view key, std::string_view value, std::string_view expected) {
  return Error{errc::invalid_argument, "invalid value \"" + std::string(value) + "\" for " +
                                           std::string(key) + ": expected " +
                                           std::string(expected)};
}

Result<int64_t> parse_long_property(std::string_view key, std::string_view value, int64_t min,
                                    int64_t max) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size() || value.empty() || v < min || v > max)
    return bad_property_value(
        key, value, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return v;
}

Result<bool> parse_bool_property(std::string_view key, std::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return bad_property_value(key, value, "true or false");
}

Result<std::string_view> parse_choice_property(std::string_view key, std::string_view value,
                                               std::initializer_list<std::string_view> choices) {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  std::string expected = "one of";
  for (std::string_view c : choices) {
    if (same(c, value)) return c;
    expected += (expected.size() == 6 ? " " : ", ") + std::string(c);
  }
  return bad_property_value(key, value, expected);
}

}  // namespace kafkit
