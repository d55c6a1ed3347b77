#pragma once
// Which of the command line's properties each kafkit client gets. kcat hands every -X to
// librdkafka, which takes producer and consumer properties alike; kafkit's clients refuse
// names they do not know, so the CLI routes each property to the clients that know it and
// names any property no kafkit client knows.
#include <iosfwd>

#include "cli_options.hpp"
#include "kafkit/config.hpp"

namespace kafkit::cli {

enum class Role { producer, consumer, admin };

/// The options' properties that `role` knows. A property only another client knows is
/// left out with a warning on `warnings` (as librdkafka warns); one no client knows throws
/// UsageError naming it.
Config client_config(const CliOptions& options, Role role, std::ostream& warnings);

/// `-X list`: every property of every client, with its default and description.
void print_properties(std::ostream& out);

}  // namespace kafkit::cli
