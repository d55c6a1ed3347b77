// Simple authorization (issue 8) end to end: the in-process reference broker with a
// SASL_PLAINTEXT listener, acl.rules and super.users, and kafkit's producer, consumer and
// admin client as different principals. alice may write and read topic `orders` and use
// group g1; bob may only describe them; admin is a super user. Each refusal carries
// Kafka's error (TOPIC_AUTHORIZATION_FAILED 29, GROUP_AUTHORIZATION_FAILED 30; an
// idempotent producer without WRITE anywhere: CLUSTER_AUTHORIZATION_FAILED, fatal), comes
// quickly (the clients do not retry it), and the
// broker keeps serving alice meanwhile.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "../broker/broker_fixture.hpp"
#include "../net/tls_certs.hpp"
#include "kafkit/admin.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using Clock = std::chrono::steady_clock;

constexpr int kTopicAuthorizationFailed = 29;
constexpr int kGroupAuthorizationFailed = 30;

template <class R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().message;
}

Properties authz_broker_properties(bool allow_if_no_acl = false) {
  return {{"listeners", "SASL_PLAINTEXT://127.0.0.1:0"},
          {"sasl.enabled.mechanisms", "PLAIN"},
          {"sasl.users", "alice:a-secret,bob:b-secret,admin:x"},
          {"authorizer.enabled", "true"},
          {"super.users", "User:admin"},
          {"allow.everyone.if.no.acl.found", allow_if_no_acl ? "true" : "false"},
          {"auto.create.topics.enable", "true"},
          {"acl.rules",
           "User:alice:topic:orders:read,write;User:alice:group:g1:read;"
           "User:bob:topic:orders:describe;User:bob:group:g1:describe"}};
}

Config as_user(const RunningBroker& b, const std::string& user, const std::string& password) {
  return Config{{"bootstrap.servers", b.cluster->bootstrap_servers()},
                {"security.protocol", "sasl_plaintext"},
                {"sasl.mechanism", "PLAIN"},
                {"sasl.username", user},
                {"sasl.password", password}};
}
Config alice(const RunningBroker& b) {
  return as_user(b, "alice", "a-secret");
}
Config bob(const RunningBroker& b) {
  return as_user(b, "bob", "b-secret");
}
Config admin(const RunningBroker& b) {
  return as_user(b, "admin", "x");
}

Config with(Config c, const std::string& key, const std::string& value) {
  c.set(key, value);
  return c;
}

void create_topic(const RunningBroker& b, const std::string& name, int partitions = 1) {
  Admin a(admin(b));
  auto r = a.create_topics({NewTopic{.name = name, .partitions = partitions}});
  REQUIRE_MESSAGE(r.ok(), why(r));
  REQUIRE(r->size() == 1);
  REQUIRE_MESSAGE(r->front().error.ok(), r->front().error.message);
}

/// Sends `n` records and waits for every delivery report; returns them.
std::vector<DeliveryReport> produce(Producer& p, const std::string& topic, int n,
                                    const std::string& prefix) {
  std::vector<DeliveryReport> reports;
  for (int i = 0; i < n; ++i) {
    auto r = p.send({.topic = topic, .partition = 0, .value = prefix + std::to_string(i)},
                    [&reports](const DeliveryReport& d) { reports.push_back(d); });
    if (!r.ok()) {
      DeliveryReport failed;
      failed.error = r.error();
      reports.push_back(failed);
    }
  }
  (void)p.flush(30s);
  return reports;
}

/// Reads `n` records of `topic` as a member of `group`, committing them.
std::vector<std::string> consume_in_group(const Config& config, const std::string& topic,
                                          const std::string& group, size_t n) {
  Consumer c(with(with(config, "group.id", group), "auto.offset.reset", "earliest"));
  REQUIRE(c.subscribe({topic}).ok());
  std::vector<std::string> values;
  auto deadline = Clock::now() + 30s;
  while (values.size() < n && Clock::now() < deadline) {
    PollResult r = c.poll(100ms);
    for (const auto& e : r.events)
      if (e.error) FAIL("unexpected consumer error: " << e.error->message);
    for (const auto& rec : r.records) values.emplace_back(*rec.value);
  }
  auto committed = c.commit();
  CHECK_MESSAGE(committed.ok(), why(committed));
  return values;
}

}  // namespace

