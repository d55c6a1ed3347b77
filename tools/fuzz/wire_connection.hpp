#pragma once
// A plain blocking TCP connection with deadlines, for writing fuzz cases and reading
// whatever comes back. Nothing here trusts the peer: response sizes are bounded.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/types.hpp"

namespace kafkit::fuzz {

using Clock = std::chrono::steady_clock;

struct Endpoint {
  std::string host;
  uint16_t port = 0;
};
/// "HOST:PORT"; nullopt when malformed.
std::optional<Endpoint> parse_endpoint(const std::string& s);

enum class ReadStatus { frame, closed, timeout, bad_frame };

class WireConnection {
 public:
  WireConnection() = default;
  WireConnection(const WireConnection&) = delete;
  WireConnection& operator=(const WireConnection&) = delete;
  ~WireConnection() { close(); }

  /// False when the connection was refused or timed out.
  bool connect(const Endpoint& to, std::chrono::milliseconds timeout);
  bool is_open() const noexcept { return fd_ >= 0; }
  /// The socket (non-blocking), for callers that poll it themselves (the proxy).
  int native_handle() const noexcept { return fd_; }
  /// False when the peer has closed (a reset or a broken pipe).
  bool send(protocol::ByteView bytes, Clock::time_point deadline);
  /// No more bytes from us (the broker sees end of stream).
  void shutdown_write() noexcept;
  /// Reads one size-prefixed frame into `frame` (without the prefix).
  ReadStatus read_frame(protocol::Bytes& frame, Clock::time_point deadline);
  /// Reads and drops bytes until the peer closes or the deadline; true when it closed.
  bool wait_closed(Clock::time_point deadline);
  void close() noexcept;

 private:
  /// 1 = read n bytes, 0 = closed, -1 = timeout.
  int read_exact(std::byte* out, size_t n, Clock::time_point deadline);
  int fd_ = -1;
};

/// Frames larger than this (from a broken broker) are not buffered.
inline constexpr size_t max_response_frame = size_t(256) << 20;

}  // namespace kafkit::fuzz
