#pragma once
// One client connection of `kafkit-fuzz proxy` and its upstream connection, served on its
// own thread: requests are forwarded unchanged (their headers remembered in order, since
// a Kafka connection answers in request order), responses are read as frames, addresses
// rewritten, and with probability --rate one action applied to each.
#include <atomic>
#include <cstdint>

#include "address_rewriter.hpp"
#include "proxy_journal.hpp"
#include "proxy_options.hpp"
#include "response_mutator.hpp"

namespace kafkit::fuzz {

/// What every session shares; outlives them all.
struct ProxyShared {
  const ProxyOptions& options;
  const ResponseMutator& mutator;
  const AddressRewriter& rewriter;
  ProxyJournal& journal;
  /// Set to end every session.
  const std::atomic<bool>& stopping;
  /// Set while the proxy only forwards (--calm-after, SIGUSR1).
  const std::atomic<bool>& calm;
};

/// Serves the accepted `client_fd` (which it closes) until either side closes, a close
/// action, or `stopping`. Never throws. Actions are drawn from a generator seeded with
/// the proxy's seed and `conn_id`, so the same traffic gets the same actions.
void run_proxy_session(int client_fd, uint64_t conn_id, const ProxyShared& shared) noexcept;

}  // namespace kafkit::fuzz