TEST_CASE("authz: a producer without WRITE gets TOPIC_AUTHORIZATION_FAILED at once") {
  RunningBroker b(authz_broker_properties());
  create_topic(b, "orders");
  SUBCASE("non-idempotent producer: a delivery report with 29 per record") {
    Producer p(with(with(bob(b), "enable.idempotence", "false"), "linger.ms", "1"));
    auto start = Clock::now();
    auto reports = produce(p, "orders", 3, "bob-");
    CHECK(Clock::now() - start < 10s);  // not retried until delivery.timeout.ms
    REQUIRE(reports.size() == 3);
    for (const auto& d : reports) {
      REQUIRE(d.error.has_value());
      CHECK(d.error->code == kTopicAuthorizationFailed);
    }
  }
  SUBCASE("idempotent producer: refused as a whole (no WRITE on any topic, KIP-679)") {
    Producer p(with(bob(b), "linger.ms", "1"));
    auto start = Clock::now();
    auto reports = produce(p, "orders", 2, "bob-");
    CHECK(Clock::now() - start < 10s);
    REQUIRE(reports.size() == 2);
    for (const auto& d : reports) {
      REQUIRE(d.error.has_value());
      INFO(d.error->message);
      CHECK(d.error->code == errc::fatal);
      CHECK(d.error->message.find("CLUSTER_AUTHORIZATION_FAILED") != std::string::npos);
    }
  }
  SUBCASE("a topic bob may not even describe: refused from its metadata") {
    create_topic(b, "secret");
    Producer p(with(with(bob(b), "enable.idempotence", "false"), "max.block.ms", "20000"));
    auto start = Clock::now();
    auto reports = produce(p, "secret", 1, "bob-");
    CHECK(Clock::now() - start < 10s);
    REQUIRE(reports.size() == 1);
    REQUIRE(reports.front().error.has_value());
    CHECK(reports.front().error->code == kTopicAuthorizationFailed);
  }
}

TEST_CASE("authz: alice writes and reads orders in group g1 while bob is refused") {
  RunningBroker b(authz_broker_properties());
  create_topic(b, "orders");
  Producer refused(with(with(bob(b), "enable.idempotence", "false"), "linger.ms", "1"));
  auto bob_reports = produce(refused, "orders", 2, "bob-");
  {
    Producer p(with(alice(b), "linger.ms", "1"));  // idempotent: alice may write
    auto reports = produce(p, "orders", 10, "alice-");
    REQUIRE(reports.size() == 10);
    for (const auto& d : reports) CHECK_MESSAGE(d.ok(), (d.ok() ? "" : d.error->message));
  }
  // bob again, between alice's calls: still refused, and nobody else is affected.
  auto bob_again = produce(refused, "orders", 1, "bob-");
  std::vector<std::string> values = consume_in_group(alice(b), "orders", "g1", 10);
  REQUIRE(values.size() == 10);
  CHECK(values.front() == "alice-0");
  CHECK(values.back() == "alice-9");
  for (const auto& d : bob_reports) {
    REQUIRE(d.error.has_value());
    CHECK(d.error->code == kTopicAuthorizationFailed);
  }
  REQUIRE(bob_again.size() == 1);
  REQUIRE(bob_again.front().error.has_value());
  CHECK(bob_again.front().error->code == kTopicAuthorizationFailed);

  // alice's committed offsets are there for the super user to see.
  Admin a(admin(b));
  auto offsets = a.list_group_offsets("g1");
  REQUIRE_MESSAGE(offsets.ok(), why(offsets));
  REQUIRE(offsets->size() == 1);
  CHECK(offsets->front().offset == 10);
}

