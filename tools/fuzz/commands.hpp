#pragma once
// kafkit-fuzz's modes. Each returns the process exit status: 0 = no findings (or the broker
// survived a replay), 1 = findings (or it did not), 2 = usage error. `proxy` returns 0
// when stopped by a signal or --duration.
#include <string>
#include <vector>

namespace kafkit::fuzz {

inline constexpr int exit_clean = 0;
inline constexpr int exit_findings = 1;
inline constexpr int exit_usage = 2;

int broker_command(const std::vector<std::string>& args);
int replay_command(const std::vector<std::string>& args);
/// Runs until SIGINT/SIGTERM or --duration; exit_clean unless the options are wrong.
int proxy_command(const std::vector<std::string>& args);

/// Prints `message` and the usage text on stderr; returns exit_usage.
int usage_error(const std::string& message);
extern const char* const usage_text;

}  // namespace kafkit::fuzz
