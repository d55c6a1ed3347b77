#include "stdout_sink.hpp"

#include <unistd.h>

#include <cerrno>

namespace kafkit::cli {

StdoutSink::StdoutSink(bool unbuffered) : unbuffered_(unbuffered) {
  buffer_.reserve(kFlushAt + 64 * 1024);
}

StdoutSink::~StdoutSink() {
  flush();
}

bool StdoutSink::flush() {
  if (failed_) {
    buffer_.clear();
    return false;
  }
  size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(STDOUT_FILENO, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      break;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return !failed_;
}

}  // namespace kafkit::cli
