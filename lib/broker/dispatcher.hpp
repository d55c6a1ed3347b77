#pragma once
// Request dispatch: parses the request header, enforces the version rules and routes the
// request to its API handler.
#include <cstdint>
#include <memory>
#include <string>

#include "broker/request.hpp"

namespace kafkit::broker {

class ClusterState;

void dispatch_request(ClusterState& cluster, int32_t node_id, const std::string& peer,
                      protocol::Bytes frame, std::weak_ptr<Server> server, SessionId session);

}  // namespace kafkit::broker
