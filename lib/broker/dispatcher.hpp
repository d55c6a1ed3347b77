#pragma once
// Request dispatch: parses the request header, enforces the version rules and routes the
// request to its API handler.
#include <cstdint>
#include <memory>
#include <string>

#include "broker/request.hpp"

namespace kafkit::broker {

class ClusterState;
class Session;

/// Routes one request frame of session `s` (its peer, principal and listener go into the
/// Request) to its handler.
void dispatch_request(ClusterState& cluster, int32_t node_id, const Session& s,
                      protocol::Bytes frame, std::weak_ptr<Server> server);

}  // namespace kafkit::broker
