#pragma once
// Splits a byte stream (stdin, or the one file of `-l`) into messages at a delimiter of
// any length (`-D`, default "\n"), reading in large chunks: the producer's input side,
// built to keep up with a million short lines a second.
//
// Messages are views into the reader's buffer, handed out a batch at a time, so a batch
// can go to Producer::send_batch() (which copies what it keeps) without a copy per line.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafkit/result.hpp"

namespace kafkit::cli {

class MessageReader {
 public:
  /// Reads `fd` (not closed here) in reads of up to `chunk_size` bytes. The buffer grows
  /// beyond that only for a message longer than a chunk.
  /// A regular file read from its start is mapped rather than read (no copy); the views
  /// then point into the mapping.
  MessageReader(int fd, std::string delimiter, std::size_t chunk_size = kDefaultChunk);
  ~MessageReader();
  MessageReader(const MessageReader&) = delete;
  MessageReader& operator=(const MessageReader&) = delete;

  /// Appends the next messages to `out`: every complete message the next read makes
  /// available (at least one unless the input ended), without their delimiters. At the
  /// end of input the bytes after the last delimiter are one last message if there are
  /// any (so "a\nb" and "a\nb\n" both give a and b, as kcat). Empty messages (two
  /// delimiters in a row) are returned as empty views: skipping them is the caller's
  /// choice. The views stay valid until the next call.
  /// Returns false once the input has ended and nothing was appended; an I/O error is an
  /// Error. A read interrupted by a signal returns true with what it has (possibly
  /// nothing), and interrupted() set.
  Result<bool> read_batch(std::vector<std::string_view>& out);

  /// True after a read_batch() that stopped because a signal interrupted read().
  bool interrupted() const noexcept { return interrupted_; }

  static constexpr std::size_t kDefaultChunk = std::size_t{1} << 20;

 private:
  void map_file();
  const char* data() const noexcept;
  /// Moves the unfinished message to the front and makes room for one more read.
  void make_room();
  /// Appends the complete messages in [begin_, end_) to `out`; returns how many.
  std::size_t split(std::vector<std::string_view>& out);

  int fd_;
  std::string delimiter_;
  std::size_t chunk_size_;
  std::vector<char> buffer_;      // what read() fills (unused when mapped)
  const char* mapped_ = nullptr;  // the whole input, when it is a mapped file
  std::size_t mapped_size_ = 0;
  std::size_t begin_ = 0;  // first byte of the message not yet returned
  std::size_t scan_ = 0;   // where the delimiter search resumes (nothing before it matches)
  std::size_t end_ = 0;    // end of the bytes read
  bool eof_ = false;
  bool interrupted_ = false;
};

/// One message split at the first key delimiter (`-K`): the key is what precedes it, the
/// value what follows. Without a delimiter in the message there is no key.
struct KeyValue {
  std::optional<std::string_view> key;
  std::string_view value;
};
KeyValue split_key(std::string_view message, std::string_view key_delimiter);

}  // namespace kafkit::cli
