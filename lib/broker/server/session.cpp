#include "broker/server/session.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/tls/tls_transport.hpp"

namespace kafkit::broker {

Session::Session(net::EventLoop& loop, std::unique_ptr<net::Transport> transport, SessionId id,
                 std::string peer, size_t max_request_bytes, FrameHandler on_frame,
                 CloseHandler on_close, bool zero_copy)
    : loop_(loop),
      transport_(std::move(transport)),
      id_(id),
      peer_(std::move(peer)),
      decoder_(max_request_bytes),
      on_frame_(std::move(on_frame)),
      on_close_(std::move(on_close)),
      zero_copy_(zero_copy) {}

Session::~Session() {
  if (!closed_ && transport_->fd() >= 0) loop_.remove_fd(transport_->fd());
}

bool Session::start() {
  bool ok = loop_
                .add_fd(transport_->fd(), net::Interest::read,
                        [this](net::IoEvents ev) { on_events(ev); })
                .ok();
  // A plain socket has no handshake; a TLS server waits for the ClientHello first.
  if (ok) continue_handshake();
  return ok && !closed_;
}

void Session::continue_handshake() {
  auto want = transport_->handshake();
  if (!want) {
    close(transport_->name() == "ssl"
              ? "TLS handshake with " + peer_ + " failed: " + want.error().message
              : want.error().message);
    return;
  }
  handshake_want_ = *want;
  if (*want == net::Want::nothing) {
    handshaking_ = false;
    // mTLS: the client certificate's subject is the principal, as Kafka's default principal
    // builder makes it ("User:CN=client,O=Example"); SASL on a SASL_SSL listener replaces it.
    if (auto* tls = dynamic_cast<net::tls::TlsTransport*>(transport_.get()))
      principal_ = tls->peer_subject();
  }
  update_interest();
}

void Session::on_events(net::IoEvents ev) {
  if (closed_) return;
  if (handshaking_) {
    continue_handshake();
    if (closed_ || handshaking_) return;
    // The client's first request may have come with its last handshake flight.
    ev.readable = true;
  }
  if (ev.writable || (ev.readable && write_want_ == net::Want::read)) write_some();
  if (!closed_ && ev.writable && read_want_ == net::Want::write && !busy_) read_some();
  if (!closed_ && (ev.readable || ev.hangup || ev.error) && !busy_) read_some();
  // Level-triggered hang-ups repeat while muted: a peer gone mid-request (or with answers
  // it no longer takes) is closed now.
  if (!closed_ && (busy_ || !out_.empty()) && (ev.error || ev.hangup))
    close("peer closed the connection");
}

void Session::read_some() {
  // Bounded work per wake-up: other sessions get their turn.
  // Nothing is read while answers wait to be written (see dispatch_next()).
  for (int i = 0; i < 16 && !busy_ && !closed_ && out_.empty(); ++i) {
    // Straight into the frame decoder's buffer: no staging copy.
    std::span<std::byte> room = decoder_.prepare(64 * 1024);
    auto status = transport_->read(room);
    if (!status) {
      close("recv: " + status.error().message);
      return;
    }
    read_want_ = status->want == net::Want::nothing ? net::Want::read : status->want;
    if (status->bytes > 0) {
      if (auto r = decoder_.commit(status->bytes); !r) {
        close(r.error().message);
        return;
      }
      dispatch_next();
    }
    if (status->eof) {
      peer_closed_ = true;
      if (!busy_) close("peer closed the connection");
      return;
    }
    // Fewer bytes than asked for: the socket is drained (a TLS transport leaves nothing
    // buffered inside OpenSSL, see tls_transport.hpp); level-triggered epoll returns.
    if (status->want != net::Want::nothing || status->bytes < room.size()) return;
  }
}

void Session::dispatch_next() {
  // Muted, too, while earlier answers are not yet written: as Kafka keeps a channel muted
  // until its response is sent, a client that pipelines and does not read waits in its
  // own socket buffer, not in an unbounded queue here (found by kafkit-fuzz, issue 9).
  if (busy_ || closed_ || !out_.empty()) return;
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
  bool backlog = !out_.empty();
  while (!out_.empty() && write_part()) {
  }
  update_interest();
  // The backlog is written: requests already read may run again (the handler that is
  // answering, if any, resumes them itself through finish_without_response()).
  if (backlog && out_.empty() && !busy_ && !closed_) {
    dispatch_next();
    if (!busy_ && peer_closed_ && out_.empty()) close("peer closed the connection");
  }
}

bool Session::write_part() {
  const OutgoingFrame& frame = out_.front();
  const OutgoingFrame::Part& part = frame.parts()[out_part_];
  const size_t left = part.size() - out_done_;
  ssize_t n = 0;
  if (part.is_file()) {
    // sendfile advances `at` itself; the part's own position stays for the next call.
    auto at = static_cast<off_t>(part.file.position + static_cast<int64_t>(out_done_));
    n = ::sendfile(transport_->fd(), part.file.file->fd(), &at, left);
    if (n == 0) {
      // The file is shorter than the slice: it shrank under us (never for committed
      // batches), and the frame cannot be completed. The client sees a closed connection.
      close("sendfile: " + part.file.file->path().string() + " ends before byte " +
            std::to_string(part.file.position + static_cast<int64_t>(part.file.length)));
      return false;
    }
  } else if (!zero_copy_) {
    // TLS: the transport encrypts; it reports what it waits for instead of errno.
    auto status = transport_->write(
        std::span<const std::byte>(frame.bytes().data() + part.begin + out_done_, left));
    if (!status) {
      close("send: " + status.error().message);
      return false;
    }
    write_want_ = status->want == net::Want::nothing ? net::Want::write : status->want;
    n = static_cast<ssize_t>(status->bytes);
    if (n == 0) return false;  // resume when the transport's wait is over
  } else {
    // MSG_MORE while more parts follow: a fetch response's header leaves in the same TCP
    // segment as the first records sendfile sends (TCP_NODELAY would push it alone).
    bool more = out_part_ + 1 < frame.parts().size() || out_.size() > 1;
    n = ::send(transport_->fd(), frame.bytes().data() + part.begin + out_done_, left,
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
  bool want_write = !out_.empty() && write_want_ == net::Want::write;
  bool want_read = (!busy_ && !peer_closed_ && out_.empty()) ||
                   (!out_.empty() && write_want_ == net::Want::read);
  if (!busy_ && !peer_closed_ && read_want_ == net::Want::write) want_write = true;
  if (handshaking_) {
    want_read = handshake_want_ == net::Want::read;
    want_write = handshake_want_ == net::Want::write;
  }
  net::Interest i = want_read ? (want_write ? net::Interest::read_write : net::Interest::read)
                              : (want_write ? net::Interest::write : net::Interest::none);
  if (i == interest_) return;
  interest_ = i;
  (void)loop_.modify_fd(transport_->fd(), i);
}

void Session::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  loop_.remove_fd(transport_->fd());
  transport_->close();
  SessionId id = id_;
  CloseHandler cb = on_close_;
  loop_.post([cb, id, reason] { cb(id, reason); });
}

}  // namespace kafkit::broker
