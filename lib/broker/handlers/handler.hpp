#pragma once
// The contract between the dispatcher and the per-API handler files: each file defines one
// `ApiHandler` with the version range the broker advertises for that API and the function
// that serves it.
#include <cstdint>
#include <span>

#include "broker/request.hpp"

namespace kafkit::broker {

class ClusterState;

struct HandlerContext {
  ClusterState& cluster;
  const Request& request;
  Responder responder;
};

using HandlerFn = void (*)(HandlerContext&);

struct ApiHandler {
  int16_t key;
  // Advertised in ApiVersions. Some minimums are below what is served (protocol-facts §1.3:
  // librdkafka 2.0.2 turns compression and LZ4 off unless it sees Produce 0 and
  // FindCoordinator 0); the handler answers such versions with UNSUPPORTED_VERSION.
  int16_t min_version;
  int16_t max_version;
  HandlerFn fn;
};

/// Every API this broker serves, ordered by key.
std::span<const ApiHandler> api_handlers();
const ApiHandler* find_handler(int16_t key);

}  // namespace kafkit::broker
