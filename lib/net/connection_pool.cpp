#include "net/connection_pool.hpp"

#include "net/sasl_setup_step.hpp"

namespace kafkit::net {

ConnectionPool::ConnectionPool(EventLoop& loop, BrokerConnectionConfig config,
                               StateCallback on_state)
    : loop_(loop), config_(std::move(config)), on_state_(std::move(on_state)), resolver_(loop) {}

ConnectionPool::~ConnectionPool() {
  stop();
}

void ConnectionPool::add_bootstrap(std::string host, std::uint16_t port) {
  entries_[next_bootstrap_id_--] = Entry{std::move(host), port, nullptr};
}

void ConnectionPool::set_node_address(std::int32_t id, const std::string& host,
                                      std::uint16_t port) {
  Entry& e = entries_[id];
  if (e.host == host && e.port == port) return;
  if (e.connection) e.connection->stop();
  e = Entry{host, port, nullptr};
}

BrokerConnection& ConnectionPool::open(std::int32_t id, Entry& entry) {
  if (!entry.connection) {
    entry.connection =
        std::make_unique<BrokerConnection>(loop_, resolver_, entry.host, entry.port, config_,
                                           [this, id](BrokerConnection::State s, const Error* e) {
                                             if (on_state_) on_state_(id, s, e);
                                           });
  }
  entry.connection->start();
  return *entry.connection;
}

BrokerConnection* ConnectionPool::node(std::int32_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  return &open(id, it->second);
}

std::optional<Error> ConnectionPool::authentication_error() const {
  for (const auto& [id, entry] : entries_) {
    const auto& c = entry.connection;
    if (c && c->last_error() && is_authentication_error(c->last_error()->code))
      return c->last_error();
  }
  return std::nullopt;
}

BrokerConnection* ConnectionPool::any() {
  if (entries_.empty()) return nullptr;
  // Known brokers have non-negative ids and sort after the bootstrap ones; prefer them.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    const auto& c = it->second.connection;
    if (c && c->state() == BrokerConnection::State::ready) return c.get();
  }
  // Nothing ready: start one more candidate per call, in turn, so that a server that
  // never answers (a black-holed address waits out the whole connect timeout) does not
  // keep the client from the others.
  auto it = entries_.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(rotation_++ % entries_.size()));
  open(it->first, it->second);
  return nullptr;
}

void ConnectionPool::stop() {
  for (auto& [id, e] : entries_)
    if (e.connection) e.connection->stop();
  entries_.clear();
}

}  // namespace kafkit::net
