#include "broker/server/session.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kafkit::broker {

Session::Session(net::EventLoop& loop, net::UniqueFd fd, SessionId id, std::string peer,
                 size_t max_request_bytes, FrameHandler on_frame, CloseHandler on_close)
    : loop_(loop),
      fd_(std::move(fd)),
      id_(id),
      peer_(std::move(peer)),
      decoder_(max_request_bytes),
      on_frame_(std::move(on_frame)),
      on_close_(std::move(on_close)) {}

Session::~Session() {
  if (fd_.valid()) loop_.remove_fd(fd_.get());
}

bool Session::start() {
  return loop_.add_fd(fd_.get(), net::Interest::read, [this](net::IoEvents ev) { on_events(ev); })
      .ok();
}

void Session::on_events(net::IoEvents ev) {
  if (closed_) return;
  if (ev.writable) write_some();
  if (!closed_ && (ev.readable || ev.hangup || ev.error) && !busy_) read_some();
  // Level-triggered hang-ups repeat while muted: a peer gone mid-request is closed now.
  if (!closed_ && busy_ && (ev.error || ev.hangup)) close("peer closed the connection");
}

void Session::read_some() {
  std::byte buf[64 * 1024];
  // Bounded work per wake-up: other sessions get their turn.
  for (int i = 0; i < 16 && !busy_ && !closed_; ++i) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n > 0) {
      if (auto r = decoder_.feed(std::span<const std::byte>(buf, static_cast<size_t>(n))); !r) {
        close(r.error().message);
        return;
      }
      dispatch_next();
      if (static_cast<size_t>(n) < sizeof buf) return;
      continue;
    }
    if (n == 0) {
      peer_closed_ = true;
      if (!busy_) close("peer closed the connection");
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    close(std::string("recv: ") + std::strerror(errno));
    return;
  }
}

void Session::dispatch_next() {
  if (busy_ || closed_) return;
  auto frame = decoder_.next();
  if (!frame) {
    update_interest();
    return;
  }
  busy_ = true;
  update_interest();
  on_frame_(*this, std::move(*frame));
}

void Session::respond(protocol::Bytes frame) {
  if (closed_) return;
  if (out_head_ == out_.size()) {
    out_ = std::move(frame);
    out_head_ = 0;
  } else {
    out_.insert(out_.end(), frame.begin(), frame.end());
  }
  write_some();
  if (!closed_) finish_without_response();
}

void Session::finish_without_response() {
  if (closed_) return;
  busy_ = false;
  // The next request may already be buffered; run it from the loop, not from inside the
  // handler that just answered (handlers may be deep in a call chain).
  loop_.post([this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired() || closed_) return;
    dispatch_next();
    if (!busy_ && peer_closed_ && out_head_ == out_.size()) close("peer closed the connection");
  });
}

void Session::write_some() {
  while (out_head_ < out_.size()) {
    ssize_t n = ::send(fd_.get(), out_.data() + out_head_, out_.size() - out_head_, MSG_NOSIGNAL);
    if (n > 0) {
      out_head_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    close(std::string("send: ") + std::strerror(errno));
    return;
  }
  if (out_head_ == out_.size()) {
    out_.clear();
    out_head_ = 0;
  }
  update_interest();
}

void Session::update_interest() {
  if (closed_) return;
  bool want_write = out_head_ < out_.size();
  bool want_read = !busy_ && !peer_closed_;
  net::Interest i = want_read ? (want_write ? net::Interest::read_write : net::Interest::read)
                              : (want_write ? net::Interest::write : net::Interest::none);
  (void)loop_.modify_fd(fd_.get(), i);
}

void Session::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  loop_.remove_fd(fd_.get());
  fd_.reset();
  SessionId id = id_;
  CloseHandler cb = on_close_;
  loop_.post([cb, id, reason] { cb(id, reason); });
}

}  // namespace kafkit::broker
