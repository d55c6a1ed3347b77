#pragma once
// ScriptedBroker: a loopback TCP server for the connection tests, written with raw sockets.
// It runs on the test's EventLoop (no threads, so each test is deterministic), cuts the
// incoming bytes into request frames itself, and lets the test decide per request what
// goes back: a well-formed response, wrong bytes, nothing, or a closed socket.
// Responses are built with the generated message types; what is under test is the
// client's framing, correlation, queuing, negotiation and failure handling.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "net/event_loop.hpp"
#include "net/unique_fd.hpp"
#include "net_test_util.hpp"
#include "protocol/header.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"

namespace kafkit::net::test {

struct ReceivedRequest {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  int16_t header_version = 0;
  protocol::Bytes body;
  int peer = 0;  // index of the accepted connection
};

class ScriptedBroker {
 public:
  struct Peer {
    ScriptedBroker* broker = nullptr;
    int index = 0;
    UniqueFd fd;
    protocol::Bytes in;
    std::size_t outstanding = 0;  // requests received and not answered (nor declared silent)

    /// Writes raw bytes (a whole frame, or anything a test wants the client to see).
    void write(const protocol::Bytes& bytes) {
      std::size_t done = 0;
      while (done < bytes.size()) {
        ssize_t n = ::send(fd.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return;  // the client went away; tests check what the client saw
        done += static_cast<std::size_t>(n);
      }
    }
    /// Sends a response to `request` at its version, counting it as answered.
    template <class M>
    void respond(const ReceivedRequest& request, const M& body) {
      write(protocol::frame_response(request.correlation_id, request.api_version, body));
      if (outstanding > 0) --outstanding;
    }
    void silent() {
      if (outstanding > 0) --outstanding;
    }
    void close() { broker->close_peer(index); }
    /// Closes with an RST instead of a FIN (SO_LINGER 0), as a broker dropping a connection
    /// with unread requests does.
    void reset() {
      linger hard{1, 0};
      ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      broker->close_peer(index);
    }
    bool open() const { return fd.valid(); }
  };

  using Handler = std::function<void(Peer&, const ReceivedRequest&)>;

  explicit ScriptedBroker(EventLoop& loop) : loop_(loop) {
    listener_ = bind_loopback(64);
    REQUIRE(
        loop_.add_fd(listener_.fd.get(), Interest::read, [this](IoEvents) { accept_one(); }).ok());
    // Default ranges: everything kafkit knows, at kafkit's range.
    for (const auto& info : protocol::all_apis()) {
      ranges[info.key] = {info.min_version, info.max_version};
    }
  }
  ~ScriptedBroker() {
    for (auto& p : peers_) {
      if (p->fd) loop_.remove_fd(p->fd.get());
    }
    loop_.remove_fd(listener_.fd.get());
  }

  std::uint16_t port() const { return listener_.port; }
  std::string name() const { return "127.0.0.1:" + std::to_string(port()); }

  /// Answers ApiVersions at the requested version with `ranges`.
  void answer_api_versions(Peer& peer, const ReceivedRequest& request) {
    protocol::ApiVersionsResponse response;
    for (const auto& [key, range] : ranges) {
      protocol::ApiVersionsResponse::ApiVersion v;
      v.api_key = key;
      v.min_version = range.first;
      v.max_version = range.second;
      response.api_keys.push_back(v);
    }
    peer.respond(request, response);
  }

  void close_peer(int index) {
    auto& p = *peers_.at(static_cast<std::size_t>(index));
    if (!p.fd) return;
    loop_.remove_fd(p.fd.get());
    p.fd.reset();
  }

  Peer& peer(int index) { return *peers_.at(static_cast<std::size_t>(index)); }
  std::size_t peer_count() const { return peers_.size(); }

  /// What ApiVersions advertises: key -> (min, max).
  std::map<int16_t, std::pair<int16_t, int16_t>> ranges;
  /// Called for each accepted connection (may close it at once).
  std::function<void(Peer&)> on_accept;
  /// Called for every request except ApiVersions, which is answered from `ranges` unless
  /// `on_api_versions` is set.
  Handler on_request;
  Handler on_api_versions;

  std::vector<ReceivedRequest> requests;  // every request received, in order
  std::vector<Clock::time_point> accept_times;
  std::size_t max_outstanding = 0;  // over all peers, the most unanswered at any time

 private:
  void accept_one() {
    UniqueFd fd(::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd) return;
    int one = 1;  // answers go out at once, as a broker's do
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto peer = std::make_unique<Peer>();
    peer->broker = this;
    peer->index = static_cast<int>(peers_.size());
    peer->fd = std::move(fd);
    int index = peer->index;
    REQUIRE(
        loop_
            .add_fd(peer->fd.get(), Interest::read, [this, index](IoEvents) { on_readable(index); })
            .ok());
    peers_.push_back(std::move(peer));
    accept_times.push_back(Clock::now());
    if (on_accept) on_accept(*peers_.back());
  }

  void on_readable(int index) {
    Peer& p = *peers_.at(static_cast<std::size_t>(index));
    std::byte buffer[65536];
    for (;;) {
      ssize_t n = ::recv(p.fd.get(), buffer, sizeof buffer, 0);
      if (n > 0) {
        p.in.insert(p.in.end(), buffer, buffer + n);
        continue;
      }
      if (n == 0) {
        close_peer(index);
        return;
      }
      break;  // EAGAIN
    }
    while (p.fd && p.in.size() >= 4) {
      protocol::Reader size_reader(protocol::ByteView(p.in).first(4));
      auto size = static_cast<std::size_t>(size_reader.i32("size"));
      if (p.in.size() < 4 + size) break;
      protocol::Bytes frame(p.in.begin() + 4, p.in.begin() + 4 + static_cast<std::ptrdiff_t>(size));
      p.in.erase(p.in.begin(), p.in.begin() + 4 + static_cast<std::ptrdiff_t>(size));
      handle(p, frame);
    }
  }

  void handle(Peer& p, const protocol::Bytes& frame) {
    ReceivedRequest request;
    protocol::Reader peek(frame);
    request.api_key = peek.i16("key");
    request.api_version = peek.i16("version");
    request.header_version = protocol::request_header_version(request.api_key, request.api_version);
    protocol::Reader reader(frame);
    protocol::RequestHeader header;
    REQUIRE(header.decode(reader, request.header_version).ok());
    request.correlation_id = header.correlation_id;
    request.client_id = header.client_id;
    request.body.assign(frame.begin() + static_cast<std::ptrdiff_t>(reader.offset()), frame.end());
    request.peer = p.index;
    requests.push_back(request);
    ++p.outstanding;
    std::size_t total = 0;
    for (auto& q : peers_) total += q->outstanding;
    max_outstanding = std::max(max_outstanding, total);
    if (request.api_key == protocol::ApiVersionsRequest::api_key) {
      if (on_api_versions) {
        on_api_versions(p, request);
      } else {
        answer_api_versions(p, request);
      }
    } else if (on_request) {
      on_request(p, request);
    }
  }

  EventLoop& loop_;
  LoopbackSocket listener_;
  std::vector<std::unique_ptr<Peer>> peers_;
};

}  // namespace kafkit::net::test
