#pragma once
// The properties every client takes the same way — where the cluster is, who we are, how
// connections and metadata behave — so the producer's and the consumer's property tables
// (and later the admin client's) share one definition and one default each. A client's own
// table is looked up first; properties whose default or side effects differ per client
// (allow.auto.create.topics, retry.backoff.ms, request.timeout.ms) stay in the client's table.
#include <span>
#include <string_view>
#include <vector>

#include "client/cluster/cluster_config.hpp"
#include "common/result.hpp"
#include "kafkit/producer.hpp"  // PropertyInfo

namespace kafkit::client {

struct ClusterProperty {
  PropertyInfo info;
  /// Null for an alias (find_cluster_property resolves it).
  Result<void> (*set)(ClusterConfig& config, std::string_view key, std::string_view value);
};

/// Every shared property, aliases included, in the order `kafkit -X list` shows them.
std::span<const ClusterProperty> cluster_properties() noexcept;
/// The property `name` names (through its alias), or null when it is not a shared one.
const ClusterProperty* find_cluster_property(std::string_view name) noexcept;

/// What a client's properties() lists: the shared properties first (bootstrap.servers
/// leads), then the client's own `table` (entries with an `info` member).
template <class Table>
std::vector<PropertyInfo> with_cluster_properties(const Table& table) {
  std::vector<PropertyInfo> out;
  for (const ClusterProperty& p : cluster_properties()) out.push_back(p.info);
  for (const auto& p : table) out.push_back(p.info);
  return out;
}

}  // namespace kafkit::client
