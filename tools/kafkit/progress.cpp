#include "progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <ostream>
#include <string>

namespace kafkit::cli {
namespace {

std::string line(const char* verb, std::uint64_t messages, std::uint64_t bytes, double secs) {
  double rate = secs > 0 ? static_cast<double>(messages) / secs : 0;
  double mb = static_cast<double>(bytes) / 1e6;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s %llu messages (%.1f MB) in %.2f s: %.0f msgs/s, %.1f MB/s",
                verb, static_cast<unsigned long long>(messages), mb, secs, rate,
                secs > 0 ? mb / secs : 0);
  return buf;
}

}  // namespace

Progress::Progress(const char* verb, bool live, bool summary, std::ostream& out)
    : verb_(verb), live_(live), summary_(summary), out_(out) {}

bool Progress::stderr_is_tty() {
  return isatty(STDERR_FILENO) == 1;
}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::maybe_draw() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  drawn_ = true;
  // \r and erase-to-end keep it one line that rewrites itself.
  out_ << "\r\033[K" << line(verb_, messages_, bytes_, seconds()) << std::flush;
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (drawn_) out_ << "\r\033[K";
  if (summary_) out_ << "kafkit: " << line(verb_, messages_, bytes_, seconds()) << "\n";
  out_ << std::flush;
}

}  // namespace kafkit::cli
