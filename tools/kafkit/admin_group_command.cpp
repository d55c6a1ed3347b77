// `kafkit group list|describe|delete` (lag and reset-offsets: admin_group_offsets_command.cpp).
#include <algorithm>
#include <iostream>
#include <map>

#include "admin_commands.hpp"
#include "admin_support.hpp"
#include "table_printer.hpp"

namespace kafkit::cli {
namespace {

using json = nlohmann::ordered_json;

const char* const kListHelp =
    "Usage: kafkit group list\nEvery consumer group of the cluster with its state.\n";

int list(const std::vector<std::string>& args) {
  AdminArgs a = parse_admin_args("group list", args, {});
  if (show_help(a, kListHelp)) return kOkExit;
  if (!a.positional.empty())
    throw UsageError("group list: unexpected argument '" + a.positional[0] + "'");
  auto admin = make_admin(a);
  auto groups = take(a, admin->list_groups(a.timeout));
  std::sort(groups.begin(), groups.end(),
            [](const GroupListing& x, const GroupListing& y) { return x.group_id < y.group_id; });
  if (a.json) {
    json doc = json::array();
    for (const GroupListing& g : groups)
      doc.push_back(
          {{"group", g.group_id}, {"state", g.state}, {"protocol_type", g.protocol_type}});
    print_json(doc);
    return kOkExit;
  }
  Table t({"GROUP", "STATE", "PROTOCOL-TYPE"});
  for (const GroupListing& g : groups)
    t.add({g.group_id, g.state.empty() ? "-" : g.state,
           g.protocol_type.empty() ? "-" : g.protocol_type});
  t.print(std::cout);
  return kOkExit;
}

/// "orders:0,1 audit:3": a member's assignment grouped by topic.
std::string assignment_text(const std::vector<TopicPartition>& tps) {
  std::map<std::string, std::vector<std::int32_t>> by_topic;
  for (const TopicPartition& tp : tps) by_topic[tp.topic].push_back(tp.partition);
  std::string out;
  for (auto& [topic, parts] : by_topic) {
    std::sort(parts.begin(), parts.end());
    out += (out.empty() ? "" : " ") + topic + ":" + join_ids(parts);
  }
  return out.empty() ? "-" : out;
}

const char* const kDescribeHelp =
    "Usage: kafkit group describe GROUP...\n"
    "State, protocol and members (client id, host, assigned partitions) of each group.\n";

int describe(const std::vector<std::string>& args) {
  AdminArgs a = parse_admin_args("group describe", args, {});
  if (show_help(a, kDescribeHelp)) return kOkExit;
  if (a.positional.empty()) throw UsageError("group describe: give at least one GROUP");
  auto admin = make_admin(a);
  auto groups = take(a, admin->describe_groups(a.positional, a.timeout));
  bool failed = false;
  json doc = json::array();
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const GroupDescription& g = groups[i];
    failed = failed || !g.error.ok();
    if (a.json) {
      json members = json::array();
      for (const GroupMemberDescription& m : g.members) {
        json assignment = json::array();
        for (const TopicPartition& tp : m.assignment)
          assignment.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
        members.push_back({{"member_id", m.member_id},
                           {"group_instance_id",
                            m.group_instance_id ? json(*m.group_instance_id) : json(nullptr)},
                           {"client_id", m.client_id},
                           {"host", m.client_host},
                           {"assignment", assignment}});
      }
      doc.push_back({{"group", g.group_id},
                     {"error", error_json(g.error)},
                     {"state", g.state},
                     {"protocol_type", g.protocol_type},
                     {"protocol", g.protocol},
                     {"members", members}});
      continue;
    }
    if (i > 0) std::cout << '\n';
    if (!g.error.ok()) {
      std::cout << "Group: " << g.group_id << "  Error: " << error_text(g.error) << '\n';
      continue;
    }
    std::cout << "Group: " << g.group_id << "  State: " << g.state
              << "  Protocol: " << (g.protocol.empty() ? "-" : g.protocol)
              << "  ProtocolType: " << (g.protocol_type.empty() ? "-" : g.protocol_type)
              << "  Members: " << g.members.size() << '\n';
    if (g.members.empty()) continue;
    Table t({"MEMBER-ID", "INSTANCE-ID", "CLIENT-ID", "HOST", "ASSIGNMENT"});
    for (const GroupMemberDescription& m : g.members)
      t.add({m.member_id, m.group_instance_id.value_or("-"), m.client_id, m.client_host,
             assignment_text(m.assignment)});
    t.print(std::cout);
  }
  if (a.json) print_json(doc);
  return failed ? kFailExit : kOkExit;
}

const char* const kDeleteHelp =
    "Usage: kafkit group delete GROUP...\n"
    "Deletes groups that have no active members, with their committed offsets.\n";

int remove(const std::vector<std::string>& args) {
  AdminArgs a = parse_admin_args("group delete", args, {});
  if (show_help(a, kDeleteHelp)) return kOkExit;
  if (a.positional.empty()) throw UsageError("group delete: give at least one GROUP");
  auto admin = make_admin(a);
  auto results = take(a, admin->delete_groups(a.positional, a.timeout));
  bool failed = false;
  json doc = json::array();
  Table t({"GROUP", "RESULT"});
  for (const GroupResult& r : results) {
    failed = failed || !r.error.ok();
    doc.push_back({{"group", r.group_id}, {"error", error_json(r.error)}});
    t.add({r.group_id, r.error.ok() ? "deleted" : error_text(r.error)});
  }
  if (a.json)
    print_json(doc);
  else
    t.print(std::cout);
  return failed ? kFailExit : kOkExit;
}

const char* const kGroupHelp =
    "Usage: kafkit group list|describe|lag|reset-offsets|delete [options]\n"
    "  list\n"
    "  describe GROUP...\n"
    "  lag GROUP\n"
    "  reset-offsets GROUP --topic T [--partition P] --to-earliest|--to-latest|\n"
    "                --to-offset N|--to-datetime ISO8601|--shift-by N [--execute]\n"
    "  delete GROUP...\n";

}  // namespace

int run_group_command(const std::vector<std::string>& args) {
  const std::string& sub = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "list") return list(rest);
  if (sub == "describe") return describe(rest);
  if (sub == "delete") return remove(rest);
  if (sub == "lag") return run_group_lag(rest);
  if (sub == "reset-offsets") return run_group_reset_offsets(rest);
  if (sub == "-h" || sub == "--help") {
    std::cout << kGroupHelp;
    return kOkExit;
  }
  throw UsageError("group: unknown subcommand '" + sub +
                   "' (expected list, describe, lag, reset-offsets or delete)");
}

}  // namespace kafkit::cli
