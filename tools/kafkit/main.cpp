// kafkit: a kcat-compatible command-line client (produce, consume, balanced consumer,
// metadata, offset queries), admin subcommands, and a one-command playground broker.
#include <unistd.h>

#include <iostream>
#include <stdexcept>

#include "cli_options.hpp"
#include "client_config.hpp"
#include "kafkit/version.hpp"
#include "modes.hpp"

namespace {

using namespace kafkit::cli;

int dispatch(const std::vector<std::string>& args) {
  if (!args.empty() && is_admin_command(args[0])) return run_admin_command(args);
  CliOptions o = parse_cli(args);
  if (o.show_help) {
    std::cout << usage_text();
    return kOkExit;
  }
  if (o.show_version) {
    std::cout << "kafkit " << kafkit::version_string << "\n";
    return kOkExit;
  }
  if (o.list_properties) {
    print_properties(std::cout);
    return kOkExit;
  }
  if (o.dump_config) {
    for (const auto& [name, value] : o.config.entries())
      std::cout << name << " = " << value << "\n";
    return kOkExit;
  }
  if (o.playground_nodes) return run_playground(o);
  // kcat's default: consume from a terminal, produce from a pipe.
  if (o.mode == Mode::none) o.mode = isatty(STDIN_FILENO) ? Mode::consume : Mode::produce;
  if (!o.config.get("bootstrap.servers"))
    throw UsageError("no brokers: give -b host:port (or bootstrap.servers in -F/-X)");
  switch (o.mode) {
    case Mode::produce:
      return run_produce(o);
    case Mode::consume:
    case Mode::group:
      return run_consume(o);
    case Mode::list:
      return run_list(o);
    case Mode::query:
      return run_query(o);
    case Mode::none:
      break;
  }
  return kUsageExit;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return dispatch(args);
  } catch (const UsageError& e) {
    std::cerr << "kafkit: " << e.what() << "\n";
    return kUsageExit;
  } catch (const std::invalid_argument& e) {
    // A client refused its configuration; the message names the property.
    std::cerr << "kafkit: " << e.what() << "\n";
    return kUsageExit;
  } catch (const std::exception& e) {
    std::cerr << "kafkit: " << e.what() << "\n";
    return kFailExit;
  }
}
