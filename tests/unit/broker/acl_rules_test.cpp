// Simple authorization (issue 8): the acl.rules / super.users parsers, the broker
// properties that turn the authorizer on, and the decision Kafka's AclAuthorizer makes.
#include <doctest/doctest.h>

#include <string>

#include "broker/authz/acl_rules.hpp"
#include "broker/broker_config.hpp"

namespace kafkit::broker::authz {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

AuthzConfig config_with(const std::string& rules, const std::string& super_users = "") {
  AuthzConfig c;
  c.enabled = true;
  auto parsed = parse_acl_rules(rules);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error().message);
  c.rules = *parsed;
  auto su = parse_super_users(super_users);
  REQUIRE(su.ok());
  c.super_users = *su;
  return c;
}

}  // namespace

TEST_CASE("acl.rules: literal, prefixed and wildcard names, several operations") {
  auto rules = parse_acl_rules(
      "User:alice:topic:orders:read,write; User:bob:group:app-*:READ;"
      "User:*:topic:public.*:describe;User:carol:topic:*:All;User:ops:cluster:kafka-cluster:"
      "describe-configs,AlterConfigs,idempotent_write;");
  REQUIRE_MESSAGE(rules.ok(), rules.error().message);
  REQUIRE(rules->size() == 5);
  const AclRule& alice = (*rules)[0];
  CHECK(alice.principal == "User:alice");
  CHECK(alice.type == ResourceType::topic);
  CHECK(alice.name == "orders");
  CHECK_FALSE(alice.prefixed);
  REQUIRE(alice.operations.size() == 2);
  CHECK(alice.operations[0] == Operation::read);
  CHECK(alice.operations[1] == Operation::write);
  const AclRule& bob = (*rules)[1];
  CHECK(bob.type == ResourceType::group);
  CHECK(bob.name == "app-");
  CHECK(bob.prefixed);
  CHECK(bob.operations.front() == Operation::read);
  CHECK((*rules)[2].principal == "User:*");
  CHECK((*rules)[2].name == "public.");
  CHECK((*rules)[3].name.empty());
  CHECK((*rules)[3].prefixed);
  CHECK((*rules)[3].operations.front() == Operation::all);
  const AclRule& ops = (*rules)[4];
  CHECK(ops.type == ResourceType::cluster);
  REQUIRE(ops.operations.size() == 3);
  CHECK(ops.operations[0] == Operation::describe_configs);
  CHECK(ops.operations[1] == Operation::alter_configs);
  CHECK(ops.operations[2] == Operation::idempotent_write);
  CHECK(parse_acl_rules("")->empty());
}

TEST_CASE("acl.rules: a certificate subject as the principal") {
  auto rules = parse_acl_rules("User:CN=client,O=Example Corp:topic:t:write,read");
  REQUIRE(rules.ok());
  CHECK(rules->front().principal == "User:CN=client,O=Example Corp");
  CHECK(rules->front().operations.size() == 2);
}

TEST_CASE("acl.rules: a group name may contain ':'") {
  auto rules = parse_acl_rules("User:alice:group:team:orders:read");
  REQUIRE(rules.ok());
  CHECK(rules->front().name == "team:orders");
}

TEST_CASE("acl.rules: malformed entries are refused with a message naming the entry") {
  for (const char* bad :
       {"User:alice:topic:orders", "alice:topic:orders:read", "User::topic:orders:read",
        "User:alice:queue:orders:read", "User:alice:topic:orders:fly", "User:alice:topic::read",
        "User:alice:topic:or*ders:read", "User:alice:cluster:other:alter",
        "User:alice:topic:orders:read,"}) {
    CAPTURE(bad);
    auto r = parse_acl_rules(std::string("User:ok:topic:t:read;") + bad);
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().message, "acl.rules"));
    CHECK(contains(r.error().message, bad));
  }
}

TEST_CASE("super.users: Kafka's User:a;User:b format") {
  auto users = parse_super_users("User:alice; User:bob");
  REQUIRE(users.ok());
  REQUIRE(users->size() == 2);
  CHECK((*users)[1] == "User:bob");
  CHECK_FALSE(parse_super_users("alice").ok());
  CHECK_FALSE(parse_super_users("User:*").ok());
  CHECK(contains(parse_super_users("User:a,User:b").error().message, "super.users"));
  auto dn = parse_super_users("User:CN=admin,O=Example");
  REQUIRE(dn.ok());
  CHECK(dn->front() == "User:CN=admin,O=Example");
}

