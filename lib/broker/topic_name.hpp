#pragma once
// Kafka's topic name rule: 1-249 characters from [a-zA-Z0-9._-], and not "." or "..".
// (249 leaves room for the "-<partition>" of the partition directory name.)
#include <optional>
#include <string>
#include <string_view>

namespace kafkit::broker {

/// Why `name` is not a legal topic name, or nullopt when it is.
std::optional<std::string> invalid_topic_name_reason(std::string_view name);

}  // namespace kafkit::broker
