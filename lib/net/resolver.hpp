#pragma once
// Resolver: host-name lookup that never blocks the event loop.
//
// getaddrinfo blocks (DNS can take seconds) and has no portable async form, so lookups run
// on one worker thread, in order, and results come back through EventLoop::post. Numeric
// hosts ("127.0.0.1", "::1") are parsed on the calling thread without a worker round trip.
//
// Thread-safety: `resolve` may be called from any thread. Callbacks run on the loop thread,
// never inside `resolve`. Destroy the Resolver on the loop thread or while the loop is not
// running; the loop must outlive it.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "net/address.hpp"
#include "net/event_loop.hpp"

namespace kafkit::net {

/// Blocking lookup of `host` for TCP. With `numeric_only`, fails (without any network
/// access) unless `host` is a numeric IPv4/IPv6 address. Never call on the loop thread
/// unless `numeric_only`.
Result<std::vector<Address>> resolve_blocking(const std::string& host, std::uint16_t port,
                                              bool numeric_only = false);

class Resolver {
 public:
  using Callback = std::function<void(Result<std::vector<Address>>)>;

  explicit Resolver(EventLoop& loop);
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;
  /// Joins the worker, waiting for a lookup in progress to finish (getaddrinfo cannot be
  /// interrupted). Callbacks not yet run are dropped, never called.
  ~Resolver();

  /// Looks up `host`; `callback` receives at least one address or an error whose message
  /// names the host (code net::errc::resolve_failed).
  void resolve(std::string host, std::uint16_t port, Callback callback);

 private:
  struct Request {
    std::string host;
    std::uint16_t port;
    Callback callback;
  };

  void deliver(Result<std::vector<Address>> result, Callback callback);
  void worker_main();

  EventLoop& loop_;
  // Shared with posted deliveries: once the Resolver is gone they must not call back.
  std::shared_ptr<std::atomic<bool>> alive_;

  std::mutex mutex_;
  std::condition_variable wake_worker_;
  std::deque<Request> queue_;  /// @thread any (guarded by mutex_)
  bool stopping_ = false;      /// @thread any (guarded by mutex_)
  std::thread worker_;         // started last, after everything it reads
};

}  // namespace kafkit::net
