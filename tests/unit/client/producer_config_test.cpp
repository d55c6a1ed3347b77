// ProducerConfig::parse and parse_bootstrap_servers: names, aliases, defaults, errors, and
// the combination rules the Java client applies (idempotence vs acks / in-flight / retries,
// delivery.timeout.ms vs linger.ms + request.timeout.ms).
#include <doctest/doctest.h>

#include <string>

#include "client/cluster/cluster_config.hpp"
#include "client/producer/producer_config.hpp"

using namespace kafkit;
using namespace kafkit::client;
using namespace std::chrono_literals;

namespace {

constexpr const char* kBootstrap = "localhost:9092";

Result<ProducerConfig> parse(Config::Map extra) {
  if (!extra.count("bootstrap.servers") && !extra.count("metadata.broker.list"))
    extra["bootstrap.servers"] = kBootstrap;
  return ProducerConfig::parse(Config(std::move(extra)));
}

ProducerConfig parse_ok(Config::Map extra) {
  auto c = parse(std::move(extra));
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  return std::move(c.value());
}

// The error of a config that must be refused.
Error parse_error(Config::Map extra) {
  auto c = parse(std::move(extra));
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == errc::invalid_argument);
  return c.error();
}

bool mentions(const Error& e, std::string_view what) {
  return e.message.find(what) != std::string::npos;
}

}  // namespace

TEST_CASE("ProducerConfig: defaults follow librdkafka for batching and Java for safety") {
  ProducerConfig c = parse_ok({});
  REQUIRE(c.cluster.bootstrap.size() == 1);
  CHECK(c.cluster.bootstrap[0].host == "localhost");
  CHECK(c.cluster.bootstrap[0].port == 9092);
  CHECK(c.acks == -1);
  CHECK(c.linger == 5ms);
  CHECK(c.batch_size == 1000000);
  CHECK(c.batch_num_messages == 10000);
  CHECK(c.codec == protocol::CompressionCodec::none);
  CHECK(c.compression_level == -1);
  CHECK(c.idempotence);
  CHECK_FALSE(c.idempotence_explicit);
  CHECK(c.max_in_flight == 5);
  CHECK(c.request_timeout == 30000ms);
  CHECK(c.delivery_timeout == 120000ms);
  CHECK(c.retries == INT32_MAX);
  CHECK(c.retry_backoff == 100ms);
  CHECK(c.retry_backoff_max == 1000ms);
  CHECK(c.max_messages == 100000);
  CHECK(c.max_bytes == std::size_t{1} << 30);
  CHECK(c.max_block == 60000ms);
  CHECK(c.max_request_size == 1000000);
  CHECK(c.partitioner.name == "consistent_random");
  CHECK(c.cluster.metadata_max_age == 300000ms);
  CHECK(c.cluster.allow_auto_create_topics);
  // Values the connections are given from the producer's settings.
  CHECK(c.cluster.connection.connection.request_timeout == 30000ms);
  CHECK(c.cluster.connection.connection.max_in_flight == 5);
  CHECK(c.partitioner.batch_size == c.batch_size);
}

