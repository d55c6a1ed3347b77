#pragma once
// Transport: the byte stream a Connection frames Kafka requests onto.
//
// The seam sits below the framing so that TLS (issue 8) can replace the plain socket
// without the Connection knowing: a TLS read may need the socket to become writable (and a
// write readable) during renegotiation, so every call reports which readiness it waits for
// instead of the caller assuming "read waits for readable". The Connection drives the
// transport from its event-loop callbacks and never blocks on it.
//
// Thread-safety: none; a transport belongs to one Connection on the loop thread.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/result.hpp"

namespace kafkit::net {

/// What a transport operation that could not finish waits for.
enum class Want : std::uint8_t { nothing, read, write };

/// Outcome of one read or write: `bytes` moved (may be 0), `eof` when the peer closed the
/// stream (reads only), and `want` when the call stopped because it would block.
struct IoStatus {
  std::size_t bytes = 0;
  bool eof = false;
  Want want = Want::nothing;
};

class Transport {
 public:
  virtual ~Transport() = default;

  /// The socket the event loop watches. Stays valid until close().
  virtual int fd() const = 0;

  /// Advances the transport's own handshake (TLS) by as much as the socket allows.
  /// Want::nothing means the stream is ready for read()/write(). Plain TCP has none.
  virtual Result<Want> handshake() = 0;

  /// Reads up to `buffer.size()` bytes. Errors name what failed; `eof` is not an error.
  virtual Result<IoStatus> read(std::span<std::byte> buffer) = 0;
  /// Writes a prefix of `data` (possibly empty when the socket is full).
  virtual Result<IoStatus> write(std::span<const std::byte> data) = 0;

  /// Closes the stream (idempotent). The caller removes fd() from the loop first.
  virtual void close() = 0;

  /// "plaintext", "ssl": for messages and statistics.
  virtual std::string name() const = 0;
};

}  // namespace kafkit::net
