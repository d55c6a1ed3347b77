#pragma once
// Value parsing shared by kafkit-fuzz's option parsers (cli_options, proxy_options): whole
// strings only, so "10x" or "" is a usage error and not a silent 10 or 0.
#include <charconv>
#include <string>

#include "common/result.hpp"

namespace kafkit::fuzz {

inline Error usage(const std::string& message) {
  return Error{errc::invalid_argument, message};
}

/// Parses all of `s` as a number (integer or floating point, by T).
template <class T>
bool parse_number(const std::string& s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && !s.empty();
}

}  // namespace kafkit::fuzz
