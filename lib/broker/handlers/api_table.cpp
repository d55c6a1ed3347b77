// The APIs this broker serves and the version ranges it advertises for them.
#include <algorithm>
#include <array>
#include <vector>

#include "broker/handlers/handler.hpp"
#include "broker/handlers/handler_list.hpp"

namespace kafkit::broker {
namespace {

const std::array<const ApiHandler*, 26> kHandlers{
    &produce_api,           &fetch_api,
    &list_offsets_api,      &metadata_api,
    &find_coordinator_api,  &api_versions_api,
    &create_topics_api,     &delete_topics_api,
    &delete_records_api,    &describe_configs_api,
    &create_partitions_api, &describe_cluster_api,
    &init_producer_id_api,  &join_group_api,
    &sync_group_api,        &heartbeat_api,
    &leave_group_api,       &list_groups_api,
    &describe_groups_api,   &delete_groups_api,
    &offset_commit_api,     &offset_fetch_api,
    &offset_delete_api,     &incremental_alter_configs_api,
    &sasl_handshake_api,    &sasl_authenticate_api};

}  // namespace

std::span<const ApiHandler> api_handlers() {
  static const std::vector<ApiHandler> sorted = [] {
    std::vector<ApiHandler> v;
    for (const ApiHandler* h : kHandlers)
      if (h != nullptr) v.push_back(*h);
    std::sort(v.begin(), v.end(),
              [](const ApiHandler& a, const ApiHandler& b) { return a.key < b.key; });
    return v;
  }();
  return sorted;
}

const ApiHandler* find_handler(int16_t key) {
  for (const ApiHandler& h : api_handlers())
    if (h.key == key) return &h;
  return nullptr;
}

}  // namespace kafkit::broker
