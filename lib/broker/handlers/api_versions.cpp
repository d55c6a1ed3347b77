// ApiVersions (KIP-35, KIP-511): the versions this broker serves. Unknown request
// versions are answered by the dispatcher in the v0 layout, before any handler runs.
#include "protocol/messages/api_versions.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"

namespace kafkit::broker {
namespace {

// KIP-511: software name and version must match this pattern or the request is invalid.
bool valid_software_field(std::string_view s) {
  if (s.empty()) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s)
    if (!alnum(c) && c != '-' && c != '.') return false;
  return true;
}

void handle(HandlerContext& ctx) {
  protocol::ApiVersionsResponse resp;
  auto req = ctx.request.decode<protocol::ApiVersionsRequest>();
  if (!req ||
      (ctx.request.version() >= 3 && (!valid_software_field(req->client_software_name) ||
                                      !valid_software_field(req->client_software_version)))) {
    // Kafka answers an invalid v3+ request with INVALID_REQUEST (librdkafka then retries
    // an older version), not with a closed connection.
    resp.error_code = code(ErrorCode::InvalidRequest);
  }
  for (const ApiHandler& h : api_handlers())
    if (!ctx.cluster.faults.api_hidden(h.key))  // tests posing as an older broker
      resp.api_keys.push_back({h.key, h.min_version, h.max_version, {}});
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler api_versions_api{18, 0, 4, &handle};

}  // namespace kafkit::broker
