#include <doctest/doctest.h>

#include <string>

#include "client/partitioner/librdkafka_partitioner.hpp"
#include "client/partitioner/partitioner_factory.hpp"
#include "client/partitioner/sticky_partitioners.hpp"

using namespace kafkit::client;
using kafkit::protocol::as_bytes;

TEST_CASE("factory builds every accepted name") {
  for (std::string_view name : partitioner_names()) {
    CAPTURE(name);
    PartitionerConfig config;
    config.name = std::string(name);
    auto p = make_partitioner(config);
    REQUIRE(p.ok());
    PartitionContext ctx;
    ctx.topic = "t";
    ctx.key = as_bytes("k");
    ctx.partition_count = 5;
    const int32_t part = (*p)->partition(ctx);
    CHECK(part >= 0);
    CHECK(part < 5);
  }
}

TEST_CASE("factory default is librdkafka's consistent_random") {
  auto p = make_partitioner(PartitionerConfig{});
  REQUIRE(p.ok());
  auto* rd = dynamic_cast<LibrdkafkaPartitioner*>(p->get());
  REQUIRE(rd != nullptr);
  CHECK(rd->kind() == RdkafkaPartitionerKind::consistent_random);
}

TEST_CASE("factory maps Java names") {
  PartitionerConfig config;
  config.name = "org.apache.kafka.clients.producer.RoundRobinPartitioner";
  auto rr = make_partitioner(config);
  REQUIRE(rr.ok());
  CHECK(dynamic_cast<RoundRobinPartitioner*>(rr->get()) != nullptr);
  config.name = "uniform_sticky";
  auto us = make_partitioner(config);
  REQUIRE(us.ok());
  CHECK(dynamic_cast<UniformStickyPartitioner*>(us->get()) != nullptr);
}

TEST_CASE("factory rejects unknown names, naming the property and accepted values") {
  PartitionerConfig config;
  config.name = "murmur3";
  auto p = make_partitioner(config);
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().code == kafkit::errc::invalid_argument);
  const std::string& msg = p.error().message;
  CHECK(msg.find("partitioner") == 0);
  CHECK(msg.find("\"murmur3\"") != std::string::npos);
  for (std::string_view name : partitioner_names()) CHECK(msg.find(name) != std::string::npos);
  config.name = "";
  CHECK_FALSE(make_partitioner(config).ok());
  config.name = "uniform_sticky";
  config.batch_size = 0;
  CHECK_FALSE(make_partitioner(config).ok());
}

TEST_CASE("factory: a user partitioner wins over the name") {
  PartitionerConfig config;
  config.name = "not-a-name";
  config.user = [](const PartitionContext&) { return 2; };
  auto p = make_partitioner(config);
  REQUIRE(p.ok());
  PartitionContext ctx;
  ctx.partition_count = 3;
  CHECK((*p)->partition(ctx) == 2);
}

TEST_CASE("factory: same seed, same choices") {
  PartitionerConfig config;
  config.name = "random";
  config.seed = 99;
  auto a = make_partitioner(config);
  auto b = make_partitioner(config);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  PartitionContext ctx;
  ctx.topic = "t";
  ctx.key = as_bytes("k");
  ctx.partition_count = 100;
  for (int i = 0; i < 50; ++i) CHECK((*a)->partition(ctx) == (*b)->partition(ctx));
}
