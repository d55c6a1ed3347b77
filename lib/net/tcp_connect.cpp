#include "net/tcp_connect.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "net/net_errors.hpp"

namespace kafkit::net {

TcpConnector::TcpConnector(EventLoop& loop, Address address, std::chrono::milliseconds timeout,
                           Callback callback)
    : loop_(loop), address_(std::move(address)), timeout_(timeout), callback_(std::move(callback)) {
  start();
}

TcpConnector::~TcpConnector() {
  if (registered_) loop_.remove_fd(fd_.get());
  if (timer_ != 0) loop_.cancel_timer(timer_);
  // fd_ closes itself; the callback is dropped unrun.
}

Error TcpConnector::socket_error(int err) const {
  std::string where = "connect to " + address_.to_string() + " failed: ";
  switch (err) {
    case ECONNREFUSED:
      return Error{errc::connection_refused, where + "connection refused"};
    case ENETUNREACH:
    case EHOSTUNREACH:
      return Error{errc::unreachable, where + std::strerror(err)};
    case ETIMEDOUT:  // the kernel's own SYN retries ran out before our timer
      return Error{errc::connect_timeout, where + "timed out (kernel)"};
    default:
      return Error{kafkit::errc::io, where + std::strerror(err)};
  }
}

void TcpConnector::start() {
  fd_.reset(::socket(address_.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd_) return fail_later(socket_error(errno));
  // Kafka requests are small and latency-bound; Nagle would hold them back (librdkafka and
  // the Java client both disable it).
  int one = 1;
  if (::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
    return fail_later(socket_error(errno));
  }
  if (::connect(fd_.get(), address_.sockaddr_ptr(), address_.length) == 0) {
    // Loopback may complete at once; still report through the loop, never inline.
    timer_ = loop_.add_timer(std::chrono::milliseconds(0), [this] {
      timer_ = 0;
      complete(std::nullopt);
    });
    return;
  }
  if (errno != EINPROGRESS) return fail_later(socket_error(errno));
  auto added = loop_.add_fd(fd_.get(), Interest::write, [this](IoEvents) { on_writable(); });
  if (!added) return fail_later(added.error());
  registered_ = true;
  timer_ = loop_.add_timer(timeout_, [this] {
    timer_ = 0;
    on_timeout();
  });
}

void TcpConnector::fail_later(Error error) {
  fd_.reset();
  timer_ = loop_.add_timer(std::chrono::milliseconds(0), [this, error = std::move(error)] {
    timer_ = 0;
    complete(error);
  });
}

void TcpConnector::on_writable() {
  // Writable (or error/hang-up) means the handshake ended; SO_ERROR says how.
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0) {
    complete(std::nullopt);
  } else {
    complete(socket_error(err));
  }
}

void TcpConnector::on_timeout() {
  complete(Error{errc::connect_timeout, "connect to " + address_.to_string() + " timed out after " +
                                            std::to_string(timeout_.count()) + " ms"});
}

void TcpConnector::complete(std::optional<Error> error) {
  if (done_) return;
  done_ = true;
  // Unregister while fd_ is still ours; the loop must not see this fd after hand-off.
  if (registered_) {
    loop_.remove_fd(fd_.get());
    registered_ = false;
  }
  if (timer_ != 0) {
    loop_.cancel_timer(timer_);
    timer_ = 0;
  }
  // On failure the half-open socket is closed now, not whenever the owner gets to it.
  Result<UniqueFd> result =
      error ? Result<UniqueFd>(std::move(*error)) : Result<UniqueFd>(std::move(fd_));
  fd_.reset();
  // Last statement: the callback may destroy this object.
  auto callback = std::move(callback_);
  callback(std::move(result));
}

std::unique_ptr<TcpConnector> connect_nonblocking(EventLoop& loop, Address address,
                                                  std::chrono::milliseconds timeout,
                                                  TcpConnector::Callback callback) {
  return std::make_unique<TcpConnector>(loop, std::move(address), timeout, std::move(callback));
}

}  // namespace kafkit::net
