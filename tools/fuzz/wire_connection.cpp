#include "wire_connection.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace kafkit::fuzz {

namespace {

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : int(left.count());
}

}  // namespace

std::optional<Endpoint> parse_endpoint(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  Endpoint e;
  e.host = s.substr(0, colon);
  if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']')
    e.host = e.host.substr(1, e.host.size() - 2);
  unsigned port = 0;
  auto tail = std::string_view(s).substr(colon + 1);
  auto [p, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), port);
  if (ec != std::errc{} || p != tail.data() + tail.size() || port == 0 || port > 65535)
    return std::nullopt;
  e.port = uint16_t(port);
  return e;
}

bool WireConnection::connect(const Endpoint& to, std::chrono::milliseconds timeout) {
  close();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(to.host.c_str(), std::to_string(to.port).c_str(), &hints, &res) != 0)
    return false;
  auto deadline = Clock::now() + timeout;
  for (addrinfo* a = res; a != nullptr && fd_ < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
      }
    }
    if (rc == 0)
      fd_ = fd;
    else
      ::close(fd);
  }
  freeaddrinfo(res);
  return fd_ >= 0;
}

bool WireConnection::send(protocol::ByteView bytes, Clock::time_point deadline) {
  size_t at = 0;
  while (at < bytes.size()) {
    if (fd_ < 0) return false;
    ssize_t n = ::send(fd_, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
    if (n > 0) {
      at += size_t(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
  return true;
}

void WireConnection::shutdown_write() noexcept {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

int WireConnection::read_exact(std::byte* out, size_t n, Clock::time_point deadline) {
  size_t at = 0;
  while (at < n) {
    ssize_t got = ::recv(fd_, out + at, n - at, 0);
    if (got > 0) {
      at += size_t(got);
      continue;
    }
    if (got == 0) return 0;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return 0;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return -1;
  }
  return 1;
}

ReadStatus WireConnection::read_frame(protocol::Bytes& frame, Clock::time_point deadline) {
  if (fd_ < 0) return ReadStatus::closed;
  std::byte size[4];
  int rc = read_exact(size, 4, deadline);
  if (rc <= 0) return rc == 0 ? ReadStatus::closed : ReadStatus::timeout;
  auto n = int32_t(uint32_t(size[0]) << 24 | uint32_t(size[1]) << 16 | uint32_t(size[2]) << 8 |
                   uint32_t(size[3]));
  if (n < 4 || size_t(n) > max_response_frame) return ReadStatus::bad_frame;
  frame.resize(size_t(n));
  rc = read_exact(frame.data(), frame.size(), deadline);
  if (rc <= 0) return rc == 0 ? ReadStatus::closed : ReadStatus::timeout;
  return ReadStatus::frame;
}

bool WireConnection::wait_closed(Clock::time_point deadline) {
  if (fd_ < 0) return true;
  std::byte buf[65536];
  for (;;) {
    ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got > 0) continue;
    if (got == 0) return true;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return true;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
  }
}

void WireConnection::close() noexcept {
  // An abortive close (RST): a fuzz run opens tens of thousands of connections a minute,
  // and orderly closes would leave as many TIME_WAIT entries, until connect() runs out of
  // local ports and every case waits for one.
  if (fd_ >= 0) {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd_);
  }
  fd_ = -1;
}

}  // namespace kafkit::fuzz
