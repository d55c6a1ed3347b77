// `kafkit topic create|delete|describe|list`.
#include <algorithm>
#include <iostream>

#include "admin_commands.hpp"
#include "admin_support.hpp"
#include "table_printer.hpp"

namespace kafkit::cli {
namespace {

constexpr int kUnsupportedVersion = 35;

using json = nlohmann::ordered_json;

/// The TOPIC/RESULT rows of create and delete.
int print_results(const AdminArgs& a, const std::vector<TopicResult>& results,
                  const char* done_word) {
  bool failed = false;
  for (const TopicResult& r : results) failed = failed || !r.error.ok();
  if (a.json) {
    json doc = json::array();
    for (const TopicResult& r : results)
      doc.push_back({{"topic", r.topic}, {"error", error_json(r.error)}});
    print_json(doc);
  } else {
    Table t({"TOPIC", "RESULT"});
    for (const TopicResult& r : results)
      t.add({r.topic, r.error.ok() ? done_word : error_text(r.error)});
    t.print(std::cout);
  }
  return failed ? kFailExit : kOkExit;
}

const char* const kCreateHelp =
    "Usage: kafkit topic create NAME... [--partitions N] [--replication-factor R]\n"
    "                           [--config KEY=VALUE]... [--validate-only]\n"
    "Creates topics; without --partitions / --replication-factor the broker's\n"
    "num.partitions and default.replication.factor apply.\n";

int create(const std::vector<std::string>& args) {
  static constexpr OptionSpec kOptions[] = {{"partitions", true},
                                            {"replication-factor", true},
                                            {"config", true},
                                            {"validate-only", false}};
  AdminArgs a = parse_admin_args("topic create", args, kOptions);
  if (show_help(a, kCreateHelp)) return kOkExit;
  if (a.positional.empty()) throw UsageError("topic create: give the topic NAME");
  std::vector<NewTopic> topics;
  for (const std::string& name : a.positional) {
    NewTopic t{name};
    if (auto p = a.value("partitions")) {
      t.partitions = static_cast<std::int32_t>(parse_int("--partitions", *p));
      if (t.partitions < 1) throw UsageError("topic create: --partitions must be at least 1");
    }
    if (auto r = a.value("replication-factor")) {
      auto rf = parse_int("--replication-factor", *r);
      if (rf < 1 || rf > 32767)
        throw UsageError("topic create: --replication-factor must be 1 to 32767");
      t.replication_factor = static_cast<std::int16_t>(rf);
    }
    for (const std::string& kv : a.all("config")) {
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("topic create: --config expects KEY=VALUE, got '" + kv + "'");
      t.configs[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    topics.push_back(std::move(t));
  }
  auto admin = make_admin(a);
  bool validate = a.has("validate-only");
  auto results = take(a, admin->create_topics(topics, validate, a.timeout));
  return print_results(a, results, validate ? "valid (not created)" : "created");
}

const char* const kDeleteHelp = "Usage: kafkit topic delete NAME...\nDeletes topics.\n";

int remove(const std::vector<std::string>& args) {
  AdminArgs a = parse_admin_args("topic delete", args, {});
  if (show_help(a, kDeleteHelp)) return kOkExit;
  if (a.positional.empty()) throw UsageError("topic delete: give at least one topic NAME");
  auto admin = make_admin(a);
  auto results = take(a, admin->delete_topics(a.positional, a.timeout));
  return print_results(a, results, "deleted");
}

/// The topic's own settings (ConfigSource TOPIC_CONFIG), as kafka-topics --describe lists.
std::vector<std::pair<std::string, std::string>> overrides(const TopicDescription& d) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ConfigEntry& c : d.configs)
    if (c.source == 1) out.emplace_back(c.name, c.value.value_or("<sensitive>"));
  return out;
}

std::size_t replication_factor(const TopicDescription& d) {
  return d.partitions.empty() ? 0 : d.partitions.front().replicas.size();
}

const char* const kDescribeHelp =
    "Usage: kafkit topic describe NAME...\n"
    "Partitions (leader, replicas, in-sync replicas) and the topic's own configs.\n";

int describe(const std::vector<std::string>& args) {
  AdminArgs a = parse_admin_args("topic describe", args, {});
  if (show_help(a, kDescribeHelp)) return kOkExit;
  if (a.positional.empty()) throw UsageError("topic describe: give at least one topic NAME");
  auto admin = make_admin(a);
  auto described = admin->describe_topics(a.positional, true, a.timeout);
  bool with_configs = true;
  if (!described.ok() && described.error().code == kUnsupportedVersion) {
    // A cluster without DescribeConfigs (librdkafka's mock): partitions still help.
    std::cerr << "kafkit: warning: " << described.error().message << "; configs not shown\n";
    with_configs = false;
    described = admin->describe_topics(a.positional, false, a.timeout);
  }
  auto topics = take(a, std::move(described));
  bool failed = false;
  json doc = json::array();
  for (std::size_t i = 0; i < topics.size(); ++i) {
    const TopicDescription& d = topics[i];
    failed = failed || !d.error.ok();
    for (const PartitionDescription& p : d.partitions) failed = failed || !p.error.ok();
    if (a.json) {
      json parts = json::array();
      for (const PartitionDescription& p : d.partitions)
        parts.push_back({{"partition", p.partition},
                         {"leader", p.leader},
                         {"replicas", p.replicas},
                         {"isr", p.isr},
                         {"error", error_json(p.error)}});
      json configs = json::object();
      for (const auto& [k, v] : overrides(d)) configs[k] = v;
      if (!with_configs) configs = nullptr;
      doc.push_back({{"topic", d.name},
                     {"error", error_json(d.error)},
                     {"internal", d.internal},
                     {"partition_count", d.partitions.size()},
                     {"replication_factor", replication_factor(d)},
                     {"partitions", parts},
                     {"configs", configs}});
      continue;
    }
    if (i > 0) std::cout << '\n';
    if (!d.error.ok()) {
      std::cout << "Topic: " << d.name << "  Error: " << error_text(d.error) << '\n';
      continue;
    }
    std::vector<std::string> cfg;
    for (const auto& [k, v] : overrides(d)) cfg.push_back(k + "=" + v);
    std::cout << "Topic: " << d.name << "  Partitions: " << d.partitions.size()
              << "  ReplicationFactor: " << replication_factor(d) << "  Configs: "
              << (!with_configs ? "?"
                  : cfg.empty() ? "-"
                                : join(cfg))
              << '\n';
    Table t({"PARTITION", "LEADER", "REPLICAS", "ISR", "ERROR"});
    t.hide_if_empty("ERROR");
    for (const PartitionDescription& p : d.partitions)
      t.add({std::to_string(p.partition), std::to_string(p.leader), join_ids(p.replicas),
             join_ids(p.isr), p.error.ok() ? "" : error_text(p.error)});
    t.print(std::cout);
  }
  if (a.json) print_json(doc);
  return failed ? kFailExit : kOkExit;
}

const char* const kListHelp =
    "Usage: kafkit topic list [--internal]\n"
    "Every topic with its partition count and replication factor (internal topics with\n"
    "--internal).\n";

int list(const std::vector<std::string>& args) {
  static constexpr OptionSpec kOptions[] = {{"internal", false}};
  AdminArgs a = parse_admin_args("topic list", args, kOptions);
  if (show_help(a, kListHelp)) return kOkExit;
  if (!a.positional.empty())
    throw UsageError("topic list: unexpected argument '" + a.positional[0] + "'");
  auto admin = make_admin(a);
  auto topics = take(a, admin->describe_topics({}, false, a.timeout));
  std::sort(topics.begin(), topics.end(),
            [](const TopicDescription& x, const TopicDescription& y) { return x.name < y.name; });
  json doc = json::array();
  Table t({"TOPIC", "PARTITIONS", "REPLICATION-FACTOR"});
  bool failed = false;
  for (const TopicDescription& d : topics) {
    if (d.internal && !a.has("internal")) continue;
    failed = failed || !d.error.ok();
    if (a.json) {
      doc.push_back({{"topic", d.name},
                     {"partitions", d.partitions.size()},
                     {"replication_factor", replication_factor(d)},
                     {"internal", d.internal},
                     {"error", error_json(d.error)}});
    } else if (!d.error.ok()) {
      t.add({d.name, "-", error_text(d.error)});
    } else {
      t.add({d.name, std::to_string(d.partitions.size()), std::to_string(replication_factor(d))});
    }
  }
  if (a.json)
    print_json(doc);
  else
    t.print(std::cout);
  return failed ? kFailExit : kOkExit;
}

const char* const kTopicHelp =
    "Usage: kafkit topic create|delete|describe|list [options]\n"
    "  create NAME... [--partitions N] [--replication-factor R] [--config K=V]...\n"
    "  delete NAME...\n"
    "  describe NAME...\n"
    "  list [--internal]\n";

}  // namespace

int run_topic_command(const std::vector<std::string>& args) {
  const std::string& sub = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "create") return create(rest);
  if (sub == "delete") return remove(rest);
  if (sub == "describe") return describe(rest);
  if (sub == "list") return list(rest);
  if (sub == "-h" || sub == "--help") {
    std::cout << kTopicHelp;
    return kOkExit;
  }
  throw UsageError("topic: unknown subcommand '" + sub +
                   "' (expected create, delete, describe or list)");
}

}  // namespace kafkit::cli
