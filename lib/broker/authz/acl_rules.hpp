#pragma once
// Simple authorization (issue 8): the ALLOW rules of the broker's properties and the
// decision Kafka's AclAuthorizer would make with them. Only ALLOW rules exist here (no
// DENY), which keeps the decision a plain "does any rule grant it".
//
// Properties (all optional; the authorizer is off unless enabled, and then every request is
// allowed, as before):
//   authorizer.enabled=true            turns it on. Kafka's `authorizer.class.name` is also
//                                      accepted: any non-empty class name turns it on (the
//                                      class itself is not loaded, this broker has one
//                                      built-in authorizer), empty turns it off.
//   super.users=User:alice;User:bob    principals allowed everything (Kafka's format).
//   allow.everyone.if.no.acl.found=false
//                                      when true, a resource that no rule names at all (any
//                                      principal, any operation) is open to everyone.
//   acl.rules=<rule>;<rule>;...        the ALLOW rules, one per `;`-separated entry:
//        <principal>:<resource type>:<resource name>:<operation>[,<operation>...]
//     principal      User:<name> (no `:` or `;` in the name), or User:* for everyone.
//                    A SASL connection (SASL_PLAINTEXT, SASL_SSL) is User:<SASL user>; an
//                    SSL connection with a client certificate is User:<subject DN in RFC
//                    2253 form> ("User:CN=client,O=Example"), as Kafka's default principal
//                    builder; any other connection is User:ANONYMOUS.
//     resource type  topic, group or cluster (case-insensitive).
//     resource name  a literal name; `*` for every resource of the type; or a prefix ending
//                    in `*` ("app-*" matches app-1 and app-x, Kafka's PREFIXED pattern). A
//                    cluster rule's name is `kafka-cluster` or `*`. A group name may contain
//                    `:` (the name is what lies between the type and the last `:`), not `;`.
//     operations     read, write, create, delete, alter, describe, describe_configs,
//                    alter_configs, idempotent_write, all (case-insensitive; `-` or no
//                    separator also accepted: describe-configs, DescribeConfigs).
//   e.g. acl.rules=User:alice:topic:orders:read,write;User:bob:group:app-*:read;
//                  User:*:topic:public.*:describe   (one line in the file)
//
// Decision (Kafka's AclAuthorizer, without DENY): a super user may do anything; otherwise
// an operation is allowed when a rule for the principal (or User:*) names the resource
// (literal, prefix or `*`) with that operation, with `all`, or with an operation implying
// it — read, write, delete and alter imply describe; alter_configs implies
// describe_configs. When no rule names the resource at all and
// allow.everyone.if.no.acl.found=true, it is allowed.
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace kafkit::broker::authz {

enum class ResourceType { topic, group, cluster };

enum class Operation {
  read,
  write,
  create,
  del,  // "delete"
  alter,
  describe,
  describe_configs,
  alter_configs,
  idempotent_write,
  all,
};

std::string_view name_of(ResourceType type) noexcept;
std::string_view name_of(Operation op) noexcept;

/// Kafka's name of a connection that did not authenticate.
inline constexpr std::string_view kAnonymous = "User:ANONYMOUS";
/// The one cluster resource's name in Kafka.
inline constexpr std::string_view kClusterName = "kafka-cluster";

struct AclRule {
  std::string principal;  // "User:alice" or "User:*"
  ResourceType type = ResourceType::topic;
  /// The literal name, the prefix (when `prefixed`), or empty with `prefixed` for `*`.
  std::string name;
  bool prefixed = false;
  std::vector<Operation> operations;

  /// The rule names `resource` of `type` (whoever it is for, whatever it allows).
  bool matches_resource(ResourceType t, std::string_view resource) const noexcept;
};

struct AuthzConfig {
  bool enabled = false;
  std::vector<std::string> super_users;  // "User:alice"
  bool allow_everyone_if_no_acl_found = false;
  std::vector<AclRule> rules;
};

/// The properties this file owns (authorizer.*, super.users, allow.everyone..., acl.rules).
bool is_authz_property(std::string_view key) noexcept;
/// Applies one of them to `config`; errors name the property and what is accepted.
Result<void> set_authz_property(AuthzConfig& config, std::string_view key, std::string_view value);

/// Parses an acl.rules value (empty: no rules).
Result<std::vector<AclRule>> parse_acl_rules(std::string_view text);
/// Parses a super.users value ("User:a;User:b").
Result<std::vector<std::string>> parse_super_users(std::string_view text);

/// The principal a connection acts as: "User:<name>" for an authenticated name,
/// User:ANONYMOUS for none.
std::string principal_of(std::string_view authenticated_name);

/// May `principal` ("User:...") perform `op` on the resource? Always true when disabled.
bool authorize(const AuthzConfig& config, std::string_view principal, Operation op,
               ResourceType type, std::string_view resource);

/// KIP-679: an idempotent producer (InitProducerId without a transactional id) needs
/// IDEMPOTENT_WRITE on the cluster, or WRITE on any topic. True when a rule grants the
/// principal write (or all) on some topic, or idempotent_write on the cluster, or the
/// principal is a super user, or allow.everyone.if.no.acl.found is on (then some topic
/// without rules can be written).
bool may_write_any_topic(const AuthzConfig& config, std::string_view principal);

}  // namespace kafkit::broker::authz