TEST_CASE("broker properties: the authorizer is off unless enabled; errors name the property") {
  auto off = BrokerConfig::from_properties({});
  REQUIRE(off.ok());
  CHECK_FALSE(off->authz.enabled);
  CHECK(authorize(off->authz, "User:ANONYMOUS", Operation::write, ResourceType::topic, "t"));

  auto on = BrokerConfig::from_properties({{"authorizer.enabled", "true"},
                                           {"super.users", "User:admin"},
                                           {"allow.everyone.if.no.acl.found", "true"},
                                           {"acl.rules", "User:alice:topic:orders:write"}});
  REQUIRE_MESSAGE(on.ok(), on.error().message);
  CHECK(on->authz.enabled);
  CHECK(on->authz.allow_everyone_if_no_acl_found);
  CHECK(on->authz.super_users.size() == 1);
  CHECK(on->authz.rules.size() == 1);

  auto by_class = BrokerConfig::from_properties(
      {{"authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"}});
  REQUIRE(by_class.ok());
  CHECK(by_class->authz.enabled);
  CHECK_FALSE(BrokerConfig::from_properties({{"authorizer.class.name", ""}})->authz.enabled);

  auto bad_bool = BrokerConfig::from_properties({{"authorizer.enabled", "maybe"}});
  REQUIRE_FALSE(bad_bool.ok());
  CHECK(contains(bad_bool.error().message, "authorizer.enabled"));
  auto bad_rule = BrokerConfig::from_properties({{"acl.rules", "User:a:topic:t:jump"}});
  REQUIRE_FALSE(bad_rule.ok());
  CHECK(contains(bad_rule.error().message, "acl.rules"));
  CHECK(contains(bad_rule.error().message, "jump"));
}

TEST_CASE("authorize: rules per principal, resource, name pattern and operation") {
  AuthzConfig c = config_with(
      "User:alice:topic:orders:read,write;User:alice:group:g1:read;"
      "User:bob:topic:orders:describe;User:bob:group:app-*:read;"
      "User:*:topic:public.*:describe;User:carol:topic:*:all",
      "User:admin");
  SUBCASE("a literal rule grants its operations on that name only") {
    CHECK(authorize(c, "User:alice", Operation::write, ResourceType::topic, "orders"));
    CHECK(authorize(c, "User:alice", Operation::read, ResourceType::topic, "orders"));
    CHECK_FALSE(authorize(c, "User:alice", Operation::write, ResourceType::topic, "orders2"));
    CHECK_FALSE(authorize(c, "User:alice", Operation::del, ResourceType::topic, "orders"));
    CHECK_FALSE(authorize(c, "User:alice", Operation::create, ResourceType::topic, "orders"));
    CHECK(authorize(c, "User:alice", Operation::read, ResourceType::group, "g1"));
    CHECK_FALSE(authorize(c, "User:alice", Operation::read, ResourceType::group, "g2"));
  }
  SUBCASE("read, write, delete and alter imply describe; describe implies nothing") {
    CHECK(authorize(c, "User:alice", Operation::describe, ResourceType::topic, "orders"));
    CHECK(authorize(c, "User:alice", Operation::describe, ResourceType::group, "g1"));
    CHECK(authorize(c, "User:bob", Operation::describe, ResourceType::topic, "orders"));
    CHECK_FALSE(authorize(c, "User:bob", Operation::write, ResourceType::topic, "orders"));
    CHECK_FALSE(authorize(c, "User:bob", Operation::read, ResourceType::topic, "orders"));
    CHECK_FALSE(
        authorize(c, "User:bob", Operation::describe_configs, ResourceType::topic, "orders"));
  }
  SUBCASE("the rule's resource type must match") {
    CHECK_FALSE(authorize(c, "User:alice", Operation::read, ResourceType::group, "orders"));
    CHECK_FALSE(authorize(c, "User:alice", Operation::read, ResourceType::topic, "g1"));
  }
  SUBCASE("prefixed names and User:*") {
    CHECK(authorize(c, "User:bob", Operation::read, ResourceType::group, "app-1"));
    CHECK(authorize(c, "User:bob", Operation::read, ResourceType::group, "app-"));
    CHECK_FALSE(authorize(c, "User:bob", Operation::read, ResourceType::group, "app"));
    CHECK(authorize(c, "User:anyone", Operation::describe, ResourceType::topic, "public.x"));
    CHECK(authorize(c, "User:ANONYMOUS", Operation::describe, ResourceType::topic, "public.x"));
    CHECK_FALSE(authorize(c, "User:anyone", Operation::read, ResourceType::topic, "public.x"));
  }
  SUBCASE("`*` names every resource of the type; all grants every operation") {
    CHECK(authorize(c, "User:carol", Operation::del, ResourceType::topic, "anything"));
    CHECK(authorize(c, "User:carol", Operation::alter_configs, ResourceType::topic, "x"));
    CHECK_FALSE(authorize(c, "User:carol", Operation::read, ResourceType::group, "g1"));
  }
  SUBCASE("super users may do everything, on every resource type") {
    CHECK(authorize(c, "User:admin", Operation::del, ResourceType::topic, "orders"));
    CHECK(authorize(c, "User:admin", Operation::read, ResourceType::group, "nobody's"));
    CHECK(authorize(c, "User:admin", Operation::alter, ResourceType::cluster, kClusterName));
    CHECK_FALSE(authorize(c, "User:admin2", Operation::read, ResourceType::topic, "x"));
  }
  SUBCASE("nothing is allowed without a rule, by default") {
    CHECK_FALSE(authorize(c, "User:alice", Operation::describe, ResourceType::topic, "free"));
    CHECK_FALSE(authorize(c, "User:ANONYMOUS", Operation::read, ResourceType::topic, "orders"));
  }
}

