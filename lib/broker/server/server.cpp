#include "broker/server/server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "broker/cluster_state.hpp"
#include "broker/dispatcher.hpp"
#include "net/plain_transport.hpp"
#include "net/tls/tls_transport.hpp"

namespace kafkit::broker {
namespace {

// Zero-copy Fetch (sendfile) needs the kernel to see the bytes as they go on the wire:
// true for a plaintext listener. A TLS listener answers false — its sessions then read
// records into memory and encrypt them.
bool listener_is_zero_copy(const ListenerSpec& spec) {
  return !uses_tls(spec.protocol);
}

std::string peer_name(const sockaddr_storage& ss) {
  char host[NI_MAXHOST], port[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&ss), sizeof ss, host, sizeof host, port,
                    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "?";
  return std::string(host) + ":" + port;
}

}  // namespace

Server::Server(ClusterState& cluster, int32_t node_id) : cluster_(cluster), node_id_(node_id) {}

Server::~Server() {
  stop();
}

Result<uint16_t> Server::listen(const ListenerSpec& spec, size_t index) {
  std::shared_ptr<net::tls::TlsContext> tls;
  if (uses_tls(spec.protocol)) {
    // One context per node, built on its first TLS listener: a bad certificate or key
    // fails start-up, naming the property.
    if (!tls_) {
      auto made = net::tls::TlsContext::server(cluster_.config.tls);
      if (!made)
        return Error{made.error().code,
                     std::string(security_protocol_name(spec.protocol)) + " listener " + spec.host +
                         ":" + std::to_string(spec.port) + ": " + made.error().message};
      tls_ = std::move(*made);
    }
    tls = tls_;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(spec.port);
  if (int rc = ::getaddrinfo(spec.host.c_str(), port.c_str(), &hints, &res); rc != 0)
    return Error{errc::io, "cannot resolve listener " + spec.host + ": " + gai_strerror(rc)};
  std::string last_error = "no address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    net::UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) continue;
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd.get(), 128) != 0) {
      last_error = std::strerror(errno);
      continue;
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &len);
    uint16_t bound_port =
        ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    int raw = fd.get();
    AcceptTraits traits{index, listener_is_zero_copy(spec), tls, uses_sasl(spec.protocol)};
    if (traits.sasl) {
      if (auto r = prepare_sasl(); !r) {
        ::freeaddrinfo(res);
        return r.error();
      }
    }
    if (auto r =
            cluster_.loop.add_fd(raw, net::Interest::read,
                                 [this, raw, traits](net::IoEvents) { on_accept(raw, traits); });
        !r) {
      ::freeaddrinfo(res);
      return r.error();
    }
    listeners_.push_back(std::move(fd));
    ::freeaddrinfo(res);
    return bound_port;
  }
  ::freeaddrinfo(res);
  return Error{errc::io, "cannot listen on " + spec.host + ":" + port + ": " + last_error};
}

void Server::stop() {
  for (auto& fd : listeners_) cluster_.loop.remove_fd(fd.get());
  listeners_.clear();
  close_sessions();
}

void Server::close_sessions() {
  // Destroying a session closes its socket at once: the client sees EOF (or a reset when
  // it had unread bytes in flight), as when a broker drops its connections.
  sessions_.clear();
  sasl_gates_.clear();
  sasl_sessions_.clear();
}

void Server::on_accept(int listen_fd, const AcceptTraits& traits) {
  // Accept a bounded batch per wake-up; the level-triggered listener fires again if more wait.
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd =
        ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or EMFILE and friends: try again on the next readiness
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    SessionId id = next_session_++;
    std::weak_ptr<Server> self = weak_from_this();
    std::string peer = peer_name(ss);
    std::unique_ptr<net::Transport> transport;
    if (traits.tls) {
      auto t = net::tls::TlsTransport::server(traits.tls, net::UniqueFd(fd), "client " + peer);
      if (!t) {
        cluster_.log("node " + std::to_string(node_id_) + ": TLS session for " + peer +
                     " not created: " + t.error().message);
        continue;  // the socket was closed with the failed transport's fd
      }
      transport = std::move(*t);
    } else {
      transport = std::make_unique<net::PlainTransport>(net::UniqueFd(fd));
    }
    auto max_request = static_cast<size_t>(cluster_.config.socket_request_max_bytes);
    // Before SASL authentication only small frames are read (issue 8).
    if (traits.sasl) max_request = std::min(max_request, SaslGate::kMaxPreAuthFrame);
    auto session = std::make_unique<Session>(
        cluster_.loop, std::move(transport), id, peer, max_request,
        [this](Session& s, protocol::Bytes frame) { on_frame(s, std::move(frame)); },
        [self, node = node_id_](SessionId sid, const std::string& reason) {
          auto server = self.lock();
          if (!server) return;
          // A client that fails TLS is worth a line: a wrong CA, an expired certificate,
          // or a plaintext client on the TLS port show up here and nowhere else.
          if (reason.starts_with("TLS handshake"))
            server->cluster_.log("node " + std::to_string(node) + ": " + reason);
          server->sessions_.erase(sid);
          server->sasl_gates_.erase(sid);
          server->sasl_sessions_.erase(sid);
        },
        traits.zero_copy);
    session->set_listener(traits.listener);
    if (!session->start()) continue;
    sessions_.emplace(id, std::move(session));
    if (traits.sasl)
      sasl_gates_.emplace(id, std::make_unique<SaslGate>(authenticators_, sasl_gate_options()));
  }
}

void Server::on_frame(Session& s, protocol::Bytes frame) {
  if (auto gate = sasl_gates_.find(s.id()); gate != sasl_gates_.end())
    return on_sasl_frame(s, *gate->second, std::move(frame));
  if (auto sasl = sasl_sessions_.find(s.id()); sasl != sasl_sessions_.end())
    return on_authenticated_sasl_frame(s, sasl->second, std::move(frame));
  dispatch_request(cluster_, node_id_, s, std::move(frame), weak_from_this());
}

void Server::deliver(SessionId id, protocol::Bytes frame) {
  if (auto it = sessions_.find(id); it != sessions_.end()) it->second->respond(std::move(frame));
}

void Server::deliver(SessionId id, OutgoingFrame frame) {
  if (auto it = sessions_.find(id); it != sessions_.end()) it->second->respond(std::move(frame));
}

void Server::deliver_later(SessionId id, OutgoingFrame frame, std::chrono::milliseconds delay) {
  // std::function needs a copyable callable; the frame may be large, so it is shared.
  auto held = std::make_shared<OutgoingFrame>(std::move(frame));
  std::weak_ptr<Server> self = weak_from_this();
  cluster_.loop.add_timer(delay, [self, id, held] {
    if (auto server = self.lock()) server->deliver(id, std::move(*held));
  });
}

bool Server::zero_copy(SessionId id) const {
  auto it = sessions_.find(id);
  return it != sessions_.end() && it->second->zero_copy();
}

void Server::finish_without_response(SessionId id) {
  if (auto it = sessions_.find(id); it != sessions_.end()) it->second->finish_without_response();
}

void Server::close_session(SessionId id, const std::string& reason) {
  if (auto it = sessions_.find(id); it != sessions_.end()) it->second->close(reason);
}

}  // namespace kafkit::broker
