#pragma once
// Live count and rate of a long produce or consume on stderr (only when stderr is a
// terminal, redrawn at most four times a second), and one summary line at the end.
#include <chrono>
#include <cstdint>
#include <iosfwd>

namespace kafkit::cli {

class Progress {
 public:
  /// `verb` is "produced" or "consumed". `live`: draw the live line (pass stderr_is_tty()
  /// && !--no-progress); `summary`: print the final line (verbosity > 0).
  Progress(const char* verb, bool live, bool summary, std::ostream& out);
  /// Counts one message of `bytes` (key + value) and redraws when it is time.
  void add(std::uint64_t bytes) {
    ++messages_;
    bytes_ += bytes;
    if (live_ && (messages_ & 1023) == 0) maybe_draw();
  }
  /// Clears the live line and prints the summary line (once).
  void finish();
  std::uint64_t messages() const noexcept { return messages_; }
  std::uint64_t bytes() const noexcept { return bytes_; }

  static bool stderr_is_tty();

 private:
  void maybe_draw();
  double seconds() const;

  const char* verb_;
  bool live_;
  bool summary_;
  std::ostream& out_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_ = start_;
  std::uint64_t messages_ = 0;
  std::uint64_t bytes_ = 0;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace kafkit::cli
