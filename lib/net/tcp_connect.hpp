#pragma once
// Non-blocking TCP connect to one resolved address, bounded by a timeout.
//
// The attempt is an object: destroying it cancels the attempt (the socket is closed and the
// callback is never called). Otherwise the callback runs exactly once on the loop thread,
// never inside `connect_nonblocking`, with either the connected socket (non-blocking,
// close-on-exec, TCP_NODELAY) or an Error naming the address and saying what happened:
// net::errc::connection_refused, connect_timeout, unreachable, or kafkit::errc::io.
//
// Thread-safety: create and destroy on the loop thread (or while the loop is not running).
// Trying the next address of a host after a failure is the caller's policy.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "common/result.hpp"
#include "net/address.hpp"
#include "net/event_loop.hpp"
#include "net/unique_fd.hpp"

namespace kafkit::net {

class TcpConnector {
 public:
  using Callback = std::function<void(Result<UniqueFd>)>;

  TcpConnector(EventLoop& loop, Address address, std::chrono::milliseconds timeout,
               Callback callback);
  TcpConnector(const TcpConnector&) = delete;
  TcpConnector& operator=(const TcpConnector&) = delete;
  ~TcpConnector();

  const Address& address() const { return address_; }
  /// True once the callback has been called (or is running).
  bool done() const { return done_; }

 private:
  void start();
  void on_writable();
  void on_timeout();
  void fail_later(Error error);
  void complete(std::optional<Error> error);  // nullopt: success, hand fd_ over
  Error socket_error(int err) const;

  EventLoop& loop_;
  Address address_;
  std::chrono::milliseconds timeout_;
  Callback callback_;
  UniqueFd fd_;              /// @thread loop
  bool registered_ = false;  /// @thread loop: fd_ is in the loop's epoll set
  TimerId timer_ = 0;        /// @thread loop: timeout, or the deferred early failure
  bool done_ = false;        /// @thread loop
};

/// Starts an attempt; see TcpConnector. Keep the returned object alive until the callback.
std::unique_ptr<TcpConnector> connect_nonblocking(EventLoop& loop, Address address,
                                                  std::chrono::milliseconds timeout,
                                                  TcpConnector::Callback callback);

}  // namespace kafkit::net
