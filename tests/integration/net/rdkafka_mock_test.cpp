// Interop with a peer nobody here wrote: librdkafka's mock cluster (librdkafka-dev).
// Our Connection negotiates ApiVersions with it, reads its Metadata, and refuses an API the
// mock does not offer without sending it.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "connection_harness.hpp"
#include "net/broker_connection.hpp"
#include "net/resolver.hpp"

using namespace std::chrono_literals;
using namespace kafkit;
using namespace kafkit::net;
using namespace kafkit::net::test;

namespace {

/// One-broker mock cluster; it runs on librdkafka's own threads.
struct MockCluster {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string host;
  std::uint16_t port = 0;

  MockCluster() {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // Keep librdkafka quiet: its own client never connects anywhere in this test.
    REQUIRE(rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err) == RD_KAFKA_CONF_OK);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    REQUIRE_MESSAGE(rk != nullptr, err);
    cluster = rd_kafka_mock_cluster_new(rk, 1);
    REQUIRE(cluster != nullptr);
    std::string bootstraps = rd_kafka_mock_cluster_bootstraps(cluster);  // "host:port"
    auto colon = bootstraps.rfind(':');
    REQUIRE(colon != std::string::npos);
    host = bootstraps.substr(0, colon);
    port = static_cast<std::uint16_t>(std::stoi(bootstraps.substr(colon + 1)));
    REQUIRE(rd_kafka_mock_topic_create(cluster, "kafkit-interop", 3, 1) ==
            RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ~MockCluster() {
    if (cluster != nullptr) rd_kafka_mock_cluster_destroy(cluster);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

}  // namespace

TEST_CASE("librdkafka mock cluster: ApiVersions, Metadata, and an API it lacks") {
  MockCluster mock;
  auto loop = make_loop();
  Resolver resolver(*loop);
  BrokerConnectionConfig config;
  config.connection.client_id = "kafkit-interop";
  config.connect_timeout = 2s;
  BrokerConnection connection(*loop, resolver, mock.host, mock.port, config,
                              [&](BrokerConnection::State s, const Error* e) {
                                if (e != nullptr) MESSAGE("state error: " << e->message);
                                if (s == BrokerConnection::State::ready) loop->stop();
                              });
  connection.start();
  REQUIRE(run_bounded(*loop, 10s));
  REQUIRE(connection.state() == BrokerConnection::State::ready);
  const ApiVersionTable* table = connection.api_versions();
  REQUIRE(table != nullptr);
  MESSAGE("mock cluster APIs: " << table->to_string());
  REQUIRE(table->find(3) != nullptr);   // Metadata
  REQUIRE(table->find(18) != nullptr);  // ApiVersions

  std::optional<Result<protocol::MetadataResponse>> metadata;
  protocol::MetadataRequest request;
  request.topics = std::nullopt;  // all topics
  connection.send(request, [&](Result<protocol::MetadataResponse> r) {
    metadata.emplace(std::move(r));
    loop->stop();
  });
  REQUIRE(run_bounded(*loop, 10s));
  REQUIRE(metadata.has_value());
  REQUIRE_MESSAGE(metadata->ok(), metadata->error().message);
  const auto& md = metadata->value();
  REQUIRE(md.brokers.size() == 1);
  CHECK(md.brokers[0].node_id == 1);
  CHECK(md.brokers[0].port == mock.port);
  bool topic_found = false;
  for (const auto& t : md.topics) {
    if (t.name == std::optional<std::string>("kafkit-interop")) {
      topic_found = true;
      CHECK(t.partitions.size() == 3);
    }
  }
  CHECK(topic_found);

  // DescribeCluster (key 60) is not among the mock's APIs: refused locally with 35.
  if (table->find(60) != nullptr) {
    MESSAGE("this librdkafka mock offers DescribeCluster; the refusal path is not exercised");
  } else {
    std::optional<Error> refused;
    connection.send(protocol::DescribeClusterRequest{},
                    [&](Result<protocol::DescribeClusterResponse> r) {
                      REQUIRE_FALSE(r.ok());
                      refused = r.error();
                      loop->stop();
                    });
    REQUIRE(run_bounded(*loop, 5s));
    REQUIRE(refused.has_value());
    CHECK(refused->code == 35);
    CHECK(contains(refused->message, "DescribeCluster"));
    CHECK(contains(refused->message, mock.host));
  }
  // The connection is still usable afterwards.
  bool again = false;
  connection.send(request, [&](Result<protocol::MetadataResponse> r) {
    again = r.ok();
    loop->stop();
  });
  REQUIRE(run_bounded(*loop, 10s));
  CHECK(again);
}
