#pragma once
// What every admin subcommand (`kafkit topic|group|config ...`) shares: its argument parser
// (the kcat connection flags -b/-X/-F plus --json, -m/--timeout, -h and the subcommand's
// own long options), the Admin client built from them, and how per-resource errors are
// shown in tables and in JSON.
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_options.hpp"
#include "kafkit/admin.hpp"

namespace kafkit::cli {

/// One long option of a subcommand: `--name VALUE` (or `--name=VALUE`) when it takes a
/// value, else a flag. A value option may be repeated; every value is kept in order.
struct OptionSpec {
  std::string_view name;
  bool takes_value = false;
};

struct AdminArgs {
  std::string command;                  // "topic create", for messages
  std::vector<std::string> positional;  // operands after the subcommand
  std::map<std::string, std::vector<std::string>, std::less<>> values;
  std::set<std::string, std::less<>> flags;
  CliOptions connection;  // -b, -X and -F, in order, as parse_cli reads them
  bool json = false;
  bool help = false;
  std::chrono::milliseconds timeout{10000};  // -m SECONDS / --timeout SECONDS

  bool has(std::string_view flag) const { return flags.count(flag) != 0; }
  /// The last value of a value option, if given.
  std::optional<std::string> value(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
};

/// Parses `args` (the subcommand's arguments, after its name). Throws UsageError naming
/// the command and the bad argument.
AdminArgs parse_admin_args(const std::string& command, const std::vector<std::string>& args,
                           std::span<const OptionSpec> options);

/// Prints the subcommand's `usage` and the common options when -h was given; true if so.
bool show_help(const AdminArgs& args, const char* usage);

/// The Admin client for the parsed -b/-X/-F. Throws UsageError without brokers.
std::unique_ptr<Admin> make_admin(const AdminArgs& args);

/// Unwraps a whole-call result, or throws std::runtime_error "<command>: <what>" (main
/// prints it as one line and exits 1): unreachable brokers, timeouts.
template <class T>
T take(const AdminArgs& args, Result<T> r) {
  if (!r.ok()) throw std::runtime_error(args.command + ": " + r.error().message);
  return std::move(*r);
}

/// "OK", or the Kafka error's name and the broker's message.
std::string error_text(const ResourceError& e);
/// null, or {"code":N,"name":"..." (null for a local failure),"message":"..."}.
nlohmann::ordered_json error_json(const ResourceError& e);
/// The Kafka error's name (UNKNOWN_TOPIC_OR_PARTITION); "" for a local failure (errc).
std::string error_name(const ResourceError& e);

/// Milliseconds since the epoch of YYYY-MM-DDTHH:MM[:SS[.fraction]] followed by Z, +HH:MM,
/// -HH:MM, +HHMM or nothing (UTC); nullopt when malformed. A space may replace the T.
std::optional<std::int64_t> parse_iso8601_ms(const std::string& text);

/// Prints a JSON document on one line.
void print_json(const nlohmann::ordered_json& doc);

/// Parses a decimal integer operand; throws UsageError "<what>: '<text>' is not a number".
std::int64_t parse_int(const std::string& what, const std::string& text);

/// "a,b,c".
std::string join(const std::vector<std::string>& items, std::string_view sep = ",");
std::string join_ids(const std::vector<std::int32_t>& ids);

}  // namespace kafkit::cli
