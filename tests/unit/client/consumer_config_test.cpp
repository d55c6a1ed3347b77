// ConsumerConfig::parse: names, aliases, librdkafka's defaults (check.crcs=true on
// purpose), and refusals of unknown names, producer-only names and bad values.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "client/consumer/consumer_config.hpp"

using namespace kafkit;
using namespace kafkit::client;
using namespace std::chrono_literals;

namespace {

Result<ConsumerConfig> parse(Config::Map extra) {
  if (!extra.count("bootstrap.servers") && !extra.count("metadata.broker.list"))
    extra["bootstrap.servers"] = "localhost:9092";
  return ConsumerConfig::parse(Config(std::move(extra)));
}

ConsumerConfig parse_ok(Config::Map extra) {
  auto c = parse(std::move(extra));
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  return std::move(c.value());
}

std::string parse_error(Config::Map extra) {
  auto c = parse(std::move(extra));
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == errc::invalid_argument);
  return c.error().message;
}

}  // namespace

TEST_CASE("consumer config: defaults") {
  ConsumerConfig c = parse_ok({});
  CHECK(c.group_id.empty());
  CHECK(c.session_timeout == 45000ms);
  CHECK(c.heartbeat_interval == 3000ms);
  CHECK(c.max_poll_interval == 300000ms);
  CHECK(c.assignment_strategy == "range,roundrobin");
  CHECK(c.enable_auto_commit);
  CHECK(c.auto_commit_interval == 5000ms);
  CHECK(c.auto_offset_reset == OffsetReset::latest);
  CHECK(c.fetch_min_bytes == 1);
  CHECK(c.fetch_max_bytes == 52428800);
  CHECK(c.fetch_max_wait == 500ms);
  CHECK(c.max_partition_fetch_bytes == 1048576);
  CHECK(c.queued_max_bytes == 65536u * 1024u);
  CHECK(c.max_poll_records == 500);
  CHECK(c.read_committed);
  CHECK(c.check_crcs);  // the choice over librdkafka's false
  CHECK_FALSE(c.enable_partition_eof);
  CHECK_FALSE(c.cluster.allow_auto_create_topics);
  // A fetch parks for fetch.max.wait.ms: its request timeout covers that.
  CHECK(c.cluster.connection.connection.request_timeout >= 30000ms);
}

TEST_CASE("consumer config: aliases set the same field") {
  CHECK(parse_ok({{"fetch.wait.max.ms", "250"}}).fetch_max_wait == 250ms);
  CHECK(parse_ok({{"fetch.max.wait.ms", "250"}}).fetch_max_wait == 250ms);
  CHECK(parse_ok({{"fetch.message.max.bytes", "4096"}}).max_partition_fetch_bytes == 4096);
  CHECK(parse_ok({{"metadata.broker.list", "h:1"}}).cluster.bootstrap.at(0).host == "h");
  CHECK(parse_ok({{"topic.metadata.refresh.interval.ms", "1000"}}).cluster.metadata_max_age ==
        1000ms);
  for (auto v : {"earliest", "smallest", "beginning", "EARLIEST"})
    CHECK(parse_ok({{"auto.offset.reset", v}}).auto_offset_reset == OffsetReset::earliest);
  for (auto v : {"latest", "largest", "end"})
    CHECK(parse_ok({{"auto.offset.reset", v}}).auto_offset_reset == OffsetReset::latest);
  for (auto v : {"none", "error"})
    CHECK(parse_ok({{"auto.offset.reset", v}}).auto_offset_reset == OffsetReset::none);
  CHECK(parse_ok({{"partition.assignment.strategy",
                   "org.apache.kafka.clients.consumer.CooperativeStickyAssignor, range"}})
            .assignment_strategy == "cooperative-sticky,range");
  CHECK_FALSE(parse_ok({{"isolation.level", "read_uncommitted"}}).read_committed);
  CHECK(parse_ok({{"queued.max.messages.kbytes", "10"}}).queued_max_bytes == 10240);
  auto g = parse_ok({{"group.id", "g"}, {"group.instance.id", "i-1"}, {"check.crcs", "false"}});
  CHECK(g.group_id == "g");
  CHECK(g.group_instance_id == std::optional<std::string>("i-1"));
  CHECK_FALSE(g.check_crcs);
}

TEST_CASE("consumer config: refusals name the property") {
  CHECK(parse_error({{"no.such.thing", "1"}}).find("no.such.thing") != std::string::npos);
  std::string linger = parse_error({{"linger.ms", "5"}});
  CHECK(linger.find("producer setting") != std::string::npos);
  CHECK(parse_error({{"acks", "all"}}).find("acks") != std::string::npos);
  CHECK(parse_error({{"auto.offset.reset", "sometimes"}}).find("auto.offset.reset") !=
        std::string::npos);
  CHECK(parse_error({{"isolation.level", "dirty"}}).find("isolation.level") != std::string::npos);
  CHECK(parse_error({{"fetch.min.bytes", "0"}}).find("fetch.min.bytes") != std::string::npos);
  CHECK(parse_error({{"max.poll.records", "-3"}}).find("max.poll.records") != std::string::npos);
  CHECK(parse_error({{"enable.auto.commit", "maybe"}}).find("enable.auto.commit") !=
        std::string::npos);
  CHECK(parse_error({{"partition.assignment.strategy", "random"}})
            .find("partition.assignment.strategy") != std::string::npos);
  CHECK(parse_error({{"session.timeout.ms", "1000"}, {"heartbeat.interval.ms", "2000"}})
            .find("heartbeat.interval.ms") != std::string::npos);
  CHECK(parse_error({{"group.instance.id", "x"}}).find("group.id") != std::string::npos);
  auto missing = ConsumerConfig::parse(Config{});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("bootstrap.servers") != std::string::npos);
}

TEST_CASE("consumer config: every listed property parses with its documented default") {
  std::set<std::string> names;
  for (const PropertyInfo& p : consumer_properties()) {
    CAPTURE(p.name);
    CHECK(names.insert(std::string(p.name)).second);
    if (std::string(p.name) == "bootstrap.servers" || std::string(p.name) == "metadata.broker.list")
      continue;
    if (std::string(p.name) == "group.instance.id") continue;  // needs group.id
    auto c = parse({{std::string(p.name), std::string(p.default_value)}});
    std::string why = c.ok() ? std::string() : c.error().message;
    CHECK_MESSAGE(c.ok(), why);
  }
  for (auto required :
       {"group.id", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms",
        "enable.auto.commit", "auto.commit.interval.ms", "fetch.max.bytes", "queued.min.messages",
        "client.rack", "request.timeout.ms", "reconnect.backoff.ms", "retry.backoff.ms"})
    CHECK(names.count(required) == 1);
}
