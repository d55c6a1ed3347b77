#pragma once
// Strict parsing of property values (broker and client configs alike): the whole value
// must parse and be in range, and an error names the property, the value and what is
// accepted, because a silently misread setting is worse than a refusal to start.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace kafkit {

/// `invalid value "v" for key: expected <expected>` (errc::invalid_argument).
Error bad_property_value(std::string_view key, std::string_view value, std::string_view expected);

Result<int64_t> parse_long_property(std::string_view key, std::string_view value, int64_t min,
                                    int64_t max);
Result<bool> parse_bool_property(std::string_view key, std::string_view value);
/// One of `choices`, compared case-insensitively; returns the matching choice as spelled
/// there.
Result<std::string_view> parse_choice_property(std::string_view key, std::string_view value,
                                               std::initializer_list<std::string_view> choices);

}  // namespace kafkit
