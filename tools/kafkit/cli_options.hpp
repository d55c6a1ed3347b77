#pragma once
// The command line of `kafkit` in its kcat-compatible form: the same modes and flags as
// kcat 1.7 (so a kcat user does not relearn anything), plus kafkit's own long options.
// Parsing only: no I/O, so every flag and every bad input is unit-tested.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kafkit/config.hpp"

namespace kafkit::cli {

/// Bad command-line input; main() prints "kafkit: <what>" and exits with kUsageExit.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Exit codes: kcat's 0/1, plus 2 for input kafkit refused before doing anything.
inline constexpr int kOkExit = 0;
inline constexpr int kFailExit = 1;
inline constexpr int kUsageExit = 2;

enum class Mode { none, produce, consume, group, list, query };

/// How binary keys, values and header values are shown and read (`--encoding`).
enum class Encoding { none, base64, hex };

struct CliOptions {
  Mode mode = Mode::none;
  std::string group;                         // -G <group-id>
  std::vector<std::string> topics;           // -t (repeatable; -Q's are "t:p:ts")
  std::optional<std::int32_t> partition;     // -p (-1: random partitioner when producing)
  Config config;                             // -b, -F files, then -X prop=val, in order
  bool list_properties = false;              // -X list
  bool dump_config = false;                  // -X dump
  std::string delimiter = "\n";              // -D, escapes already decoded
  std::optional<std::string> key_delimiter;  // -K, escapes already decoded
  std::optional<std::string> fixed_key;      // -k (producer)
  std::vector<std::pair<std::string, std::string>> headers;  // -H name=value
  std::optional<std::string> compression;                    // -z
  bool file_mode = false;                                    // -l
  bool tee = false;                                          // -T
  std::optional<std::int64_t> count;                         // -c
  bool null_empty = false;                                   // -Z
  std::optional<std::string> offset;        // -o, raw (parse_start_offset reads it)
  std::vector<std::string> offsets;         // every -o in order (s@ and e@ combine)
  bool exit_at_end = false;                 // -e
  std::optional<std::string> format;        // -f, raw (escapes are the formatter's)
  bool json = false;                        // -J
  std::optional<std::string> key_serdes;    // -s key=... or -s ...
  std::optional<std::string> value_serdes;  // -s value=... or -s ...
  bool print_offset = false;                // -O
  bool unbuffered = false;                  // -u
  bool exit_on_error = true;                // -E turns it off
  int verbosity = 1;                        // -q: 0, each -v: +1
  std::int64_t metadata_timeout_ms = 5000;  // -m <seconds>
  std::optional<int> playground_nodes;      // -M <N>
  Encoding encoding = Encoding::none;       // --encoding base64|hex
  bool progress = true;                     // --no-progress turns it off
  std::vector<std::string> operands;        // files (-P) or topics (-G)
  bool show_version = false;                // -V
  bool show_help = false;                   // -h
};

/// Parses kcat-style arguments (argv[0] excluded). Throws UsageError naming the flag.
/// KCAT_CONFIG / $HOME/.config/kcat.conf are not read: kafkit reads only what it is told.
CliOptions parse_cli(const std::vector<std::string>& args);

/// Decodes kcat's delimiter escapes \n \r \t \\ and \xNN; other escapes stay as written.
/// Throws UsageError on a \x without hex digits.
std::string decode_escapes(const std::string& text);

/// The usage text `-h` prints.
const char* usage_text() noexcept;

}  // namespace kafkit::cli
