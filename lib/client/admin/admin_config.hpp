#pragma once
// AdminConfig: the admin client's settings — the shared cluster properties
// (cluster_properties.hpp) plus its own request.timeout.ms and retry.backoff.ms.
#include <chrono>
#include <span>

#include "client/cluster/cluster_config.hpp"
#include "common/result.hpp"
#include "kafkit/config.hpp"
#include "kafkit/producer.hpp"  // PropertyInfo

namespace kafkit::client {

struct AdminConfig {
  ClusterConfig cluster;
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds retry_backoff{100};

  /// An unknown property or a bad value is an invalid_argument Error that names it.
  static Result<AdminConfig> parse(const Config& config);
};

/// Every property AdminConfig::parse accepts.
std::span<const PropertyInfo> admin_properties() noexcept;

}  // namespace kafkit::client
