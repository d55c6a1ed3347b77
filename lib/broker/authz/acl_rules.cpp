#include "broker/authz/acl_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/property_values.hpp"

namespace kafkit::broker::authz {
namespace {

struct OperationName {
  std::string_view name;
  Operation op;
};
constexpr std::array kOperations{
    OperationName{"read", Operation::read},
    OperationName{"write", Operation::write},
    OperationName{"create", Operation::create},
    OperationName{"delete", Operation::del},
    OperationName{"alter", Operation::alter},
    OperationName{"describe", Operation::describe},
    OperationName{"describe_configs", Operation::describe_configs},
    OperationName{"alter_configs", Operation::alter_configs},
    OperationName{"idempotent_write", Operation::idempotent_write},
    OperationName{"all", Operation::all},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Lower case without `_` and `-`: "DescribeConfigs", "describe-configs" and
// "describe_configs" are one operation.
std::string fold(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_' && c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = text.find(sep);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

Error bad_rule(std::string_view rule, std::string_view why) {
  return Error{errc::invalid_argument,
               "invalid acl.rules entry \"" + std::string(rule) + "\": " + std::string(why) +
                   " (expected User:<name>:<topic|group|cluster>:<name, prefix* or *>:"
                   "<operation>[,<operation>...])"};
}

// "User:<name>" with a non-empty name without `:` or `;` (a `,` is fine: certificate
// subjects are "CN=client,O=Example").
bool valid_principal(std::string_view p) {
  if (!p.starts_with("User:")) return false;
  std::string_view name = p.substr(5);
  return !name.empty() && name.find_first_of(":;") == std::string_view::npos;
}

Result<AclRule> parse_rule(std::string_view text) {
  // <User>:<name>:<type>:<resource...>:<ops>; the resource may itself contain ':'.
  size_t first = text.find(':');
  size_t second = first == std::string_view::npos ? first : text.find(':', first + 1);
  size_t third = second == std::string_view::npos ? second : text.find(':', second + 1);
  size_t last = text.rfind(':');
  if (third == std::string_view::npos || last <= third)
    return bad_rule(text, "too few `:`-separated fields");
  AclRule rule;
  rule.principal = std::string(trim(text.substr(0, second)));
  if (!valid_principal(rule.principal))
    return bad_rule(text, "the principal must be User:<name> or User:*");
  std::string type = fold(trim(text.substr(second + 1, third - second - 1)));
  if (type == "topic") {
    rule.type = ResourceType::topic;
  } else if (type == "group") {
    rule.type = ResourceType::group;
  } else if (type == "cluster") {
    rule.type = ResourceType::cluster;
  } else {
    return bad_rule(text, "the resource type must be topic, group or cluster");
  }
  std::string_view name = trim(text.substr(third + 1, last - third - 1));
  if (name.empty()) return bad_rule(text, "empty resource name");
  if (name.back() == '*') {
    rule.prefixed = true;
    name.remove_suffix(1);
  }
  if (name.find('*') != std::string_view::npos)
    return bad_rule(text, "`*` may only end a resource name");
  if (rule.type == ResourceType::cluster && !(rule.prefixed && name.empty()) &&
      (rule.prefixed || name != kClusterName))
    return bad_rule(text, "a cluster rule names kafka-cluster or *");
  rule.name = std::string(name);
  for (std::string_view op_text : split(text.substr(last + 1), ',')) {
    std::string op = fold(trim(op_text));
    auto found = std::find_if(kOperations.begin(), kOperations.end(),
                              [&](const OperationName& o) { return fold(o.name) == op; });
    if (found == kOperations.end())
      return bad_rule(text, "unknown operation \"" + std::string(trim(op_text)) +
                                "\" (read, write, create, delete, alter, describe, "
                                "describe_configs, alter_configs, idempotent_write or all)");
    rule.operations.push_back(found->op);
  }
  return rule;
}

// Kafka's implied operations (AclEntry.supportedOperations / AuthorizerUtils): DESCRIBE is
// granted by READ, WRITE, DELETE and ALTER; DESCRIBE_CONFIGS by ALTER_CONFIGS.
bool grants(Operation granted, Operation wanted) {
  if (granted == Operation::all || granted == wanted) return true;
  if (wanted == Operation::describe)
    return granted == Operation::read || granted == Operation::write || granted == Operation::del ||
           granted == Operation::alter;
  if (wanted == Operation::describe_configs) return granted == Operation::alter_configs;
  return false;
}

bool for_principal(const AclRule& rule, std::string_view principal) {
  return rule.principal == "User:*" || rule.principal == principal;
}

bool is_super_user(const AuthzConfig& config, std::string_view principal) {
  return std::find(config.super_users.begin(), config.super_users.end(), principal) !=
         config.super_users.end();
}

}  // namespace

std::string_view name_of(ResourceType type) noexcept {
  switch (type) {
    case ResourceType::topic:
      return "topic";
    case ResourceType::group:
      return "group";
    case ResourceType::cluster:
      return "cluster";
  }
  return "?";
}

std::string_view name_of(Operation op) noexcept {
  for (const auto& o : kOperations)
    if (o.op == op) return o.name;
  return "?";
}

bool AclRule::matches_resource(ResourceType t, std::string_view resource) const noexcept {
  if (t != type) return false;
  return prefixed ? resource.starts_with(name) : resource == name;
}

bool is_authz_property(std::string_view key) noexcept {
  return key == "authorizer.enabled" || key == "authorizer.class.name" || key == "super.users" ||
         key == "allow.everyone.if.no.acl.found" || key == "acl.rules";
}

Result<void> set_authz_property(AuthzConfig& config, std::string_view key, std::string_view value) {
  if (key == "authorizer.enabled" || key == "allow.everyone.if.no.acl.found") {
    auto v = parse_bool_property(key, value);
    if (!v) return v.error();
    (key == "authorizer.enabled" ? config.enabled : config.allow_everyone_if_no_acl_found) = *v;
  } else if (key == "authorizer.class.name") {
    // Kafka loads the named class; this broker has one built-in authorizer, which any
    // class name (kafka.security.authorizer.AclAuthorizer, StandardAuthorizer) turns on.
    config.enabled = !trim(value).empty();
  } else if (key == "super.users") {
    auto users = parse_super_users(value);
    if (!users) return users.error();
    config.super_users = std::move(*users);
  } else if (key == "acl.rules") {
    auto rules = parse_acl_rules(value);
    if (!rules) return rules.error();
    config.rules = std::move(*rules);
  } else {
    return Error{errc::invalid_argument, "unknown broker property \"" + std::string(key) + "\""};
  }
  return {};
}

Result<std::vector<AclRule>> parse_acl_rules(std::string_view text) {
  std::vector<AclRule> rules;
  for (std::string_view entry : split(text, ';')) {
    entry = trim(entry);
    if (entry.empty()) continue;  // "a;b;" and an empty value
    auto rule = parse_rule(entry);
    if (!rule) return rule.error();
    rules.push_back(std::move(*rule));
  }
  return rules;
}

Result<std::vector<std::string>> parse_super_users(std::string_view text) {
  std::vector<std::string> users;
  for (std::string_view entry : split(text, ';')) {
    entry = trim(entry);
    if (entry.empty()) continue;
    if (!valid_principal(entry) || entry == "User:*")
      return bad_property_value("super.users", text, "User:<name>;User:<name>...");
    users.emplace_back(entry);
  }
  return users;
}

std::string principal_of(std::string_view authenticated_name) {
  if (authenticated_name.empty()) return std::string(kAnonymous);
  return "User:" + std::string(authenticated_name);
}

bool authorize(const AuthzConfig& config, std::string_view principal, Operation op,
               ResourceType type, std::string_view resource) {
  if (!config.enabled || is_super_user(config, principal)) return true;
  bool named = false;
  for (const AclRule& rule : config.rules) {
    if (!rule.matches_resource(type, resource)) continue;
    named = true;
    if (!for_principal(rule, principal)) continue;
    for (Operation granted : rule.operations)
      if (grants(granted, op)) return true;
  }
  return !named && config.allow_everyone_if_no_acl_found;
}

bool may_write_any_topic(const AuthzConfig& config, std::string_view principal) {
  if (!config.enabled || is_super_user(config, principal) || config.allow_everyone_if_no_acl_found)
    return true;
  for (const AclRule& rule : config.rules) {
    if (!for_principal(rule, principal)) continue;
    for (Operation granted : rule.operations) {
      if (rule.type == ResourceType::topic && grants(granted, Operation::write)) return true;
      if (rule.type == ResourceType::cluster && grants(granted, Operation::idempotent_write))
        return true;
    }
  }
  return false;
}

}  // namespace kafkit::broker::authz