TEST_CASE("ProducerConfig: every property and alias sets its field") {
  SUBCASE("bootstrap.servers / metadata.broker.list") {
    CHECK(parse_ok({{"bootstrap.servers", "a:1"}}).cluster.bootstrap.at(0).host == "a");
    auto c = parse_ok({{"metadata.broker.list", "b:2,c:3"}});
    REQUIRE(c.cluster.bootstrap.size() == 2);
    CHECK(c.cluster.bootstrap[1].host == "c");
    CHECK(c.cluster.bootstrap[1].port == 3);
  }
  SUBCASE("client.id") {
    CHECK(parse_ok({{"client.id", "me"}}).cluster.connection.connection.client_id == "me");
  }
  SUBCASE("acks / request.required.acks") {
    for (std::string name : {"acks", "request.required.acks"}) {
      CAPTURE(name);
      CHECK(parse_ok({{name, "0"}}).acks == 0);
      CHECK(parse_ok({{name, "1"}}).acks == 1);
      CHECK(parse_ok({{name, "all"}}).acks == -1);
      CHECK(parse_ok({{name, "-1"}}).acks == -1);
    }
  }
  SUBCASE("linger.ms / queue.buffering.max.ms") {
    CHECK(parse_ok({{"linger.ms", "17"}}).linger == 17ms);
    CHECK(parse_ok({{"queue.buffering.max.ms", "18"}}).linger == 18ms);
  }
  SUBCASE("batch.size, batch.num.messages") {
    auto c = parse_ok({{"batch.size", "4096"}, {"batch.num.messages", "7"}});
    CHECK(c.batch_size == 4096);
    CHECK(c.partitioner.batch_size == 4096);
    CHECK(c.batch_num_messages == 7);
  }
  SUBCASE("compression.type / compression.codec, compression.level") {
    CHECK(parse_ok({{"compression.type", "lz4"}}).codec == protocol::CompressionCodec::lz4);
    CHECK(parse_ok({{"compression.codec", "zstd"}}).codec == protocol::CompressionCodec::zstd);
    CHECK(parse_ok({{"compression.level", "3"}}).compression_level == 3);
  }
  SUBCASE("enable.idempotence") {
    auto c = parse_ok({{"enable.idempotence", "false"}});
    CHECK_FALSE(c.idempotence);
    CHECK(c.idempotence_explicit);
    auto d = parse_ok({{"enable.idempotence", "true"}});
    CHECK(d.idempotence);
    CHECK(d.idempotence_explicit);
  }
  SUBCASE("max.in.flight.requests.per.connection / max.in.flight") {
    CHECK(parse_ok({{"max.in.flight.requests.per.connection", "3"}}).max_in_flight == 3);
    auto c = parse_ok({{"max.in.flight", "2"}});
    CHECK(c.max_in_flight == 2);
    CHECK(c.cluster.connection.connection.max_in_flight == 2);
  }
  SUBCASE("request.timeout.ms") {
    auto c = parse_ok({{"request.timeout.ms", "1234"}});
    CHECK(c.request_timeout == 1234ms);
    CHECK(c.cluster.connection.connection.request_timeout == 1234ms);
  }
  SUBCASE("delivery.timeout.ms / message.timeout.ms") {
    CHECK(parse_ok({{"delivery.timeout.ms", "40000"}}).delivery_timeout == 40000ms);
    CHECK(parse_ok({{"message.timeout.ms", "41000"}}).delivery_timeout == 41000ms);
    CHECK(parse_ok({{"message.timeout.ms", "0"}}).delivery_timeout == 0ms);
  }
  SUBCASE("retries / message.send.max.retries") {
    CHECK(parse_ok({{"retries", "3"}}).retries == 3);
    CHECK(parse_ok({{"message.send.max.retries", "4"}}).retries == 4);
  }
  SUBCASE("retry.backoff.ms, retry.backoff.max.ms") {
    auto c = parse_ok({{"retry.backoff.ms", "50"}, {"retry.backoff.max.ms", "500"}});
    CHECK(c.retry_backoff == 50ms);
    CHECK(c.cluster.metadata_retry_backoff == 50ms);
    CHECK(c.retry_backoff_max == 500ms);
    // The maximum is never below the first backoff.
    CHECK(parse_ok({{"retry.backoff.ms", "2000"}}).retry_backoff_max == 2000ms);
  }
  SUBCASE("buffer bounds") {
    CHECK(parse_ok({{"queue.buffering.max.messages", "10"}}).max_messages == 10);
    CHECK(parse_ok({{"queue.buffering.max.kbytes", "3"}}).max_bytes == 3072);
    CHECK(parse_ok({{"buffer.memory", "65536"}}).max_bytes == 65536);
    CHECK(parse_ok({{"max.block.ms", "0"}}).max_block == 0ms);
  }
  SUBCASE("message.max.bytes / max.request.size") {
    CHECK(parse_ok({{"message.max.bytes", "5000"}}).max_request_size == 5000);
    CHECK(parse_ok({{"max.request.size", "6000"}}).max_request_size == 6000);
  }
  SUBCASE("partitioner / partitioner.class, sticky settings") {
    CHECK(parse_ok({{"partitioner", "murmur2"}}).partitioner.name == "murmur2");
    CHECK(parse_ok({{"partitioner.class", "round_robin"}}).partitioner.name == "round_robin");
    auto c =
        parse_ok({{"sticky.partitioning.linger.ms", "20"}, {"partitioner.ignore.keys", "true"}});
    CHECK(c.partitioner.sticky_linger == 20ms);
    CHECK(c.partitioner.ignore_keys);
  }
  SUBCASE("metadata and connection settings") {
    CHECK(parse_ok({{"metadata.max.age.ms", "700"}}).cluster.metadata_max_age == 700ms);
    CHECK(parse_ok({{"topic.metadata.refresh.interval.ms", "800"}}).cluster.metadata_max_age ==
          800ms);
    CHECK_FALSE(parse_ok({{"allow.auto.create.topics", "false"}}).cluster.allow_auto_create_topics);
    auto c = parse_ok({{"reconnect.backoff.ms", "10"},
                       {"reconnect.backoff.max.ms", "20"},
                       {"socket.connection.setup.timeout.ms", "2000"},
                       {"receive.message.max.bytes", "5000"},
                       {"security.protocol", "PLAINTEXT"}});
    CHECK(c.cluster.connection.reconnect_backoff == 10ms);
    CHECK(c.cluster.connection.reconnect_backoff_max == 20ms);
    CHECK(c.cluster.connection.connect_timeout == 2000ms);
    CHECK(c.cluster.connection.connection.receive_message_max_bytes == 5000);
  }
}

