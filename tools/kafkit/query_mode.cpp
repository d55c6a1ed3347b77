#include "modes.hpp"

namespace kafkit::cli {

int run_query(const CliOptions&) {
  throw UsageError("query mode is not written yet");
}

}  // namespace kafkit::cli
