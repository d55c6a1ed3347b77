#pragma once
// ApiVersionTable: the version ranges one broker advertised in its ApiVersions response,
// and the rule that picks the version of every later request on that connection:
// min(our max, broker max), provided it is >= max(our min, broker min).
//
// Pure data, no I/O: tools print it, the client (issue 5) consults it before choosing a
// request shape, and the Connection applies `choose` to every request it sends.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace kafkit::net {

struct VersionRange {
  std::int16_t min = 0;
  std::int16_t max = -1;  // max < min: empty
  bool operator==(const VersionRange&) const = default;
};

class ApiVersionTable {
 public:
  ApiVersionTable() = default;
  explicit ApiVersionTable(std::map<std::int16_t, VersionRange> ranges)
      : ranges_(std::move(ranges)) {}

  /// The broker's range for `api_key`, or nullptr when it does not offer the API.
  const VersionRange* find(std::int16_t api_key) const;
  const std::map<std::int16_t, VersionRange>& ranges() const { return ranges_; }
  bool empty() const { return ranges_.empty(); }

  /// The version to send: the highest both sides support. Fails with Kafka's
  /// UNSUPPORTED_VERSION (35) and a message naming the API, the broker and both ranges
  /// when the broker lacks the API or the ranges do not overlap.
  Result<std::int16_t> choose(std::int16_t api_key, std::string_view api_name, VersionRange ours,
                              std::string_view broker) const;

  /// "Metadata(3): 0-12, Produce(0): 3-9, ..." for logs and tools.
  std::string to_string() const;

 private:
  std::map<std::int16_t, VersionRange> ranges_;
};

}  // namespace kafkit::net
