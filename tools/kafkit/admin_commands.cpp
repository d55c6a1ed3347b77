#include "modes.hpp"

namespace kafkit::cli {

bool is_admin_command(const std::string& word) {
  return word == "topic" || word == "group" || word == "config";
}

int run_admin_command(const std::vector<std::string>& args) {
  throw UsageError(args[0] + ": admin subcommands are not written yet");
}

}  // namespace kafkit::cli
