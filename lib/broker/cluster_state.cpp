#include "broker/cluster_state.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace kafkit::broker {

int64_t ClusterState::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const NodeInfo* ClusterState::node(int32_t id) const {
  for (const NodeInfo& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

int32_t ClusterState::controller_id() const {
  for (const NodeInfo& n : nodes)
    if (!faults.stopped(n.id)) return n.id;
  return -1;
}

void ClusterState::log(const std::string& line) const {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(stderr, "%s kafkit-broker: %s\n", stamp, line.c_str());
}

}  // namespace kafkit::broker
