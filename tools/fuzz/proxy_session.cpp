#include "proxy_session.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <optional>

#include "protocol/header.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/reader.hpp"
#include "protocol/records/byte_order.hpp"
#include "wire_connection.hpp"

namespace kafkit::fuzz {

using namespace kafkit::protocol;

namespace {

/// Kafka's socket.request.max.bytes default: a larger request frame is not buffered.
constexpr size_t max_request_frame = size_t(100) << 20;
/// Back-pressure: stop reading a side while this much is waiting for the other.
constexpr size_t max_pending_bytes = size_t(16) << 20;

uint64_t session_seed(uint64_t seed, uint64_t conn) {
  RandomSource mix(seed ^ (conn * 0x9e3779b97f4a7c15ULL));
  return mix.next();
}

// A response is expected for every request except Produce with acks=0.
bool expects_response(const RequestHeader& h, Reader& body) {
  if (h.api_key != 0) return true;
  bool flexible = ProduceRequest::is_flexible(h.api_version);
  if (h.api_version >= 3) (void)body.nullable_string(flexible, "transactional_id");
  int16_t acks = body.i16("acks");
  return !body.ok() || acks != 0;
}

struct Outgoing {
  Bytes wire;
  Clock::time_point release;
};

class ProxySession {
 public:
  ProxySession(int client_fd, uint64_t id, const ProxyShared& s)
      : client_fd_(client_fd), id_(id), s_(s), g_(session_seed(s.options.seed, id)) {}
  ~ProxySession() {
    if (client_fd_ >= 0) ::close(client_fd_);
  }

  void run() {
    if (!upstream_.connect(s_.options.upstream, std::chrono::seconds(5))) {
      s_.journal.note(id_, "upstream " + s_.options.upstream_text + " refused; client closed");
      return;
    }
    int one = 1;
    ::setsockopt(client_fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    while (!s_.stopping.load() && !closing_) {
      auto now = Clock::now();
      release_due(now);
      pollfd fds[2] = {{client_fd_, 0, 0}, {upstream_.native_handle(), 0, 0}};
      if (client_in_.size() <= max_request_frame + 4 &&
          pending_out(to_upstream_, up_at_) < max_pending_bytes)
        fds[0].events |= POLLIN;
      if (pending_out(to_client_, client_at_) > 0) fds[0].events |= POLLOUT;
      if (queued_bytes_ < max_pending_bytes) fds[1].events |= POLLIN;
      if (pending_out(to_upstream_, up_at_) > 0) fds[1].events |= POLLOUT;
      int rc = ::poll(fds, 2, poll_timeout(now));
      if (rc < 0 && errno != EINTR) break;
      if (rc <= 0) continue;
      if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !read_side(client_fd_, client_in_))
        break;  // the client went away
      if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
          !read_side(upstream_.native_handle(), upstream_in_))
        break;  // the broker closed: the client sees the close too
      if (!take_requests() || !take_responses()) break;
      if (!write_side(client_fd_, to_client_, client_at_) ||
          !write_side(upstream_.native_handle(), to_upstream_, up_at_))
        break;
    }
    if (closing_) {
      // An abortive close of both sides, as a crashed broker looks.
      linger l{1, 0};
      ::setsockopt(client_fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    upstream_.close();
  }

 private:
  static size_t pending_out(const Bytes& b, size_t at) { return b.size() - at; }

  int poll_timeout(Clock::time_point now) const {
    auto next = now + std::chrono::milliseconds(100);  // also how often `stopping` is seen
    if (!queue_.empty()) next = std::min(next, queue_.front().release);
    if (held_) next = std::min(next, held_deadline_);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    return int(std::clamp<int64_t>(ms, 0, 100));
  }

  // false: the peer closed or failed.
  bool read_side(int fd, Bytes& in) {
    std::byte buf[65536];
    for (int i = 0; i < 16; ++i) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        in.insert(in.end(), buf, buf + n);
        if (size_t(n) < sizeof buf) return true;
        continue;
      }
      if (n == 0) return false;
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    return true;
  }

