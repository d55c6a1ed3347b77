#pragma once
// The admin subcommand families; each takes its arguments after the family's name
// ("create NAME ..." for `kafkit topic create NAME ...`) and returns the exit code: 0 when
// every resource succeeded, 1 when Kafka refused any of them (each failure is shown in
// its own row and in --json), and throws UsageError for bad input.
#include <string>
#include <vector>

namespace kafkit::cli {

int run_topic_command(const std::vector<std::string>& args);
int run_group_command(const std::vector<std::string>& args);
int run_config_command(const std::vector<std::string>& args);
/// `kafkit group reset-offsets ...` (admin_group_offsets_command.cpp).
int run_group_reset_offsets(const std::vector<std::string>& args);
/// `kafkit group lag ...` (admin_group_offsets_command.cpp).
int run_group_lag(const std::vector<std::string>& args);

/// The common options every admin subcommand's -h lists.
extern const char* const kAdminCommonHelp;

}  // namespace kafkit::cli
