// Per-listener advertised endpoints (issue 8): every node of a cluster binds every
// configured listener, and Metadata, DescribeCluster and FindCoordinator answer with the
// endpoints of the listener the request came in on — as Kafka matches listener names — so
// a PLAINTEXT client and a SASL_SSL client of one cluster each stay on their own ports,
// also after a node was stopped and started again.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "security_support.hpp"

namespace kafkit::test {
namespace {

using broker::test::RunningBroker;
using namespace std::chrono_literals;

constexpr size_t kPlain = 0;
constexpr size_t kSaslSsl = 1;

Properties two_listeners() {
  return {{"listeners", "PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0"},
          {"ssl.certificate.location", pki()("server.pem")},
          {"ssl.key.location", pki()("server.key")},
          {"sasl.enabled.mechanisms", "SCRAM-SHA-512"},
          {"sasl.users", "alice:alice-secret"},
          {"default.replication.factor", "3"}};
}

Config plain_client(const RunningBroker& b) {
  return Config{{"bootstrap.servers", b.cluster->bootstrap_servers(kPlain)}};
}

Config sasl_ssl_client(const RunningBroker& b) {
  return Config{{"bootstrap.servers", b.cluster->bootstrap_servers(kSaslSsl)},
                {"security.protocol", "sasl_ssl"},
                {"ssl.ca.location", pki()("ca.pem")},
                {"sasl.mechanism", "SCRAM-SHA-512"},
                {"sasl.username", "alice"},
                {"sasl.password", "alice-secret"}};
}

std::set<int> listener_ports(const RunningBroker& b, size_t listener) {
  std::set<int> ports;
  for (size_t i = 0; i < b.cluster->node_ids().size(); ++i) ports.insert(b.port(i, listener));
  return ports;
}

/// The ports Metadata and DescribeCluster advertise to a client of `config`, which must
/// both be exactly `expected`; and FindCoordinator leads it to a coordinator it can talk to.
void check_advertised(const Config& config, const std::set<int>& expected) {
  Admin admin(config);
  auto meta = admin.metadata(std::nullopt, 10s);
  REQUIRE_MESSAGE(meta.ok(), why(meta));
  std::set<int> seen;
  for (const auto& broker : meta.value().brokers) seen.insert(broker.port);
  CHECK(seen == expected);
  auto cluster = admin.describe_cluster(10s);
  REQUIRE_MESSAGE(cluster.ok(), why(cluster));
  std::set<int> described;
  for (const auto& broker : cluster.value().brokers) described.insert(broker.port);
  CHECK(described == expected);
  // describe_groups goes to the coordinator FindCoordinator names: over the wrong
  // listener's port a SASL_SSL client could not even connect.
  auto groups = admin.describe_groups({"no-such-group"}, 10s);
  REQUIRE_MESSAGE(groups.ok(), why(groups));
}

}  // namespace

TEST_CASE("multi-listener: each client sees and uses only its own listener's ports") {
  RunningBroker b(two_listeners(), 3);
  std::set<int> plain_ports = listener_ports(b, kPlain);
  std::set<int> secure_ports = listener_ports(b, kSaslSsl);
  REQUIRE(plain_ports.size() == 3);
  REQUIRE(secure_ports.size() == 3);
  check_advertised(plain_client(b), plain_ports);
  check_advertised(sasl_ssl_client(b), secure_ports);
  round_trip_with(plain_client(b), "plain-side", "plain");
  round_trip_with(sasl_ssl_client(b), "secure-side", "secure");

  // A node stopped and started again serves both listeners on the same ports.
  int32_t node = b.cluster->node_ids().at(1);
  REQUIRE(b.cluster->stop_node(node).ok());
  {
    Admin admin(plain_client(b));
    auto meta = admin.metadata(std::nullopt, 10s);
    REQUIRE_MESSAGE(meta.ok(), why(meta));
    CHECK(meta.value().brokers.size() == 2);
  }
  REQUIRE(b.cluster->start_node(node).ok());
  for (size_t listener : {kPlain, kSaslSsl}) {
    CAPTURE(listener);
    Config direct = listener == kPlain ? plain_client(b) : sasl_ssl_client(b);
    direct.set("bootstrap.servers", "127.0.0.1:" + std::to_string(b.port(1, listener)));
    check_advertised(direct, listener == kPlain ? plain_ports : secure_ports);
  }
  round_trip_with(plain_client(b), "plain-after-restart", "plain2");
  round_trip_with(sasl_ssl_client(b), "secure-after-restart", "secure2");
}

TEST_CASE("multi-listener: fixed ports are offset by the node's index on every listener") {
  // Kernel-chosen base ports for the two listeners; the ports after them may be taken by
  // another test meanwhile (tests run in parallel), so a failed bind tries new ones.
  for (int attempt = 0; attempt < 10; ++attempt) {
    uint16_t a = 0, c = 0;
    {
      RunningBroker probe(two_listeners(), 1);
      a = probe.port(0, kPlain);
      c = probe.port(0, kSaslSsl);
    }
    if (a + 3 > c && c + 3 > a) continue;  // overlapping ranges: nothing to check here
    Properties props = two_listeners();
    props["listeners"] =
        "PLAINTEXT://127.0.0.1:" + std::to_string(a) + ",SASL_SSL://127.0.0.1:" + std::to_string(c);
    broker::test::TempDir dir;
    props["log.dirs"] = dir.path.string();
    auto config = broker::BrokerConfig::from_properties(props);
    REQUIRE(config.ok());
    auto cluster = broker::Cluster::start({std::move(*config), 3});
    if (!cluster.ok()) {
      CHECK(contains(cluster.error().message, "in use"));
      continue;
    }
    for (size_t i = 0; i < 3; ++i) {
      CHECK((*cluster)->port(i, kPlain) == a + i);
      CHECK((*cluster)->port(i, kSaslSsl) == c + i);
    }
    return;
  }
  FAIL("no free port ranges in 10 attempts");
}

}  // namespace kafkit::test
