#include "client/admin/admin_config.hpp"

#include <array>
#include <vector>

#include "client/cluster/cluster_properties.hpp"
#include "client/cluster/cluster_security.hpp"
#include "common/property_values.hpp"

namespace kafkit::client {
namespace {

struct Property {
  PropertyInfo info;
  Result<void> (*set)(AdminConfig&, std::string_view key, std::string_view value);
};

Result<void> set_ms(std::chrono::milliseconds& field, std::string_view key, std::string_view value,
                    std::int64_t max) {
  auto v = parse_long_property(key, value, 1, max);
  if (!v) return v.error();
  field = std::chrono::milliseconds(*v);
  return {};
}

const std::array kProperties{
    Property{{"request.timeout.ms", "30000",
              "How long one request may wait for its answer (a call may retry within its own "
              "timeout)"},
             [](AdminConfig& c, std::string_view k, std::string_view v) {
               return set_ms(c.request_timeout, k, v, INT32_MAX);
             }},
    Property{{"socket.timeout.ms", "30000", "Alias of request.timeout.ms (librdkafka)"},
             [](AdminConfig& c, std::string_view, std::string_view v) {
               return set_ms(c.request_timeout, "socket.timeout.ms", v, INT32_MAX);
             }},
    Property{{"retry.backoff.ms", "100", "Wait before retrying a retriable failure"},
             [](AdminConfig& c, std::string_view k, std::string_view v) {
               auto r = set_ms(c.retry_backoff, k, v, 300000);
               c.cluster.metadata_retry_backoff = c.retry_backoff;
               return r;
             }},
};

}  // namespace

Result<AdminConfig> AdminConfig::parse(const Config& config) {
  AdminConfig c;
  // An admin client looks topics up to describe them, never to create them.
  c.cluster.allow_auto_create_topics = false;
  for (const auto& [name, value] : config.entries()) {
    const Property* own = nullptr;
    for (const Property& p : kProperties)
      if (p.info.name == name) own = &p;
    if (own != nullptr) {
      auto r = own->set(c, name, value);
      if (!r) return r.error();
      continue;
    }
    if (const ClusterProperty* shared = find_cluster_property(name)) {
      auto r = shared->set(c.cluster, name, value);
      if (!r) return r.error();
      continue;
    }
    return Error{errc::invalid_argument,
                 "unknown admin property " + name + " (Admin::properties() lists them)"};
  }
  if (c.cluster.bootstrap.empty())
    return Error{errc::invalid_argument, "bootstrap.servers is required (host:port[,...])"};
  c.cluster.connection.connection.request_timeout = c.request_timeout;
  if (auto sec = finish_cluster_security(c.cluster, config); !sec) return sec.error();
  return c;
}

std::span<const PropertyInfo> admin_properties() noexcept {
  static const auto infos = with_cluster_properties(kProperties);
  return infos;
}

}  // namespace kafkit::client
