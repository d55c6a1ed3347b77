#include "modes.hpp"

namespace kafkit::cli {

int run_list(const CliOptions&) {
  throw UsageError("list mode is not written yet");
}

}  // namespace kafkit::cli
