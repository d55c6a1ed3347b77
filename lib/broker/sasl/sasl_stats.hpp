#pragma once
// Counts of SASL events across a cluster's listeners, for tests and operators (issue 8,
// KIP-368). Read them on the loop thread (Cluster::run_on_loop).
#include <cstdint>
#include <map>
#include <string>

namespace kafkit::broker {

struct SaslStats {
  std::int64_t authentications = 0;                  // first authentications that succeeded
  std::int64_t reauthentications = 0;                // KIP-368 re-authentications that succeeded
  std::int64_t expired_closes = 0;                   // connections closed for an expired session
  std::int64_t v0_form = 0;                          // authentications in the SaslHandshake v0 form
  std::map<std::string, std::int64_t> by_principal;  // (re-)authentications per principal
};

}  // namespace kafkit::broker