  bool write_side(int fd, Bytes& out, size_t& at) {
    while (at < out.size()) {
      ssize_t n = ::send(fd, out.data() + at, out.size() - at, MSG_NOSIGNAL);
      if (n > 0) {
        at += size_t(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      return false;
    }
    if (at == out.size()) {
      out.clear();
      at = 0;
    } else if (at > (size_t(1) << 20)) {
      out.erase(out.begin(), out.begin() + std::ptrdiff_t(at));
      at = 0;
    }
    return true;
  }

  // Request frames go upstream unchanged; their headers are remembered.
  bool take_requests() {
    return split_frames(client_in_, 8, max_request_frame, "client", [this](ByteView frame) {
      track_request(frame.subspan(4));
      to_upstream_.insert(to_upstream_.end(), frame.begin(), frame.end());
      return true;
    });
  }

  // Hands each whole size-prefixed frame at the front of `in` to `on_frame` (which returns
  // false to stop) and removes it; false when a frame's size is outside [min_size,
  // max_size]: the session ends.
  template <class OnFrame>
  bool split_frames(Bytes& in, int32_t min_size, size_t max_size, const char* who,
                    OnFrame on_frame) {
    size_t at = 0;
    bool more = true;
    while (more && in.size() - at >= 4) {
      auto n = detail::load_be<int32_t>(in.data() + at);
      if (n < min_size || size_t(n) > max_size) {
        s_.journal.note(
            id_, std::string(who) + " sent a frame of size " + std::to_string(n) + "; closed");
        return false;
      }
      if (in.size() - at < 4 + size_t(n)) break;
      more = on_frame(ByteView(in.data() + at, 4 + size_t(n)));
      at += 4 + size_t(n);
    }
    in.erase(in.begin(), in.begin() + std::ptrdiff_t(at));
    return true;
  }

  void track_request(ByteView payload) {
    ResponseContext c;
    Reader r(payload);
    c.api_key = r.i16("api_key");
    c.api_version = r.i16("api_version");
    c.correlation_id = r.i32("correlation_id");
    Reader full(payload);
    RequestHeader h;
    bool expected = true;
    if (h.decode(full, request_header_version(c.api_key, c.api_version))) {
      Reader body(payload.subspan(full.offset()));
      expected = expects_response(h, body);
    }
    if (expected) pending_.push_back(c);
  }

  bool take_responses() {
    return split_frames(upstream_in_, 4, max_response_frame, "broker", [this](ByteView frame) {
      on_response(Bytes(frame.begin() + 4, frame.end()));
      return !closing_;
    });
  }

  void on_response(Bytes payload) {
    ResponseContext c;
    c.correlation_id = detail::load_be<int32_t>(payload.data());
    if (!pending_.empty() && pending_.front().correlation_id == c.correlation_id) {
      c = pending_.front();
      pending_.pop_front();
      s_.journal.count_response(c.api_key);
    } else {
      s_.journal.count_response(-1);
      // Not the answer to the oldest request (a broker bug, or a request we could not
      // parse): passed on untouched, the client decides.
      s_.journal.note(id_, "response cid " + std::to_string(c.correlation_id) +
                               " does not answer the oldest request; forwarded as is");
      enqueue(size_prefixed(payload), Clock::now());
      return;
    }
    if (auto rewritten = s_.rewriter.rewrite(c, payload)) payload = std::move(*rewritten);
    // One draw per response whether or not it is acted on, so a calm phase does not shift
    // what later responses get.
    double u = double(g_.next() >> 11) * 0x1.0p-53;
    const auto& actions = s_.options.actions;
    if (s_.calm.load() || actions.empty() || u >= s_.options.rate) {
      enqueue(size_prefixed(payload), Clock::now());
      return;
    }
    ProxyAction a = actions[g_.below(actions.size())];
    const char* name = action_name(a);
    switch (a) {
      case ProxyAction::mutate: {
        Mutation m = s_.mutator.mutate(c, payload, g_);
        // Addresses a mutation made up (a random body, a flipped host name) are pointed at
        // the proxy again: clients under test must never be sent to hosts outside it (a
        // random name may resolve to a real host, and a DNS lookup may hang the test). Node
        // ids, ports of other fields and everything else stay as mutated. A wrong size
        // prefix is left alone: re-encoding would correct it.
        if (m.kind != "wrong-length" && m.wire.size() >= 4)
          if (auto fixed = s_.rewriter.rewrite(c, ByteView(m.wire).subspan(4)))
            m.wire = size_prefixed(*fixed);
        s_.journal.action(id_, c, name, m.kind, m.detail, &m.wire);
        enqueue(std::move(m.wire), Clock::now());
        break;
      }
      case ProxyAction::drop:
        s_.journal.action(id_, c, name, "", "response not forwarded");
        break;
      case ProxyAction::delay: {
        auto ms = std::chrono::milliseconds(g_.below(uint64_t(s_.options.max_delay.count()) + 1));
        s_.journal.action(id_, c, name, "", std::to_string(ms.count()) + " ms");
        enqueue(size_prefixed(payload), Clock::now() + ms);
        break;
      }
      case ProxyAction::reorder:
        if (held_) {  // two in a row: the first goes now, this one waits
          enqueue(size_prefixed(payload), Clock::now());
          break;
        }
        s_.journal.action(id_, c, name, "", "held until the next response");
        held_ = size_prefixed(payload);
        held_deadline_ = Clock::now() + s_.options.reorder_wait;
        break;
      case ProxyAction::close:
        s_.journal.action(id_, c, name, "", "both sides closed");
        closing_ = true;
        break;
    }
  }

  // Responses leave in queue order; a delayed one holds back those behind it, as a slow
  // broker would. A response held for a reorder goes right after the next one.
  void enqueue(Bytes wire, Clock::time_point release) {
    auto push = [&](Bytes w) {
      if (!queue_.empty()) release = std::max(release, queue_.back().release);
      queued_bytes_ += w.size();
      queue_.push_back({std::move(w), release});
    };
    push(std::move(wire));
    if (held_) {
      push(std::move(*held_));
      held_.reset();
    }
  }

  void release_due(Clock::time_point now) {
    if (held_ && now >= held_deadline_) {
      queued_bytes_ += held_->size();
      Clock::time_point release = queue_.empty() ? now : std::max(now, queue_.back().release);
      queue_.push_back({std::move(*held_), release});
      held_.reset();
    }
    while (!queue_.empty() && queue_.front().release <= now &&
           pending_out(to_client_, client_at_) < max_pending_bytes) {
      Bytes& w = queue_.front().wire;
      queued_bytes_ -= w.size();
      to_client_.insert(to_client_.end(), w.begin(), w.end());
      queue_.pop_front();
    }
  }

  int client_fd_;
  uint64_t id_;
  const ProxyShared& s_;
  RandomSource g_;
  WireConnection upstream_;
  Bytes client_in_;
  Bytes upstream_in_;
  Bytes to_upstream_;
  size_t up_at_ = 0;
  Bytes to_client_;
  size_t client_at_ = 0;
  std::deque<ResponseContext> pending_;
  std::deque<Outgoing> queue_;
  size_t queued_bytes_ = 0;
  std::optional<Bytes> held_;
  Clock::time_point held_deadline_;
  bool closing_ = false;
};

}  // namespace

void run_proxy_session(int client_fd, uint64_t conn_id, const ProxyShared& shared) noexcept {
  try {
    ProxySession session(client_fd, conn_id, shared);
    session.run();
  } catch (const std::exception& e) {
    // Out of memory on a hostile frame, or a bug: this connection ends, the proxy goes on.
    shared.journal.note(conn_id, std::string("session failed: ") + e.what());
  }
}

}  // namespace kafkit::fuzz
