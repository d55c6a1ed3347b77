#pragma once
// The entry point of each `kafkit` mode; main() picks one from the parsed command line.
// Each returns the process exit code and reports failures as one line on stderr.
#include <string>
#include <vector>

#include "cli_options.hpp"

namespace kafkit::cli {

int run_produce(const CliOptions& options);     // -P
int run_consume(const CliOptions& options);     // -C and -G
int run_list(const CliOptions& options);        // -L
int run_query(const CliOptions& options);       // -Q
int run_playground(const CliOptions& options);  // -M N
/// `kafkit topic|group|config ...`: `args` starts at the subcommand's name.
int run_admin_command(const std::vector<std::string>& args);
/// True when `word` names an admin subcommand (so argv[1] is not a kcat flag).
bool is_admin_command(const std::string& word);

}  // namespace kafkit::cli
