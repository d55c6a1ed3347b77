#include "modes.hpp"

namespace kafkit::cli {

int run_playground(const CliOptions&) {
  throw UsageError("playground mode is not written yet");
}

}  // namespace kafkit::cli
