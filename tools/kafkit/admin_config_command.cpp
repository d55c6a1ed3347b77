// `kafkit config get|set topic|broker NAME ...`: DescribeConfigs and IncrementalAlterConfigs
// (KIP-339: only the named configs change; the others keep their values).
#include <algorithm>
#include <iostream>

#include "admin_commands.hpp"
#include "admin_support.hpp"
#include "table_printer.hpp"

namespace kafkit::cli {
namespace {

using json = nlohmann::ordered_json;

ConfigResource resource(const std::string& command, const std::vector<std::string>& positional) {
  if (positional.size() < 2)
    throw UsageError(command + ": give the resource type (topic or broker) and its NAME");
  const std::string& type = positional[0];
  if (type == "topic") return {ConfigResourceType::topic, positional[1]};
  if (type == "broker") return {ConfigResourceType::broker, positional[1]};
  throw UsageError(command + ": unknown resource type '" + type + "' (expected topic or broker)");
}

const char* type_name(ConfigResourceType t) {
  return t == ConfigResourceType::topic ? "topic" : "broker";
}

/// DescribeConfigs ConfigSource names, as Kafka's tools print them.
std::string source_name(std::int8_t source) {
  switch (source) {
    case 1:
      return "TOPIC_CONFIG";
    case 2:
      return "DYNAMIC_BROKER_CONFIG";
    case 3:
      return "DYNAMIC_DEFAULT_BROKER_CONFIG";
    case 4:
      return "STATIC_BROKER_CONFIG";
    case 5:
      return "DEFAULT_CONFIG";
    case 6:
      return "DYNAMIC_BROKER_LOGGER_CONFIG";
    default:
      return "UNKNOWN";
  }
}

const char* const kGetHelp =
    "Usage: kafkit config get topic|broker NAME [KEY...]\n"
    "Every config of a topic or a broker (NAME: its id), or only the KEYs, with its value\n"
    "and where the value comes from.\n";

int get(const std::vector<std::string>& args) {
  AdminArgs a = parse_admin_args("config get", args, {});
  if (show_help(a, kGetHelp)) return kOkExit;
  ConfigResource r = resource(a.command, a.positional);
  std::vector<std::string> keys(a.positional.begin() + 2, a.positional.end());
  auto admin = make_admin(a);
  auto results = take(a, admin->describe_configs({r}, a.timeout));
  if (results.empty()) throw std::runtime_error("config get: no answer for " + r.name);
  const ConfigResourceResult& res = results[0];
  std::vector<ConfigEntry> entries;
  for (const ConfigEntry& e : res.entries)
    if (keys.empty() || std::find(keys.begin(), keys.end(), e.name) != keys.end())
      entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const ConfigEntry& x, const ConfigEntry& y) { return x.name < y.name; });
  std::vector<std::string> missing;
  if (res.error.ok())
    for (const std::string& k : keys)
      if (std::none_of(entries.begin(), entries.end(),
                       [&](const ConfigEntry& e) { return e.name == k; }))
        missing.push_back(k);

  if (a.json) {
    json configs = json::array();
    for (const ConfigEntry& e : entries)
      configs.push_back({{"name", e.name},
                         {"value", e.value ? json(*e.value) : json(nullptr)},
                         {"source", source_name(e.source)},
                         {"read_only", e.read_only},
                         {"default", e.is_default},
                         {"sensitive", e.is_sensitive}});
    print_json({{"resource_type", type_name(r.type)},
                {"name", r.name},
                {"error", error_json(res.error)},
                {"configs", configs},
                {"missing", missing}});
  } else if (!res.error.ok()) {
    std::cerr << "kafkit: config get: " << type_name(r.type) << " '" << r.name
              << "': " << error_text(res.error) << "\n";
  } else {
    Table t({"NAME", "VALUE", "SOURCE", "READ-ONLY"});
    for (const ConfigEntry& e : entries)
      t.add({e.name, e.is_sensitive ? "<sensitive>" : e.value.value_or("<null>"),
             source_name(e.source), e.read_only ? "yes" : "no"});
    t.print(std::cout);
    for (const std::string& k : missing)
      std::cerr << "kafkit: config get: " << type_name(r.type) << " '" << r.name
                << "' has no config '" << k << "'\n";
  }
  return res.error.ok() && missing.empty() ? kOkExit : kFailExit;
}

