// Admin::metadata: one Metadata answer, unchanged, for tools that show the cluster as a
// broker sees it (kafkit -L prints it in kcat's layout, including which broker answered).
#include <algorithm>

#include "client/admin/admin_impl.hpp"
#include "kafkit/admin.hpp"

namespace kafkit {

using client::resource_error;

Result<ClusterMetadata> Admin::metadata(const std::optional<std::vector<std::string>>& topics,
                                        Timeout timeout) {
  ClusterMetadata out;
  auto md = impl_->metadata(topics, impl_->deadline(timeout), &out.answered_by);
  if (!md.ok()) return md.error();
  out.controller = md->controller_id;
  for (const auto& b : md->brokers) out.brokers.push_back({b.node_id, b.host, b.port, b.rack});
  for (const auto& t : md->topics) {
    TopicDescription d;
    d.name = t.name.value_or("");
    d.error = resource_error(t.error_code);
    d.internal = t.is_internal;
    for (const auto& p : t.partitions)
      d.partitions.push_back({p.partition_index, p.leader_id, p.replica_nodes, p.isr_nodes,
                              resource_error(p.error_code)});
    std::sort(d.partitions.begin(), d.partitions.end(),
              [](const auto& a, const auto& b) { return a.partition < b.partition; });
    out.topics.push_back(std::move(d));
  }
  return out;
}

}  // namespace kafkit
