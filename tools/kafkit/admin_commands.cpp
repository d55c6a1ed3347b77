// `kafkit topic|group|config ...`: picks the subcommand family.
#include "admin_commands.hpp"

#include <iostream>

#include "modes.hpp"

namespace kafkit::cli {

const char* const kAdminCommonHelp =
    "Common options:\n"
    "  -b BROKERS          bootstrap brokers (host:port,...)\n"
    "  -X PROP=VALUE       client property (as for kcat; kafkit -X list)\n"
    "  -F FILE             read client properties from FILE\n"
    "  -m, --timeout SECS  give up after SECS seconds (default 10)\n"
    "  --json              print one JSON document instead of tables\n"
    "  -h, --help          this help\n"
    "Exit code: 0 when everything succeeded, 1 when a call or any resource failed,\n"
    "2 for bad arguments.\n";

namespace {

const char* const kAdminHelp =
    "Usage: kafkit topic|group|config SUBCOMMAND [options]\n"
    "  kafkit topic create|delete|describe|list\n"
    "  kafkit group list|describe|lag|reset-offsets|delete\n"
    "  kafkit config get|set\n"
    "kafkit FAMILY SUBCOMMAND -h describes each.\n";

}  // namespace

bool is_admin_command(const std::string& word) {
  return word == "topic" || word == "group" || word == "config";
}

int run_admin_command(const std::vector<std::string>& args) {
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (rest.empty()) throw UsageError(args[0] + ": which subcommand? (kafkit " + args[0] + " -h)");
  if (rest[0] == "-h" || rest[0] == "--help") {
    std::cout << kAdminHelp;
    return kOkExit;
  }
  if (args[0] == "topic") return run_topic_command(rest);
  if (args[0] == "group") return run_group_command(rest);
  return run_config_command(rest);
}

}  // namespace kafkit::cli
