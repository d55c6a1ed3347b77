#include "net/api_version_table.hpp"

#include <algorithm>

#include "protocol/messages/apis.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::net {
namespace {

std::string range_text(VersionRange r) {
  return "v" + std::to_string(r.min) + "-v" + std::to_string(r.max);
}

}  // namespace

const VersionRange* ApiVersionTable::find(std::int16_t api_key) const {
  auto it = ranges_.find(api_key);
  return it == ranges_.end() ? nullptr : &it->second;
}

Result<std::int16_t> ApiVersionTable::choose(std::int16_t api_key, std::string_view api_name,
                                             VersionRange ours, std::string_view broker) const {
  constexpr int kUnsupported = static_cast<int>(protocol::ErrorCode::UnsupportedVersion);
  std::string what = std::string(api_name) + " (key " + std::to_string(api_key) + ")";
  const VersionRange* theirs = find(api_key);
  if (theirs == nullptr) {
    return Error{kUnsupported, "broker " + std::string(broker) + " does not support " + what +
                                   " at all (kafkit supports " + range_text(ours) +
                                   "); nothing was sent, kafkit will not retry"};
  }
  std::int16_t high = std::min(ours.max, theirs->max);
  std::int16_t low = std::max(ours.min, theirs->min);
  if (high < low) {
    return Error{kUnsupported, "no common version of " + what + " with broker " +
                                   std::string(broker) + ": kafkit supports " + range_text(ours) +
                                   ", the broker " + range_text(*theirs) +
                                   "; nothing was sent, kafkit will not retry"};
  }
  return high;
}

std::string ApiVersionTable::to_string() const {
  std::string out;
  for (const auto& [key, range] : ranges_) {
    if (!out.empty()) out += ", ";
    const protocol::ApiInfo* info = protocol::find_api(key);
    out += info != nullptr ? std::string(info->name) : "Unknown";
    out += "(" + std::to_string(key) + "): " + std::to_string(range.min) + "-" +
           std::to_string(range.max);
  }
  return out;
}

}  // namespace kafkit::net
