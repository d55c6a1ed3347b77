#include "net/plain_transport.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "net/net_errors.hpp"

namespace kafkit::net {
namespace {

Error socket_failure(const char* what, int err) {
  return Error{kafkit::errc::io, std::string(what) + " failed: " + std::strerror(err)};
}

}  // namespace

Result<IoStatus> PlainTransport::read(std::span<std::byte> buffer) {
  if (!fd_) return Error{kafkit::errc::io, "read on a closed transport"};
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n > 0) return IoStatus{.bytes = static_cast<std::size_t>(n)};
    if (n == 0) return IoStatus{.eof = true};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus{.want = Want::read};
    // A reset is the peer closing while our request was unread (a broker shutting down,
    // a session it dropped): an end of the connection like EOF, not an I/O fault, so
    // callers that take a broker going away quietly do so for both.
    if (errno == ECONNRESET)
      return Error{errc::connection_closed, "recv failed: " + std::string(std::strerror(errno))};
    return socket_failure("recv", errno);
  }
}

Result<IoStatus> PlainTransport::write(std::span<const std::byte> data) {
  if (!fd_) return Error{kafkit::errc::io, "write on a closed transport"};
  for (;;) {
    // MSG_NOSIGNAL: a peer that closed must show up as EPIPE here, not kill the process
    // with SIGPIPE (a library may not install signal handlers for its host application).
    ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) return IoStatus{.bytes = static_cast<std::size_t>(n)};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus{.want = Want::write};
    return socket_failure("send", errno);
  }
}

}  // namespace kafkit::net