TEST_CASE("ProducerConfig: every listed property parses with its listed default") {
  // producer_properties() is what `kafkit -X list` prints: each default must be accepted.
  for (const PropertyInfo& p : producer_properties()) {
    if (p.default_value.empty()) continue;
    CAPTURE(p.name);
    Config::Map m{{std::string(p.name), std::string(p.default_value)}};
    auto c = parse(m);
    CHECK_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  }
}

TEST_CASE("ProducerConfig: invalid values and unknown names are errors naming the property") {
  struct Bad {
    const char* name;
    const char* value;
  };
  for (Bad b :
       {Bad{"acks", "2"}, Bad{"acks", "some"}, Bad{"linger.ms", "-1"}, Bad{"linger.ms", "5x"},
        Bad{"batch.size", "0"}, Bad{"batch.num.messages", ""}, Bad{"compression.type", "brotli"},
        Bad{"compression.level", "23"}, Bad{"enable.idempotence", "maybe"},
        Bad{"max.in.flight", "0"}, Bad{"request.timeout.ms", "0"}, Bad{"retries", "-1"},
        Bad{"queue.buffering.max.messages", "0"}, Bad{"max.block.ms", "-5"},
        Bad{"message.max.bytes", "10"}, Bad{"security.protocol", "tls"},
        Bad{"metadata.max.age.ms", "abc"}}) {
    std::string name = b.name, value = b.value;
    CAPTURE(name);
    CAPTURE(value);
    Error e = parse_error({{b.name, b.value}});
    CHECK_MESSAGE(mentions(e, b.name), e.message);
  }
  Error unknown = parse_error({{"lingr.ms", "5"}});
  CHECK(mentions(unknown, "lingr.ms"));
  Error consumer = parse_error({{"group.id", "g"}});
  CHECK(mentions(consumer, "group.id"));
  CHECK(mentions(consumer, "consumer"));
  Error missing = ProducerConfig::parse(Config{}).error();
  CHECK(mentions(missing, "bootstrap.servers"));
  Error bad_bootstrap = parse_error({{"bootstrap.servers", "host:notaport"}});
  CHECK(mentions(bad_bootstrap, "bootstrap.servers"));
}

