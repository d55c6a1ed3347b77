#pragma once
// Helpers shared by the SASL unit tests.
#include <string>
#include <string_view>

#include "net/sasl/mechanism.hpp"

namespace kafkit::net::sasl::test {

/// Runs a full exchange in memory the way a connection would (client-first, then alternate)
/// and returns the first error, or success when both sides report done().
inline Result<void> run_exchange(ClientMechanism& client, ServerMechanism& server) {
  auto token = client.initial_response();
  if (!token) return token.error();
  for (int round = 0; round < 8; ++round) {
    auto reply = server.next(*token);
    if (!reply) return reply.error();
    auto next = client.next(*reply);
    if (!next) return next.error();
    if (client.done()) {
      if (!server.done()) return Error{-1, "client done before server"};
      return {};
    }
    token = std::move(next);
  }
  return Error{-1, "exchange did not finish"};
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace kafkit::net::sasl::test
