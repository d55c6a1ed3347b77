// kafkit-fuzz: protocol fuzzing for Kafka brokers and clients (issue 9). See usage_text.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace kafkit::fuzz;
  if (argc < 2) return usage_error("missing mode");
  std::string mode = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (mode == "-h" || mode == "--help") {
    std::fputs(usage_text, stdout);
    return exit_clean;
  }
  if (mode == "broker") return broker_command(args);
  if (mode == "replay") return replay_command(args);
  if (mode == "proxy") return proxy_command(args);
  return usage_error("unknown mode '" + mode + "'");
}
