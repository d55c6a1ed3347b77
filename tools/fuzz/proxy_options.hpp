#pragma once
// Command-line options of `kafkit-fuzz proxy`.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "wire_connection.hpp"

namespace kafkit::fuzz {

/// What the proxy may do to one response (besides forwarding it).
enum class ProxyAction { mutate, drop, delay, reorder, close };
const char* action_name(ProxyAction a) noexcept;

struct ProxyOptions {
  /// Port 0 picks a free port; the ready line names it.
  Endpoint listen;
  Endpoint upstream;
  std::string upstream_text;
  /// The host put into rewritten broker addresses (default: the listen host, or 127.0.0.1
  /// when that is a wildcard address).
  std::string advertise_host;
  uint64_t seed = 1;
  /// Probability per response of one action.
  double rate = 0.05;
  std::vector<ProxyAction> actions{ProxyAction::mutate, ProxyAction::drop, ProxyAction::delay,
                                   ProxyAction::reorder, ProxyAction::close};
  /// Mutation kinds to use (empty: every kind).
  std::set<std::string, std::less<>> mutations;
  /// Action log (default: stdout).
  std::string log_file;
  /// Where each mutated response's exact bytes are saved (unset: not saved).
  std::string save_dir;
  std::optional<double> duration_s;
  /// After this many seconds the proxy stops acting and only forwards (SIGUSR1 does the same
  /// at any time, SIGUSR2 undoes it): a phase in which clients must recover.
  std::optional<double> calm_after_s;
  /// Upper bound of one delay action.
  std::chrono::milliseconds max_delay{3000};
  /// How long a response held for a reorder waits for the next one before it goes alone.
  std::chrono::milliseconds reorder_wait{1000};
  /// Connections served at once; more are closed right after accept.
  size_t max_connections = 256;
};

/// Errors are usage errors.
Result<ProxyOptions> parse_proxy_options(const std::vector<std::string>& args);

}  // namespace kafkit::fuzz