TEST_CASE("authz: a consumer without READ on its group gets GROUP_AUTHORIZATION_FAILED") {
  RunningBroker b(authz_broker_properties());
  create_topic(b, "orders");
  auto expect_group_error = [&](const std::string& group) {
    Consumer c(with(bob(b), "group.id", group));
    REQUIRE(c.subscribe({"orders"}).ok());
    std::optional<Error> error;
    int errors = 0;
    auto start = Clock::now();
    while (Clock::now() - start < 3s) {
      PollResult r = c.poll(100ms);
      CHECK(r.records.empty());
      for (const auto& e : r.events)
        if (e.error) {
          if (!error) error = e.error;
          ++errors;
        }
      if (error && Clock::now() - start > 1s) break;
    }
    REQUIRE(error.has_value());
    CHECK(error->code == kGroupAuthorizationFailed);
    // Reported, not retried in a tight loop: at most one error per poll.
    CHECK(errors <= 40);
    CHECK(c.assignment().empty());
  };
  SUBCASE("JoinGroup refused (bob may describe g1, not read it)") {
    expect_group_error("g1");
  }
  SUBCASE("FindCoordinator refused (no rule names the group)") {
    expect_group_error("other-group");
  }
  SUBCASE("fetches of orders are refused with 29, retried only after a back-off") {
    Consumer c(with(bob(b), "group.id", "g1"));
    REQUIRE(c.assign({{"orders", 0, 0}}).ok());
    std::optional<Error> error;
    int errors = 0;
    auto start = Clock::now();
    while (Clock::now() - start < 2s) {
      PollResult r = c.poll(100ms);
      CHECK(r.records.empty());
      for (const auto& e : r.events)
        if (e.error) {
          if (!error) error = e.error;
          ++errors;
        }
    }
    REQUIRE(error.has_value());
    CHECK(error->code == kTopicAuthorizationFailed);
    CHECK(errors <= 20);
  }
  SUBCASE("commits and offset lookups of g1 are refused too") {
    Consumer c(with(bob(b), "group.id", "g1"));
    REQUIRE(c.assign({{"orders", 0, 0}}).ok());
    auto commit = c.commit({{"orders", 0, 1}});
    REQUIRE_FALSE(commit.ok());
    INFO(commit.error().message);
    CHECK(commit.error().code == kGroupAuthorizationFailed);
  }
}

TEST_CASE("authz: admin requests are authorized per topic and group; the super user may do all") {
  RunningBroker b(authz_broker_properties());
  create_topic(b, "orders");
  create_topic(b, "secret");
  Admin as_bob(bob(b));
  Admin as_admin(admin(b));

  auto created = as_bob.create_topics({NewTopic{.name = "bobs-topic", .partitions = 1}});
  REQUIRE_MESSAGE(created.ok(), why(created));
  REQUIRE(created->size() == 1);
  CHECK(created->front().error.code == kTopicAuthorizationFailed);

  auto deleted = as_bob.delete_topics({"orders"});
  REQUIRE_MESSAGE(deleted.ok(), why(deleted));
  CHECK(deleted->front().error.code == kTopicAuthorizationFailed);

  auto grown = as_bob.create_partitions({NewPartitions{"orders", 2}});
  REQUIRE_MESSAGE(grown.ok(), why(grown));
  CHECK(grown->front().error.code == kTopicAuthorizationFailed);

  // Every topic: bob sees only the one he may describe.
  auto listed = as_bob.describe_topics({});
  REQUIRE_MESSAGE(listed.ok(), why(listed));
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().name == "orders");
  // Named: the other is refused.
  auto named = as_bob.describe_topics({"secret"});
  if (named.ok()) {
    REQUIRE(named->size() == 1);
    CHECK(named->front().error.code == kTopicAuthorizationFailed);
  } else {
    CHECK(named.error().code == kTopicAuthorizationFailed);
  }

  // Partition and group APIs.
  auto listed_offsets = as_bob.list_offsets({{"orders", 0, offsets::end}});  // DESCRIBE: ok
  REQUIRE_MESSAGE(listed_offsets.ok(), why(listed_offsets));
  CHECK(listed_offsets->front().error.ok());
  auto records_deleted = as_bob.delete_records({{"orders", 0, offsets::end}});
  if (records_deleted.ok())
    CHECK(records_deleted->front().error.code == kTopicAuthorizationFailed);
  else
    CHECK(records_deleted.error().code == kTopicAuthorizationFailed);
  auto configs = as_bob.describe_configs({ConfigResource{ConfigResourceType::topic, "orders"}});
  REQUIRE_MESSAGE(configs.ok(), why(configs));
  CHECK(configs->front().error.code == kTopicAuthorizationFailed);
  auto group_offsets = as_bob.list_group_offsets("g1");
  if (group_offsets.ok())
    CHECK(
        (group_offsets->empty() || group_offsets->front().error.code == kGroupAuthorizationFailed));
  else
    CHECK(group_offsets.error().code == kGroupAuthorizationFailed);
  {
    // A group bob may not see, with offsets committed by admin: not listed for bob.
    Consumer c(with(admin(b), "group.id", "hidden"));
    REQUIRE(c.commit({{"orders", 0, 0}}).ok());
  }
  auto bobs_groups = as_bob.list_groups();
  REQUIRE_MESSAGE(bobs_groups.ok(), why(bobs_groups));
  for (const auto& g : *bobs_groups) CHECK(g.group_id != "hidden");
  auto admins_groups = as_admin.list_groups();
  REQUIRE_MESSAGE(admins_groups.ok(), why(admins_groups));
  CHECK(std::any_of(admins_groups->begin(), admins_groups->end(),
                    [](const GroupListing& g) { return g.group_id == "hidden"; }));

  auto groups_deleted = as_bob.delete_groups({"g1"});
  REQUIRE_MESSAGE(groups_deleted.ok(), why(groups_deleted));
  CHECK(groups_deleted->front().error.code == kGroupAuthorizationFailed);

  // The super user: everything.
  auto all = as_admin.describe_topics({});
  REQUIRE_MESSAGE(all.ok(), why(all));
  CHECK(all->size() == 2);
  auto admin_created = as_admin.create_topics({NewTopic{.name = "admins", .partitions = 1}});
  REQUIRE_MESSAGE(admin_created.ok(), why(admin_created));
  CHECK(admin_created->front().error.ok());
  auto admin_grown = as_admin.create_partitions({NewPartitions{"admins", 3}});
  REQUIRE_MESSAGE(admin_grown.ok(), why(admin_grown));
  CHECK(admin_grown->front().error.ok());
  {
    Producer p(with(admin(b), "linger.ms", "1"));
    auto reports = produce(p, "secret", 3, "admin-");
    for (const auto& d : reports) CHECK_MESSAGE(d.ok(), (d.ok() ? "" : d.error->message));
  }
  CHECK(consume_in_group(admin(b), "secret", "admins-group", 3).size() == 3);
  auto admin_deleted = as_admin.delete_topics({"admins"});
  REQUIRE_MESSAGE(admin_deleted.ok(), why(admin_deleted));
  CHECK(admin_deleted->front().error.ok());
}

