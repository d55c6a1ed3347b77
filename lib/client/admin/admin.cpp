// Admin: construction and the cluster description.
#include "kafkit/admin.hpp"

#include <stdexcept>

#include "client/admin/admin_impl.hpp"

namespace kafkit {

using client::resource_error;
using client::should_retry;

Admin::Admin(const Config& config) {
  auto parsed = client::AdminConfig::parse(config);
  if (!parsed.ok()) throw std::invalid_argument(parsed.error().message);
  impl_ = std::make_unique<client::AdminImpl>(std::move(parsed.value()));
}

Admin::~Admin() = default;

std::span<const PropertyInfo> Admin::properties() noexcept {
  return client::admin_properties();
}

Result<ClusterDescription> Admin::describe_cluster(Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  // DescribeCluster (KIP-700) where served; older brokers (and librdkafka's mock) answer
  // the same questions through Metadata.
  for (;;) {
    auto r = impl_->call_any(protocol::DescribeClusterRequest{}, deadline);
    if (!r.ok() && r.error().code != static_cast<int>(protocol::ErrorCode::UnsupportedVersion))
      return r.error();
    if (!r.ok()) break;
    if (r->error_code != 0) {
      if (should_retry(r->error_code) && impl_->backoff(deadline)) continue;
      return Error{r->error_code,
                   "DescribeCluster: " + resource_error(r->error_code, r->error_message).message};
    }
    ClusterDescription d{r->cluster_id, r->controller_id, {}};
    for (const auto& b : r->brokers) d.brokers.push_back({b.broker_id, b.host, b.port, b.rack});
    return d;
  }
  auto md = impl_->metadata(std::vector<std::string>{}, deadline);
  if (!md.ok()) return md.error();
  ClusterDescription d{md->cluster_id.value_or(""), md->controller_id, {}};
  for (const auto& b : md->brokers) d.brokers.push_back({b.node_id, b.host, b.port, b.rack});
  return d;
}

}  // namespace kafkit
