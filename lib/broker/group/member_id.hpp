#pragma once
// Member ids the coordinator hands out: "<group.instance.id or client.id>-<random UUID>",
// the form Kafka's GroupMetadata.generateMemberId uses (clients treat them as opaque, but
// operators read them in DescribeGroups).
#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace kafkit::broker {

class MemberIdGenerator {
 public:
  MemberIdGenerator();
  std::string next(const std::string& client_id, const std::optional<std::string>& instance_id);
  /// A random version-4 UUID in its canonical text form (8-4-4-4-12 lowercase hex).
  std::string uuid();

 private:
  std::mt19937_64 random_;  /// @thread loop
};

}  // namespace kafkit::broker
