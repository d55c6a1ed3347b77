#pragma once
// Turns captured request (and paired response) streams into one JSON object per frame.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "frame_splitter.hpp"
#include "protocol/types.hpp"

namespace kafkit::dump {

struct Options {
  bool reencode = false;  // check that encoding the decoded message gives the same bytes
};

struct RequestKey {
  int16_t api_key;
  int16_t api_version;
};

class Dumper {
 public:
  using Sink = std::function<void(const std::string& line)>;
  /// `out` gets one JSON line per frame, `err` each error, `warn` each oddity that a
  /// Kafka broker would tolerate.
  Dumper(Options opts, Sink out, Sink err, Sink warn)
      : opts_(opts), out_(std::move(out)), err_(std::move(err)), warn_(std::move(warn)) {}

  /// Prints every request frame; remembers each correlation id for dump_responses().
  void dump_requests(protocol::ByteView stream, const std::string& name);
  /// Prints every response frame, decoded with the API and version of its request.
  void dump_responses(protocol::ByteView stream, const std::string& name);
  /// Number of frames that could not be decoded (or re-encoded identically).
  size_t errors() const noexcept { return errors_; }
  size_t frames() const noexcept { return frames_; }

 private:
  static std::string where(const std::string& name, const Frame& f);
  void report(const std::string& name, const Frame& f, const std::string& what);
  Options opts_;
  Sink out_;
  Sink err_;
  Sink warn_;
  std::map<int32_t, RequestKey> pending_;
  size_t errors_ = 0;
  size_t frames_ = 0;
};

}  // namespace kafkit::dump
