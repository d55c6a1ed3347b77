#pragma once
// Command-line options of kafkit-fuzz's modes.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "wire_connection.hpp"

namespace kafkit::fuzz {

struct FuzzOptions {
  Endpoint broker;
  std::string broker_text;
  /// Where the liveness probe goes (--probe HOST:PORT; default: the fuzzed broker). A
  /// SASL listener can be fuzzed while a PLAINTEXT one of the same broker is probed.
  Endpoint probe;
  uint64_t seed = 1;
  std::optional<uint64_t> cases;
  std::optional<double> duration_s;
  std::string out_dir = "kafkit-fuzz-findings";
  std::chrono::milliseconds timeout{2000};
  /// A probe per case would halve the rate; every 10 cases costs ~10% and a crash is
  /// still caught at the next case (its connect is refused and probed at once).
  uint64_t probe_every = 10;
  /// replay: the finding file.
  std::string file;
};

/// `replay` takes one positional FILE; `broker` none. Errors are usage errors.
Result<FuzzOptions> parse_options(const std::vector<std::string>& args, bool replay);

}  // namespace kafkit::fuzz