TEST_CASE("authorize: alter_configs implies describe_configs") {
  AuthzConfig c = config_with("User:a:topic:t:alter_configs;User:a:cluster:*:alter_configs");
  CHECK(authorize(c, "User:a", Operation::describe_configs, ResourceType::topic, "t"));
  CHECK_FALSE(authorize(c, "User:a", Operation::describe, ResourceType::topic, "t"));
  CHECK(authorize(c, "User:a", Operation::describe_configs, ResourceType::cluster, kClusterName));
}

TEST_CASE("authorize: allow.everyone.if.no.acl.found opens only resources no rule names") {
  AuthzConfig c = config_with("User:alice:topic:orders:write;User:alice:topic:app-*:read");
  c.allow_everyone_if_no_acl_found = true;
  CHECK(authorize(c, "User:bob", Operation::write, ResourceType::topic, "free"));
  CHECK(authorize(c, "User:bob", Operation::read, ResourceType::group, "any-group"));
  // A rule for someone else names the resource: no longer open.
  CHECK_FALSE(authorize(c, "User:bob", Operation::write, ResourceType::topic, "orders"));
  CHECK_FALSE(authorize(c, "User:bob", Operation::describe, ResourceType::topic, "app-1"));
  CHECK(authorize(c, "User:alice", Operation::write, ResourceType::topic, "orders"));
  c.allow_everyone_if_no_acl_found = false;
  CHECK_FALSE(authorize(c, "User:bob", Operation::write, ResourceType::topic, "free"));
}

TEST_CASE("may_write_any_topic: KIP-679 idempotent producers") {
  AuthzConfig c = config_with(
      "User:alice:topic:orders:write;User:bob:topic:orders:describe;User:carol:topic:*:all;"
      "User:dave:cluster:kafka-cluster:idempotent_write",
      "User:admin");
  CHECK(may_write_any_topic(c, "User:alice"));
  CHECK_FALSE(may_write_any_topic(c, "User:bob"));
  CHECK(may_write_any_topic(c, "User:carol"));
  CHECK(may_write_any_topic(c, "User:dave"));
  CHECK(may_write_any_topic(c, "User:admin"));
  CHECK_FALSE(may_write_any_topic(c, "User:ANONYMOUS"));
  c.enabled = false;
  CHECK(may_write_any_topic(c, "User:bob"));
}

TEST_CASE("principal_of: User:<name>, User:ANONYMOUS without authentication") {
  CHECK(principal_of("alice") == "User:alice");
  CHECK(principal_of("CN=client,O=Example") == "User:CN=client,O=Example");
  CHECK(principal_of("") == "User:ANONYMOUS");
}

}  // namespace kafkit::broker::authz