const char* const kSetHelp =
    "Usage: kafkit config set topic|broker NAME [KEY=VALUE...] [--delete KEY]...\n"
    "                         [--append KEY=VALUE]... [--subtract KEY=VALUE]...\n"
    "                         [--validate-only]\n"
    "Changes only the configs named (IncrementalAlterConfigs): KEY=VALUE sets, --delete\n"
    "returns a config to its default, --append / --subtract add or remove items of a list\n"
    "config (cleanup.policy). --validate-only asks the broker to check without changing.\n";

std::pair<std::string, std::string> key_value(const std::string& what, const std::string& kv) {
  auto eq = kv.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("config set: " + what + " expects KEY=VALUE, got '" + kv + "'");
  return {kv.substr(0, eq), kv.substr(eq + 1)};
}

const char* op_name(AlterConfigOp op) {
  switch (op) {
    case AlterConfigOp::set:
      return "set";
    case AlterConfigOp::remove:
      return "delete";
    case AlterConfigOp::append:
      return "append";
    case AlterConfigOp::subtract:
      return "subtract";
  }
  return "";
}

int set(const std::vector<std::string>& args) {
  static constexpr OptionSpec kOptions[] = {
      {"delete", true}, {"append", true}, {"subtract", true}, {"validate-only", false}};
  AdminArgs a = parse_admin_args("config set", args, kOptions);
  if (show_help(a, kSetHelp)) return kOkExit;
  ConfigResource r = resource(a.command, a.positional);
  AlterConfigsRequest req{r, {}};
  for (size_t i = 2; i < a.positional.size(); ++i) {
    auto [k, v] = key_value("an operand", a.positional[i]);
    req.alterations.push_back({k, AlterConfigOp::set, v});
  }
  // Options are applied in the order of their kind; a key named twice is refused by Kafka.
  for (const std::string& k : a.all("delete"))
    req.alterations.push_back({k, AlterConfigOp::remove});
  for (const std::string& kv : a.all("append")) {
    auto [k, v] = key_value("--append", kv);
    req.alterations.push_back({k, AlterConfigOp::append, v});
  }
  for (const std::string& kv : a.all("subtract")) {
    auto [k, v] = key_value("--subtract", kv);
    req.alterations.push_back({k, AlterConfigOp::subtract, v});
  }
  if (req.alterations.empty())
    throw UsageError("config set: nothing to change (give KEY=VALUE or --delete KEY)");
  bool validate = a.has("validate-only");
  auto admin = make_admin(a);
  auto results = take(a, admin->incremental_alter_configs({req}, validate, a.timeout));
  if (results.empty()) throw std::runtime_error("config set: no answer for " + r.name);
  const ConfigResourceResult& res = results[0];

  std::vector<std::string> changes;
  json alterations = json::array();
  for (const ConfigAlteration& c : req.alterations) {
    alterations.push_back({{"name", c.name},
                           {"op", op_name(c.op)},
                           {"value", c.value ? json(*c.value) : json(nullptr)}});
    if (c.op == AlterConfigOp::set)
      changes.push_back(c.name + "=" + *c.value);
    else if (c.op == AlterConfigOp::remove)
      changes.push_back("deleted " + c.name);
    else
      changes.push_back(c.name + (c.op == AlterConfigOp::append ? "+=" : "-=") + *c.value);
  }
  if (a.json) {
    print_json({{"resource_type", type_name(r.type)},
                {"name", r.name},
                {"validate_only", validate},
                {"error", error_json(res.error)},
                {"alterations", alterations}});
  } else {
    Table t({"RESOURCE", "NAME", "CHANGES", "RESULT"});
    t.add(
        {type_name(r.type), r.name, join(changes, ", "),
         res.error.ok() ? (validate ? "valid (not applied)" : "updated") : error_text(res.error)});
    t.print(std::cout);
  }
  return res.error.ok() ? kOkExit : kFailExit;
}

const char* const kConfigHelp =
    "Usage: kafkit config get|set topic|broker NAME ...\n"
    "  get topic|broker NAME [KEY...]\n"
    "  set topic|broker NAME [KEY=VALUE...] [--delete KEY]... [--append KEY=VALUE]...\n"
    "      [--subtract KEY=VALUE]... [--validate-only]\n";

}  // namespace

int run_config_command(const std::vector<std::string>& args) {
  const std::string& sub = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "get") return get(rest);
  if (sub == "set") return set(rest);
  if (sub == "-h" || sub == "--help") {
    std::cout << kConfigHelp;
    return kOkExit;
  }
  throw UsageError("config: unknown subcommand '" + sub + "' (expected get or set)");
}

}  // namespace kafkit::cli