TEST_CASE("authz: allow.everyone.if.no.acl.found opens the topics no rule names") {
  RunningBroker b(authz_broker_properties(true));
  create_topic(b, "orders");
  {
    Producer p(with(bob(b), "linger.ms", "1"));    // idempotent: some topic is writable
    auto reports = produce(p, "free", 3, "bob-");  // auto-created: CREATE is open too
    REQUIRE(reports.size() == 3);
    for (const auto& d : reports) CHECK_MESSAGE(d.ok(), (d.ok() ? "" : d.error->message));
  }
  CHECK(consume_in_group(bob(b), "free", "bobs-group", 3).size() == 3);
  // orders has rules: still refused.
  Producer p(with(with(bob(b), "enable.idempotence", "false"), "linger.ms", "1"));
  auto refused = produce(p, "orders", 1, "bob-");
  REQUIRE(refused.size() == 1);
  REQUIRE(refused.front().error.has_value());
  CHECK(refused.front().error->code == kTopicAuthorizationFailed);
}

TEST_CASE("authz: on an SSL listener the client certificate's subject is the principal") {
  broker::test::TempDir dir;
  tls::TestPki pki(dir.path);
  // Kafka's default principal builder: User:<subject DN in RFC 2253 form>; no certificate
  // (ssl.client.auth=requested lets such clients in) is User:ANONYMOUS.
  RunningBroker b({{"listeners", "SSL://127.0.0.1:0"},
                   {"ssl.certificate.location", pki.path("server.pem")},
                   {"ssl.key.location", pki.path("server.key")},
                   {"ssl.ca.location", pki.path("ca.pem")},
                   {"ssl.client.auth", "requested"},
                   {"authorizer.class.name", "kafka.security.authorizer.AclAuthorizer"},
                   {"acl.rules",
                    "User:CN=kafkit-client,O=kafkit test:topic:mtls:all;"
                    "User:ANONYMOUS:topic:mtls:describe"}});
  Config anonymous{{"bootstrap.servers", b.cluster->bootstrap_servers()},
                   {"security.protocol", "ssl"},
                   {"ssl.ca.location", pki.path("ca.pem")},
                   {"linger.ms", "1"}};
  Config with_cert = with(with(anonymous, "ssl.certificate.location", pki.path("client.pem")),
                          "ssl.key.location", pki.path("client.key"));
  {
    Producer p(with_cert);  // auto-creates the topic: `all` includes CREATE
    auto reports = produce(p, "mtls", 2, "cert-");
    REQUIRE(reports.size() == 2);
    for (const auto& d : reports) CHECK_MESSAGE(d.ok(), (d.ok() ? "" : d.error->message));
  }
  Producer p(with(anonymous, "enable.idempotence", "false"));
  auto refused = produce(p, "mtls", 1, "anonymous-");
  REQUIRE(refused.size() == 1);
  REQUIRE(refused.front().error.has_value());
  CHECK(refused.front().error->code == kTopicAuthorizationFailed);
}

}  // namespace kafkit::test
