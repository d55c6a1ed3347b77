#include "broker/group/coordinator_node.hpp"

#include <climits>

#include "broker/cluster_state.hpp"
#include "broker/handlers/partition_lookup.hpp"

namespace kafkit::broker {

// h = 31*h + unit over UTF-16 code units, in wrapping 32-bit arithmetic. Malformed UTF-8
// bytes count as U+FFFD, as Java's decoder replaces them.
int32_t java_string_hash(std::string_view s) {
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  size_t i = 0;
  while (i < s.size()) {
    auto b0 = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (b0 < 0x80) {
      cp = b0;
    } else {
      size_t need = (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 0;
      if (need != 0 && i + need <= s.size()) {
        uint32_t v = b0 & (0x7F >> need);
        bool ok = true;
        for (size_t k = 1; k < need; ++k) {
          auto b = static_cast<unsigned char>(s[i + k]);
          if ((b & 0xC0) != 0x80) {
            ok = false;
            break;
          }
          v = (v << 6) | (b & 0x3F);
        }
        static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (ok && v >= kMin[need] && v <= 0x10FFFF && (v < 0xD800 || v > 0xDFFF)) {
          cp = v;
          len = need;
        }
      }
    }
    if (cp >= 0x10000) {
      add(0xD800 + ((cp - 0x10000) >> 10));
      add(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      add(cp);
    }
    i += len;
  }
  return static_cast<int32_t>(h);
}

const NodeInfo* home_coordinator(const ClusterState& cluster, std::string_view key) {
  if (cluster.nodes.empty()) return nullptr;
  int32_t h = java_string_hash(key);
  uint32_t positive = h == INT32_MIN ? 0u : static_cast<uint32_t>(h < 0 ? -h : h);
  return &cluster.nodes[positive % cluster.nodes.size()];
}

const NodeInfo* coordinator_for(const ClusterState& cluster, std::string_view key) {
  const NodeInfo* home = home_coordinator(cluster, key);
  if (home == nullptr || !cluster.faults.coordination_moved(home->id)) return home;
  const size_t start = static_cast<size_t>(home - cluster.nodes.data());
  for (size_t i = 1; i < cluster.nodes.size(); ++i) {
    const NodeInfo& n = cluster.nodes[(start + i) % cluster.nodes.size()];
    if (!cluster.faults.stopped(n.id)) return &n;
  }
  return home;  // nothing else runs: COORDINATOR_NOT_AVAILABLE
}

int16_t check_coordinator(const ClusterState& cluster, int32_t node_id, std::string_view group) {
  const NodeInfo* node = coordinator_for(cluster, group);
  if (node == nullptr || cluster.faults.stopped(node->id)) {
    return code(ErrorCode::CoordinatorNotAvailable);
  }
  if (node->id != node_id) return code(ErrorCode::NotCoordinator);
  return 0;
}

}  // namespace kafkit::broker
