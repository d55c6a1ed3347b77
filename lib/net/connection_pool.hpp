#pragma once
// ConnectionPool: a client's connections, one per broker, shared by everything the client
// does with that broker. Bootstrap servers get connections of their own (negative ids)
// that serve only until metadata names the real brokers.
//
// Threading: loop thread only, like the BrokerConnections it owns. The state callback runs
// on the loop thread, never inside a call into the pool.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/broker_connection.hpp"
#include "net/resolver.hpp"

namespace kafkit::net {

class ConnectionPool {
 public:
  /// `node` is the broker id, or -1, -2, ... for bootstrap servers in configured order.
  using StateCallback =
      std::function<void(std::int32_t node, BrokerConnection::State state, const Error* error)>;

  ConnectionPool(EventLoop& loop, BrokerConnectionConfig config, StateCallback on_state = {});
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  ~ConnectionPool();

  void add_bootstrap(std::string host, std::uint16_t port);
  /// Records where broker `id` listens; an existing connection to a different address is
  /// replaced (its pending requests fail with connection_closed).
  void set_node_address(std::int32_t id, const std::string& host, std::uint16_t port);
  /// The connection to broker `id`, started if idle; nullptr when its address is unknown.
  BrokerConnection* node(std::int32_t id);
  /// A ready connection for cluster-wide requests (Metadata), known brokers before
  /// bootstrap servers. When none is ready it starts the next candidate in turn and
  /// returns nullptr: ask again later (the state callback reports a connection ready).
  BrokerConnection* any();
  /// A refused authentication (net/sasl_setup_step.hpp) that ended the last attempt of a
  /// connection while none is ready: for callers that wait for any() (metadata) and must
  /// report it rather than wait forever.
  std::optional<Error> authentication_error() const;
  /// Stops and forgets every connection; pending requests fail with connection_closed.
  void stop();

 private:
  struct Entry {
    std::string host;
    std::uint16_t port = 0;
    std::unique_ptr<BrokerConnection> connection;
  };
  BrokerConnection& open(std::int32_t id, Entry& entry);

  EventLoop& loop_;
  BrokerConnectionConfig config_;
  StateCallback on_state_;
  Resolver resolver_;
  std::map<std::int32_t, Entry> entries_;  /// @thread loop (negative keys: bootstrap)
  std::int32_t next_bootstrap_id_ = -1;
  std::size_t rotation_ = 0;
};

}  // namespace kafkit::net
