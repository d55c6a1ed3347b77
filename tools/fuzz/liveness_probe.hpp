#pragma once
// Talks to the broker the way a well-behaved client does: the ApiVersions handshake that
// starts a fuzz run, and the liveness probe (ApiVersions + Metadata on a fresh connection)
// that decides whether a case killed or wedged the broker.
#include <chrono>
#include <string>
#include <vector>

#include "case_generator.hpp"
#include "common/result.hpp"
#include "wire_connection.hpp"

namespace kafkit::fuzz {

/// The APIs and version ranges the broker advertises (ApiVersions v3, falling back to v0).
Result<std::vector<AdvertisedApi>> fetch_api_versions(const Endpoint& broker,
                                                      std::chrono::milliseconds timeout);

struct ProbeResult {
  bool alive = false;
  /// Why not, when not alive: "connect refused", "no ApiVersions answer", ...
  std::string detail;
};

/// ApiVersions then Metadata (no topics) on a new connection, each answered in `timeout`.
ProbeResult probe_liveness(const Endpoint& broker, std::chrono::milliseconds timeout);

}  // namespace kafkit::fuzz
