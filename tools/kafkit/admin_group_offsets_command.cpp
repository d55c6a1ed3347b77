// `kafkit group lag` and `kafkit group reset-offsets`: a group's committed offsets against
// the partitions' log ends, and moving them (as kafka-consumer-groups.sh --reset-offsets
// does: a dry run by default, --execute to commit, only while the group has no members).
#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "admin_commands.hpp"
#include "admin_support.hpp"
#include "table_printer.hpp"

namespace kafkit::cli {
namespace {

using json = nlohmann::ordered_json;

json offset_json(std::int64_t offset) {
  return offset < 0 ? json(nullptr) : json(offset);
}
std::string offset_text(std::int64_t offset) {
  return offset < 0 ? "-" : std::to_string(offset);
}

/// The group's description, or a thrown one-line error when Kafka refused it.
GroupDescription describe_group(const AdminArgs& a, Admin& admin, const std::string& group) {
  auto groups = take(a, admin.describe_groups({group}, a.timeout));
  if (groups.empty()) throw std::runtime_error(a.command + ": no answer for group '" + group + "'");
  if (!groups[0].error.ok())
    throw std::runtime_error(a.command + ": group '" + group + "': " + error_text(groups[0].error));
  return groups[0];
}

/// ListOffsets for every partition at `spec` (offsets::beginning, offsets::end or a time).
std::map<TopicPartition, PartitionOffset> offsets_at(const AdminArgs& a, Admin& admin,
                                                     const std::set<TopicPartition>& parts,
                                                     std::int64_t spec) {
  std::map<TopicPartition, PartitionOffset> out;
  if (parts.empty()) return out;
  std::vector<TopicPartitionOffset> query;
  for (const TopicPartition& tp : parts) query.push_back({tp.topic, tp.partition, spec});
  for (PartitionOffset& o : take(a, admin.list_offsets(query, a.timeout)))
    out[{o.topic, o.partition}] = std::move(o);
  return out;
}

/// The group's committed offsets, by partition (only partitions with a commit or an error).
std::map<TopicPartition, PartitionOffset> committed_offsets(
    const AdminArgs& a, Admin& admin, const std::string& group,
    const std::vector<TopicPartition>& parts = {}) {
  std::map<TopicPartition, PartitionOffset> out;
  for (PartitionOffset& o : take(a, admin.list_group_offsets(group, parts, a.timeout)))
    out[{o.topic, o.partition}] = std::move(o);
  return out;
}

// ---- lag ----

const char* const kLagHelp =
    "Usage: kafkit group lag GROUP\n"
    "Per partition the group committed or is assigned: the committed offset, the log end\n"
    "offset and the lag between them, the member that owns it, and the total lag.\n";

}  // namespace

int run_group_lag(const std::vector<std::string>& args) {
  AdminArgs a = parse_admin_args("group lag", args, {});
  if (show_help(a, kLagHelp)) return kOkExit;
  if (a.positional.size() != 1) throw UsageError("group lag: give exactly one GROUP");
  const std::string& group = a.positional[0];
  auto admin = make_admin(a);
  GroupDescription g = describe_group(a, *admin, group);
  auto committed = committed_offsets(a, *admin, group);

  std::map<TopicPartition, const GroupMemberDescription*> owner;
  std::set<TopicPartition> parts;
  for (const auto& [tp, o] : committed) parts.insert(tp);
  for (const GroupMemberDescription& m : g.members)
    for (const TopicPartition& tp : m.assignment) {
      parts.insert(tp);
      owner[tp] = &m;
    }
  if (parts.empty() && g.members.empty() && (g.state == "Dead" || g.state.empty()))
    throw std::runtime_error("group lag: consumer group '" + group + "' does not exist");
  // Every partition of the topics the group consumes, so a partition it never committed
  // shows (with an unknown lag) instead of hiding its backlog.
  std::set<std::string> topics;
  for (const TopicPartition& tp : parts) topics.insert(tp.topic);
  if (!topics.empty())
    for (const TopicDescription& d :
         take(a, admin->describe_topics({topics.begin(), topics.end()}, false, a.timeout)))
      for (const PartitionDescription& p : d.partitions) parts.insert({d.name, p.partition});
  auto ends = offsets_at(a, *admin, parts, offsets::end);

  bool failed = false;
  std::int64_t total = 0;
  json rows = json::array();
  Table t({"TOPIC", "PARTITION", "COMMITTED", "LOG-END", "LAG", "MEMBER-ID", "CLIENT-ID", "HOST",
           "ERROR"});
  t.hide_if_empty("ERROR");
  for (const TopicPartition& tp : parts) {
    std::int64_t done = -1, end = -1;
    ResourceError error;
    if (auto it = committed.find(tp); it != committed.end()) {
      done = it->second.offset;
      if (!it->second.error.ok()) error = it->second.error;
    }
    if (auto it = ends.find(tp); it != ends.end()) {
      end = it->second.offset;
      if (error.ok() && !it->second.error.ok()) error = it->second.error;
    }
    // Kafka's LAG: the log end minus the committed offset, unknown without a commit.
    std::int64_t lag = done >= 0 && end >= 0 ? std::max<std::int64_t>(0, end - done) : -1;
    if (lag > 0) total += lag;
    failed = failed || !error.ok();
    const GroupMemberDescription* m = owner.count(tp) ? owner[tp] : nullptr;
    rows.push_back({{"topic", tp.topic},
                    {"partition", tp.partition},
                    {"committed", offset_json(done)},
                    {"log_end_offset", offset_json(end)},
                    {"lag", offset_json(lag)},
                    {"member_id", m ? json(m->member_id) : json(nullptr)},
                    {"client_id", m ? json(m->client_id) : json(nullptr)},
                    {"host", m ? json(m->client_host) : json(nullptr)},
                    {"error", error_json(error)}});
    t.add({tp.topic, std::to_string(tp.partition), offset_text(done), offset_text(end),
           offset_text(lag), m ? m->member_id : "-", m ? m->client_id : "-",
           m ? m->client_host : "-", error.ok() ? "" : error_text(error)});
  }
  if (a.json) {
    print_json({{"group", group},
                {"state", g.state},
                {"members", g.members.size()},
                {"total_lag", total},
                {"partitions", rows}});
  } else {
    std::cout << "Group: " << group << "  State: " << g.state << "  Members: " << g.members.size()
              << "  Total lag: " << total << '\n';
    if (!parts.empty()) t.print(std::cout);
  }
  return failed ? kFailExit : kOkExit;
}

// ---- reset-offsets ----

namespace {

const char* const kResetHelp =
    "Usage: kafkit group reset-offsets GROUP (--topic T [--partition P]... | --all-topics)\n"
    "         (--to-earliest | --to-latest | --to-offset N | --to-datetime ISO8601 |\n"
    "          --shift-by N) [--execute]\n"
    "Shows where the group's committed offsets would move (a dry run); --execute commits\n"
    "them, which Kafka allows only while the group has no active members. Offsets are\n"
    "kept within each partition's earliest and log end offsets. --to-datetime takes\n"
    "YYYY-MM-DDTHH:MM[:SS[.mmm]] with Z or +HH:MM (UTC when no zone is given) and picks\n"
    "the first offset at or after it (the log end when none). --topic may be repeated;\n"
    "--partition applies to a single --topic.\n";

struct Plan {
  TopicPartition tp;
  std::int64_t current = -1;
  std::int64_t target = -1;
  ResourceError error;
};

}  // namespace

int run_group_reset_offsets(const std::vector<std::string>& args) {
  static constexpr OptionSpec kOptions[] = {
      {"topic", true},      {"partition", true}, {"all-topics", false}, {"to-earliest", false},
      {"to-latest", false}, {"to-offset", true}, {"to-datetime", true}, {"shift-by", true},
      {"execute", false},   {"dry-run", false}};
  AdminArgs a = parse_admin_args("group reset-offsets", args, kOptions);
  if (show_help(a, kResetHelp)) return kOkExit;
  if (a.positional.size() != 1) throw UsageError("group reset-offsets: give exactly one GROUP");
  const std::string& group = a.positional[0];

  int specs = int(a.has("to-earliest")) + int(a.has("to-latest")) +
              int(bool(a.value("to-offset"))) + int(bool(a.value("to-datetime"))) +
              int(bool(a.value("shift-by")));
  if (specs != 1)
    throw UsageError(
        "group reset-offsets: give exactly one of --to-earliest, --to-latest, --to-offset, "
        "--to-datetime, --shift-by");
  std::vector<std::string> topics = a.all("topic");
  if (topics.empty() == !a.has("all-topics"))
    throw UsageError("group reset-offsets: give --topic T (repeatable) or --all-topics");
  std::vector<std::int32_t> partition_filter;
  for (const std::string& p : a.all("partition")) {
    auto v = parse_int("--partition", p);
    if (v < 0 || v > INT32_MAX) throw UsageError("group reset-offsets: bad --partition " + p);
    partition_filter.push_back(static_cast<std::int32_t>(v));
  }
  if (!partition_filter.empty() && topics.size() != 1)
    throw UsageError("group reset-offsets: --partition needs exactly one --topic");
  std::optional<std::int64_t> to_offset, shift_by, at_time;
  if (auto v = a.value("to-offset")) {
    to_offset = parse_int("--to-offset", *v);
    if (*to_offset < 0) throw UsageError("group reset-offsets: --to-offset must be >= 0");
  }
  if (auto v = a.value("shift-by")) shift_by = parse_int("--shift-by", *v);
  if (auto v = a.value("to-datetime")) {
    at_time = parse_iso8601_ms(*v);
    if (!at_time)
      throw UsageError("group reset-offsets: --to-datetime: '" + *v +
                       "' is not YYYY-MM-DDTHH:MM[:SS[.mmm]][Z|+HH:MM]");
  }
  bool execute = a.has("execute");
  if (execute && a.has("dry-run"))
    throw UsageError("group reset-offsets: --execute and --dry-run exclude each other");

  auto admin = make_admin(a);
  GroupDescription g = describe_group(a, *admin, group);
  if (!g.members.empty()) {
    std::string why = "group '" + group + "' is " + g.state + " with " +
                      std::to_string(g.members.size()) +
                      " active member(s); offsets can be reset only while it has none "
                      "(stop its consumers first)";
    if (execute) throw std::runtime_error("group reset-offsets: " + why);
    std::cerr << "kafkit: warning: " << why << "\n";
  }

  // The partitions to move.
  std::set<TopicPartition> parts;
  if (a.has("all-topics")) {
    for (const auto& [tp, o] : committed_offsets(a, *admin, group)) parts.insert(tp);
  } else if (!partition_filter.empty()) {
    for (std::int32_t p : partition_filter) parts.insert({topics[0], p});
  } else {
    for (const TopicDescription& d : take(a, admin->describe_topics(topics, false, a.timeout))) {
      if (!d.error.ok())
        throw std::runtime_error("group reset-offsets: topic '" + d.name +
                                 "': " + error_text(d.error));
      for (const PartitionDescription& p : d.partitions) parts.insert({d.name, p.partition});
    }
  }
  if (parts.empty())
    throw std::runtime_error("group reset-offsets: group '" + group +
                             "' has no committed offsets to reset");

  auto committed =
      committed_offsets(a, *admin, group, std::vector<TopicPartition>(parts.begin(), parts.end()));
  auto earliest = offsets_at(a, *admin, parts, offsets::beginning);
  auto latest = offsets_at(a, *admin, parts, offsets::end);
  std::map<TopicPartition, PartitionOffset> by_time;
  if (at_time) by_time = offsets_at(a, *admin, parts, *at_time);

  std::vector<Plan> plan;
  for (const TopicPartition& tp : parts) {
    Plan p;
    p.tp = tp;
    if (auto it = committed.find(tp); it != committed.end()) p.current = it->second.offset;
    const PartitionOffset& lo = earliest[tp];
    const PartitionOffset& hi = latest[tp];
    if (!lo.error.ok() || !hi.error.ok()) {
      p.error = lo.error.ok() ? hi.error : lo.error;
    } else if (a.has("to-earliest")) {
      p.target = lo.offset;
    } else if (a.has("to-latest")) {
      p.target = hi.offset;
    } else if (to_offset) {
      p.target = std::clamp(*to_offset, lo.offset, hi.offset);
    } else if (shift_by) {
      if (p.current < 0)
        p.error = {errc::invalid_argument, "no committed offset to shift"};
      else
        p.target = std::clamp(p.current + *shift_by, lo.offset, hi.offset);
    } else {
      const PartitionOffset& t = by_time[tp];
      if (!t.error.ok())
        p.error = t.error;
      else
        p.target = t.offset < 0 ? hi.offset : t.offset;  // none at or after: the log end
    }
    plan.push_back(std::move(p));
  }

  if (execute) {
    std::vector<TopicPartitionOffset> commit;
    for (const Plan& p : plan)
      if (p.error.ok()) commit.push_back({p.tp.topic, p.tp.partition, p.target});
    if (!commit.empty())
      for (const PartitionOffset& r : take(a, admin->alter_group_offsets(group, commit, a.timeout)))
        for (Plan& p : plan)
          if (p.tp.topic == r.topic && p.tp.partition == r.partition && !r.error.ok())
            p.error = r.error;
  }

  bool failed = false;
  json rows = json::array();
  Table t({"TOPIC", "PARTITION", "CURRENT", "NEW", "RESULT"});
  for (const Plan& p : plan) {
    failed = failed || !p.error.ok();
    rows.push_back({{"topic", p.tp.topic},
                    {"partition", p.tp.partition},
                    {"current", offset_json(p.current)},
                    {"new", p.error.ok() ? offset_json(p.target) : json(nullptr)},
                    {"error", error_json(p.error)}});
    std::string result = !p.error.ok() ? error_text(p.error) : execute ? "reset" : "planned";
    t.add({p.tp.topic, std::to_string(p.tp.partition), offset_text(p.current),
           p.error.ok() ? std::to_string(p.target) : "-", result});
  }
  if (a.json)
    print_json({{"group", group}, {"executed", execute}, {"partitions", rows}});
  else
    t.print(std::cout);
  if (!execute)
    std::cerr << "kafkit: dry run: nothing was committed; add --execute to reset the offsets\n";
  return failed ? kFailExit : kOkExit;
}

}  // namespace kafkit::cli
