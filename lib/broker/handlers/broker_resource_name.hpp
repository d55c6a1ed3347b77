#pragma once
// Kafka's rule for the name of a BROKER or BROKER_LOGGER config resource, shared by
// DescribeConfigs and IncrementalAlterConfigs: an integer, and this node's id.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/kafka_error.hpp"

namespace kafkit::broker {

/// Null when `name` names this node; `allow_empty` accepts "" (the cluster-wide default
/// that IncrementalAlterConfigs may address).
inline std::optional<Error> check_broker_name(std::string_view name, std::int32_t node_id,
                                              bool allow_empty = false) {
  if (allow_empty && name.empty()) return std::nullopt;
  std::int32_t id = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec != std::errc() || end != name.data() + name.size())
    return kafka_error(ErrorCode::InvalidRequest,
                       "Broker id must be an integer, but it is: " + std::string(name));
  if (id != node_id)
    return kafka_error(ErrorCode::InvalidRequest,
                       "Unexpected broker id, expected " + std::to_string(node_id) +
                           " or empty string, but received " + std::string(name));
  return std::nullopt;
}

}  // namespace kafkit::broker
