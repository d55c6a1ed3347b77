#include "modes.hpp"

namespace kafkit::cli {

int run_consume(const CliOptions&) {
  throw UsageError("consume mode is not written yet");
}

}  // namespace kafkit::cli
