#pragma once
// Consumed messages go to stdout through one large buffer written with write(2): far
// fewer system calls than a line-buffered stream (the issue asks `kafkit -C -e` to be at
// least twice as fast as kcat). `-u` writes every message as soon as it is formatted.
#include <string>

namespace kafkit::cli {

class StdoutSink {
 public:
  explicit StdoutSink(bool unbuffered);
  ~StdoutSink();  // flushes what is left
  StdoutSink(const StdoutSink&) = delete;
  StdoutSink& operator=(const StdoutSink&) = delete;

  /// Where the formatter appends the next message.
  std::string& buffer() noexcept { return buffer_; }
  /// After each message: writes when unbuffered or when the buffer is full.
  void message_done() {
    if (unbuffered_ || buffer_.size() >= kFlushAt) flush();
  }
  /// Writes the buffer out; false (and failed()) once a write failed, e.g. a closed pipe.
  bool flush();
  bool failed() const noexcept { return failed_; }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  std::string buffer_;
  bool unbuffered_;
  bool failed_ = false;
};

}  // namespace kafkit::cli
