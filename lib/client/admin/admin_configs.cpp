// Admin: DescribeConfigs and IncrementalAlterConfigs (KIP-339). A broker resource is
// answered only by that broker (its own dynamic configs), so such resources go to the
// broker they name; topic resources go to any broker.
#include <algorithm>
#include <charconv>
#include <map>

#include "client/admin/admin_impl.hpp"
#include "kafkit/admin.hpp"
#include "protocol/messages/describe_configs.hpp"
#include "protocol/messages/incremental_alter_configs.hpp"

namespace kafkit {

using client::AdminDeadline;
using client::kAnyBroker;
using client::resource_error;
using client::should_retry;

namespace {

/// Which broker serves `r`: the broker it names, else any.
std::int32_t target_of(const ConfigResource& r) {
  if (r.type != ConfigResourceType::broker) return kAnyBroker;
  std::int32_t id = -1;
  auto [p, ec] = std::from_chars(r.name.data(), r.name.data() + r.name.size(), id);
  if (ec != std::errc{} || p != r.name.data() + r.name.size() || id < 0) return kAnyBroker;
  return id;
}

/// Groups resource indexes by target broker. A broker resource naming a broker the cluster
/// does not list gets its error in `out` at once instead of waiting out the timeout.
template <class GetResource>
std::map<std::int32_t, std::vector<size_t>> by_target(size_t n, GetResource get,
                                                      const protocol::MetadataResponse& md,
                                                      std::vector<ConfigResourceResult>& out) {
  std::map<std::int32_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < n; ++i) {
    std::int32_t node = target_of(get(i));
    if (get(i).type == ConfigResourceType::broker &&
        std::none_of(md.brokers.begin(), md.brokers.end(),
                     [&](const auto& b) { return b.node_id == node; })) {
      out[i].error =
          ResourceError{errc::invalid_argument, "broker " + get(i).name + " is not in the cluster"};
      continue;
    }
    groups[node].push_back(i);
  }
  return groups;
}

}  // namespace

Result<std::vector<ConfigResourceResult>> Admin::describe_configs(
    const std::vector<ConfigResource>& resources, Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  std::vector<ConfigResourceResult> out(resources.size());
  for (size_t i = 0; i < resources.size(); ++i) out[i].resource = resources[i];
  if (resources.empty()) return out;
  auto md = impl_->metadata(std::vector<std::string>{}, deadline);  // the brokers' addresses
  if (!md.ok()) return md.error();
  for (const auto& [node, indexes] : by_target(
           resources.size(), [&](size_t i) { return resources[i]; }, *md, out)) {
    protocol::DescribeConfigsRequest req;
    for (size_t i : indexes) {
      protocol::DescribeConfigsRequest::DescribeConfigsResource r;
      r.resource_type = static_cast<std::int8_t>(resources[i].type);
      r.resource_name = resources[i].name;
      r.configuration_keys = std::nullopt;  // all
      req.resources.push_back(std::move(r));
    }
    Result<protocol::DescribeConfigsResponse> r = Error{};
    for (;;) {
      r = impl_->call(node, req, deadline);
      if (r.ok() || !should_retry(r.error().code) || !impl_->backoff(deadline)) break;
    }
    if (!r.ok()) return r.error();
    for (const auto& res : r->results) {
      for (size_t i : indexes) {
        if (res.resource_name != resources[i].name ||
            res.resource_type != static_cast<std::int8_t>(resources[i].type))
          continue;
        out[i].error = resource_error(res.error_code, res.error_message);
        // IsDefault is on the wire in v0 only; from v1 the source says it (DEFAULT_CONFIG).
        for (const auto& c : res.configs)
          out[i].entries.push_back({c.name, c.value, c.read_only,
                                    c.is_default || c.config_source == 5, c.is_sensitive,
                                    c.config_source});
      }
    }
  }
  return out;
}

Result<std::vector<ConfigResourceResult>> Admin::incremental_alter_configs(
    const std::vector<AlterConfigsRequest>& requests, bool validate_only, Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  std::vector<ConfigResourceResult> out(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) out[i].resource = requests[i].resource;
  if (requests.empty()) return out;
  auto md = impl_->metadata(std::vector<std::string>{}, deadline);  // the brokers' addresses
  if (!md.ok()) return md.error();
  for (const auto& [node, indexes] : by_target(
           requests.size(), [&](size_t i) { return requests[i].resource; }, *md, out)) {
    protocol::IncrementalAlterConfigsRequest req;
    req.validate_only = validate_only;
    for (size_t i : indexes) {
      protocol::IncrementalAlterConfigsRequest::AlterConfigsResource r;
      r.resource_type = static_cast<std::int8_t>(requests[i].resource.type);
      r.resource_name = requests[i].resource.name;
      for (const auto& a : requests[i].alterations) {
        protocol::IncrementalAlterConfigsRequest::AlterableConfig c;
        c.name = a.name;
        c.config_operation = static_cast<std::int8_t>(a.op);
        c.value = a.op == AlterConfigOp::remove ? std::nullopt : a.value;
        r.configs.push_back(std::move(c));
      }
      req.resources.push_back(std::move(r));
    }
    Result<protocol::IncrementalAlterConfigsResponse> r = Error{};
    for (;;) {
      r = impl_->call(node, req, deadline);
      if (r.ok() || !should_retry(r.error().code) || !impl_->backoff(deadline)) break;
    }
    if (!r.ok()) return r.error();
    for (const auto& res : r->responses)
      for (size_t i : indexes)
        if (res.resource_name == requests[i].resource.name &&
            res.resource_type == static_cast<std::int8_t>(requests[i].resource.type))
          out[i].error = resource_error(res.error_code, res.error_message);
  }
  return out;
}

}  // namespace kafkit
