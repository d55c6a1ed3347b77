#include "message_reader.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace kafkit::cli {
namespace {

/// Every message `MessageReader` splits `input` into, reading `chunk` bytes at a time from
/// a pipe; also checks each read_batch() call hands out at least one message.
std::vector<std::string> split_all(const std::string& input, const std::string& delimiter,
                                   std::size_t chunk = MessageReader::kDefaultChunk) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  // A writer thread: inputs may be larger than the pipe's buffer.
  std::thread writer([&input, fd = fds[1]] {
    std::size_t off = 0;
    while (off < input.size()) {
      ssize_t n = ::write(fd, input.data() + off, input.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  std::vector<std::string> out;
  MessageReader reader(fds[0], delimiter, chunk);
  std::vector<std::string_view> batch;
  for (;;) {
    batch.clear();
    auto more = reader.read_batch(batch);
    REQUIRE(more.ok());
    if (!*more) {
      CHECK(batch.empty());
      break;
    }
    CHECK_FALSE(batch.empty());
    for (auto m : batch) out.emplace_back(m);
  }
  writer.join();
  ::close(fds[0]);
  return out;
}

/// The reference: split at every non-overlapping occurrence, left to right; the bytes
/// after the last delimiter are a message when there are any.
std::vector<std::string> naive_split(const std::string& input, const std::string& delimiter) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  for (;;) {
    std::size_t pos = input.find(delimiter, begin);
    if (pos == std::string::npos) break;
    out.push_back(input.substr(begin, pos - begin));
    begin = pos + delimiter.size();
  }
  if (begin < input.size()) out.push_back(input.substr(begin));
  return out;
}

using Messages = std::vector<std::string>;

}  // namespace

TEST_CASE("message reader: lines, with and without a trailing delimiter (as kcat)") {
  CHECK(split_all("a\nb\n", "\n") == Messages{"a", "b"});
  CHECK(split_all("a\nb", "\n") == Messages{"a", "b"});
  CHECK(split_all("", "\n") == Messages{});
  CHECK(split_all("only", "\n") == Messages{"only"});
}

TEST_CASE("message reader: empty messages are returned (the producer skips them)") {
  CHECK(split_all("a\n\nb\n", "\n") == Messages{"a", "", "b"});
  CHECK(split_all("\n", "\n") == Messages{""});
  CHECK(split_all("\n\n", "\n") == Messages{"", ""});
  CHECK(split_all("::x::::", "::") == Messages{"", "x", ""});
}

TEST_CASE("message reader: multi-byte delimiters, leftmost match first") {
  CHECK(split_all("a::b::c", "::") == Messages{"a", "b", "c"});
  CHECK(split_all("a:b::c:", "::") == Messages{"a:b", "c:"});
  // "aa" in "xaaay": the first occurrence wins, the rest is the next message (kcat's scan
  // finds the same one).
  CHECK(split_all("xaaay", "aa") == Messages{"x", "ay"});
  CHECK(split_all("one<END>two<END>", "<END>") == Messages{"one", "two"});
  CHECK(split_all("a\r\nb\r\n\r\n", "\r\n") == Messages{"a", "b", ""});
}

TEST_CASE("message reader: a delimiter split across reads is still found") {
  const std::string input = "ab\r\ncd\r\nef\r\n\r\ng";
  for (std::size_t chunk = 1; chunk <= input.size() + 1; ++chunk) {
    CAPTURE(chunk);
    CHECK(split_all(input, "\r\n", chunk) == Messages{"ab", "cd", "ef", "", "g"});
  }
  const std::string long_delim = "x<SEP>y<SEP><SEP>z<SE";
  for (std::size_t chunk = 1; chunk <= 8; ++chunk) {
    CAPTURE(chunk);
    CHECK(split_all(long_delim, "<SEP>", chunk) == Messages{"x", "y", "", "z<SE"});
  }
}

TEST_CASE("message reader: messages longer than a chunk grow the buffer") {
  std::string big(100000, 'q');
  std::string input = big + "\n" + "short\n" + big;
  CHECK(split_all(input, "\n", 16) == Messages{big, "short", big});
  CHECK(split_all(big + "||" + big, "||", 7) == Messages{big, big});
}

TEST_CASE("message reader: a million short lines, every one returned in order") {
  std::string input;
  for (int i = 0; i < 1000000; ++i) input += "line " + std::to_string(i) + "\n";
  auto got = split_all(input, "\n", 1 << 16);
  REQUIRE(got.size() == 1000000);
  CHECK(got.front() == "line 0");
  CHECK(got[123456] == "line 123456");
  CHECK(got.back() == "line 999999");
}

TEST_CASE("message reader: random input, delimiters and chunk sizes agree with a plain split") {
  std::mt19937 rng(42);
  const std::string alphabet = "ab:\n";
  for (int round = 0; round < 400; ++round) {
    std::string input(rng() % 60, ' ');
    for (auto& c : input) c = alphabet[rng() % alphabet.size()];
    std::string delimiter(1 + rng() % 3, ' ');
    for (auto& c : delimiter) c = alphabet[rng() % alphabet.size()];
    std::size_t chunk = 1 + rng() % 9;
    CAPTURE(input);
    CAPTURE(delimiter);
    CAPTURE(chunk);
    CHECK(split_all(input, delimiter, chunk) == naive_split(input, delimiter));
  }
}

TEST_CASE("message reader: -l reads one file like stdin") {
  char path[] = "/tmp/kafkit-message-reader-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  std::string content = "k1:v1\nk2:v2\nlast";
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  ::close(fd);
  fd = ::open(path, O_RDONLY);
  REQUIRE(fd >= 0);
  MessageReader reader(fd, "\n", 4);
  std::vector<std::string_view> batch;
  Messages got;
  for (;;) {
    batch.clear();
    auto more = reader.read_batch(batch);
    REQUIRE(more.ok());
    if (!*more) break;
    for (auto m : batch) got.emplace_back(m);
  }
  ::close(fd);
  ::unlink(path);
  CHECK(got == Messages{"k1:v1", "k2:v2", "last"});
}

TEST_CASE("message reader: a mapped file splits as a pipe does, at every chunk size") {
  char path[] = "/tmp/kafkit-message-reader-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  std::string content = "ab\r\ncd\r\n\r\nlong " + std::string(5000, 'z') + "\r\nend\r";
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  for (std::size_t chunk : {1, 2, 3, 7, 64, 1 << 20}) {
    CAPTURE(chunk);
    REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
    MessageReader reader(fd, "\r\n", chunk);
    std::vector<std::string_view> batch;
    Messages got;
    for (;;) {
      batch.clear();
      auto more = reader.read_batch(batch);
      REQUIRE(more.ok());
      if (!*more) break;
      CHECK_FALSE(batch.empty());
      for (auto m : batch) got.emplace_back(m);
    }
    CHECK(got == naive_split(content, "\r\n"));
  }
  ::close(fd);
  ::unlink(path);
}

TEST_CASE("message reader: a read error is an error, not the end of input") {
  MessageReader reader(-1, "\n");
  std::vector<std::string_view> batch;
  auto r = reader.read_batch(batch);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("cannot read input") != std::string::npos);
}

TEST_CASE("message reader: an empty delimiter is refused") {
  CHECK_THROWS_AS(MessageReader(0, ""), std::invalid_argument);
}

TEST_CASE("split_key: the first key delimiter splits key from value") {
  auto kv = split_key("k:v", ":");
  CHECK(kv.key == std::optional<std::string_view>("k"));
  CHECK(kv.value == "v");
  kv = split_key("a:b:c", ":");
  CHECK(kv.key == std::optional<std::string_view>("a"));
  CHECK(kv.value == "b:c");
  kv = split_key("nokey", ":");
  CHECK_FALSE(kv.key);
  CHECK(kv.value == "nokey");
  kv = split_key(":v", ":");
  CHECK(kv.key == std::optional<std::string_view>(""));
  CHECK(kv.value == "v");
  kv = split_key("k:", ":");
  CHECK(kv.key == std::optional<std::string_view>("k"));
  CHECK(kv.value == "");
  kv = split_key("user=>{\"a\":1}", "=>");
  CHECK(kv.key == std::optional<std::string_view>("user"));
  CHECK(kv.value == "{\"a\":1}");
  kv = split_key("a=b", "=>");
  CHECK_FALSE(kv.key);
}

}  // namespace kafkit::cli
