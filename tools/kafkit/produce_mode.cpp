#include "modes.hpp"

namespace kafkit::cli {

int run_produce(const CliOptions&) {
  throw UsageError("produce mode is not written yet");
}

}  // namespace kafkit::cli