TEST_CASE("ProducerConfig: idempotence yields to explicit acks / in-flight / retries, as Java") {
  // Not asked for: a conflicting setting turns it off.
  CHECK_FALSE(parse_ok({{"acks", "1"}}).idempotence);
  CHECK_FALSE(parse_ok({{"acks", "0"}}).idempotence);
  CHECK_FALSE(parse_ok({{"max.in.flight.requests.per.connection", "6"}}).idempotence);
  CHECK_FALSE(parse_ok({{"retries", "0"}}).idempotence);
  CHECK(parse_ok({{"max.in.flight", "5"}, {"acks", "all"}, {"retries", "1"}}).idempotence);
  // Asked for: the conflict is an error naming what it needs.
  CHECK(mentions(parse_error({{"enable.idempotence", "true"}, {"acks", "1"}}), "acks"));
  CHECK(mentions(parse_error({{"enable.idempotence", "true"}, {"request.required.acks", "0"}}),
                 "acks"));
  CHECK(mentions(parse_error({{"enable.idempotence", "true"}, {"max.in.flight", "6"}}),
                 "max.in.flight"));
  CHECK(mentions(parse_error({{"enable.idempotence", "true"}, {"retries", "0"}}), "retries"));
  // Off explicitly: anything goes.
  auto off = parse_ok({{"enable.idempotence", "false"}, {"acks", "1"}, {"max.in.flight", "20"}});
  CHECK_FALSE(off.idempotence);
  CHECK(off.max_in_flight == 20);
}

TEST_CASE("ProducerConfig: delivery.timeout.ms >= linger.ms + request.timeout.ms") {
  // Given explicitly (by either name) and too small: an error naming it.
  Error e = parse_error(
      {{"delivery.timeout.ms", "1000"}, {"linger.ms", "5"}, {"request.timeout.ms", "30000"}});
  CHECK(mentions(e, "delivery.timeout.ms"));
  CHECK(mentions(e, "30005"));
  Error alias = parse_error({{"message.timeout.ms", "1000"}, {"request.timeout.ms", "30000"}});
  CHECK(mentions(alias, "delivery.timeout.ms"));
  // Exactly the sum is fine; 0 means no bound.
  CHECK(parse_ok(
            {{"delivery.timeout.ms", "1100"}, {"linger.ms", "100"}, {"request.timeout.ms", "1000"}})
            .delivery_timeout == 1100ms);
  CHECK(
      parse_ok({{"delivery.timeout.ms", "0"}, {"request.timeout.ms", "30000"}}).delivery_timeout ==
      0ms);
  // Not given: the default grows to the sum, as the Java client does (with a warning there).
  auto grown = parse_ok({{"request.timeout.ms", "200000"}, {"linger.ms", "10"}});
  CHECK(grown.delivery_timeout == 200010ms);
}

TEST_CASE("parse_bootstrap_servers: hosts, ports, IPv6, listener prefixes") {
  auto one = parse_bootstrap_servers("broker1:9093");
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].host == "broker1");
  CHECK((*one)[0].port == 9093);

  auto many = parse_bootstrap_servers(" a:1 , b ,PLAINTEXT://c:3,[::1]:9094,[fe80::2]");
  REQUIRE_MESSAGE(many.ok(), many.error().message);
  REQUIRE(many->size() == 5);
  CHECK((*many)[0].host == "a");
  CHECK((*many)[0].port == 1);
  CHECK((*many)[1].host == "b");
  CHECK((*many)[1].port == 9092);  // default port
  CHECK((*many)[2].host == "c");
  CHECK((*many)[2].port == 3);
  CHECK((*many)[3].host == "::1");
  CHECK((*many)[3].port == 9094);
  CHECK((*many)[4].host == "fe80::2");
  CHECK((*many)[4].port == 9092);

  auto trailing = parse_bootstrap_servers("a:1,");
  REQUIRE(trailing.ok());
  CHECK(trailing->size() == 1);

  for (const char* bad : {"", ",", " , ", "host:0", "host:65536", "host:x", "[::1", "[]:9092",
                          ":9092", "[::1]x", "[::1]:", "host:", "PLAINTEXT://"}) {
    std::string text = bad;
    CAPTURE(text);
    auto r = parse_bootstrap_servers(text);
    CHECK_FALSE(r.ok());
    if (!r.ok()) {
      CHECK(r.error().code == errc::invalid_argument);
      CHECK(mentions(r.error(), "bootstrap.servers"));
    }
  }
}
