#include "broker/server/session.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kafkit::broker {

Session::Session(net::EventLoop& loop, net::UniqueFd fd, SessionId id, std::string peer,
                 size_t max_request_bytes, FrameHandler on_frame, CloseHandler on_close,
                 bool zero_copy)
    : loop_(loop),
      fd_(std::move(fd)),
      id_(id),
      peer_(std::move(peer)),
      decoder_(max_request_bytes),
      on_frame_(std::move(on_frame)),
      on_close_(std::move(on_close)),
      zero_copy_(zero_copy) {}

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
  // Bounded work per wake-up: other sessions get their turn.
  for (int i = 0; i < 16 && !busy_ && !closed_; ++i) {
    // Straight into the frame decoder's buffer: no staging copy.
    std::span<std::byte> room = decoder_.prepare(64 * 1024);
    ssize_t n = ::recv(fd_.get(), room.data(), room.size(), 0);
    if (n > 0) {
      if (auto r = decoder_.commit(static_cast<size_t>(n)); !r) {
        close(r.error().message);
        return;
      }
      dispatch_next();
      if (static_cast<size_t>(n) < room.size()) return;
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
  on_frame_(*this, std::move(*frame));
  // Muting after the handler, not before: most requests are answered inside on_frame_,
  // and then the interest never changes (no epoll_ctl pair per request).
  update_interest();
}

void Session::respond(protocol::Bytes frame) {
  respond(OutgoingFrame(std::move(frame)));
}

void Session::respond(OutgoingFrame frame) {
  if (closed_) return;
  if (!zero_copy_) {
    // Not a plain socket: the bytes must pass through user space anyway.
    if (auto r = frame.materialize(); !r) {
      close("cannot read a response's records: " + r.error().message);
      return;
    }
  }
  if (!frame.parts().empty()) out_.push_back(std::move(frame));
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
    if (!busy_ && peer_closed_ && out_.empty()) close("peer closed the connection");
  });
}

void Session::write_some() {
  while (!out_.empty() && write_part()) {
  }
  update_interest();
}

bool Session::write_part() {
  const OutgoingFrame& frame = out_.front();
  const OutgoingFrame::Part& part = frame.parts()[out_part_];
  const size_t left = part.size() - out_done_;
  ssize_t n = 0;
  if (part.is_file()) {
    // sendfile advances `at` itself; the part's own position stays for the next call.
    auto at = static_cast<off_t>(part.file.position + static_cast<int64_t>(out_done_));
    n = ::sendfile(fd_.get(), part.file.file->fd(), &at, left);
    if (n == 0) {
      // The file is shorter than the slice: it shrank under us (never for committed
      // batches), and the frame cannot be completed. The client sees a closed connection.
      close("sendfile: " + part.file.file->path().string() + " ends before byte " +
            std::to_string(part.file.position + static_cast<int64_t>(part.file.length)));
      return false;
    }
  } else {
    // MSG_MORE while more parts follow: a fetch response's header leaves in the same TCP
    // segment as the first records sendfile sends (TCP_NODELAY would push it alone).
    bool more = out_part_ + 1 < frame.parts().size() || out_.size() > 1;
    n = ::send(fd_.get(), frame.bytes().data() + part.begin + out_done_, left,
               MSG_NOSIGNAL | (more ? MSG_MORE : 0));
  }
  if (n > 0) {
    out_done_ += static_cast<size_t>(n);
    if (out_done_ == part.size()) {
      out_done_ = 0;
      if (++out_part_ == frame.parts().size()) {
        out_part_ = 0;
        out_.pop_front();  // releases the frame's file slices
      }
    }
    return true;
  }
  if (errno == EINTR) return true;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return false;  // resume when writable
  close(std::string(part.is_file() ? "sendfile: " : "send: ") + std::strerror(errno));
  return false;
}

void Session::update_interest() {
  if (closed_) return;
  bool want_write = !out_.empty();
  bool want_read = !busy_ && !peer_closed_;
  net::Interest i = want_read ? (want_write ? net::Interest::read_write : net::Interest::read)
                              : (want_write ? net::Interest::write : net::Interest::none);
  if (i == interest_) return;
  interest_ = i;
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
