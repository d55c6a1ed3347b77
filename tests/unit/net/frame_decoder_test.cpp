#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "net/frame_decoder.hpp"

using kafkit::net::FrameDecoder;

namespace {

std::vector<std::byte> frame(const std::string& payload) {
  std::vector<std::byte> out;
  auto n = uint32_t(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::byte(n >> shift));
  for (char c : payload) out.push_back(std::byte(c));
  return out;
}

std::string text(const std::vector<std::byte>& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

TEST_CASE("frames fed one byte at a time come out whole and in order") {
  std::vector<std::byte> stream = frame("first");
  auto second = frame("");
  auto third = frame(std::string(300, 'x'));
  stream.insert(stream.end(), second.begin(), second.end());
  stream.insert(stream.end(), third.begin(), third.end());

  FrameDecoder d(1 << 20);
  std::vector<std::string> got;
  for (std::byte b : stream) {
    REQUIRE(d.feed(std::span(&b, 1)).ok());
    while (auto f = d.next()) got.push_back(text(*f));
  }
  REQUIRE(got.size() == 3);
  CHECK(got[0] == "first");
  CHECK(got[1].empty());
  CHECK(got[2] == std::string(300, 'x'));
  CHECK(d.buffered() == 0);
}

TEST_CASE("several frames in one chunk, and a partial one kept for later") {
  auto a = frame("a");
  auto b = frame("bb");
  std::vector<std::byte> chunk = a;
  chunk.insert(chunk.end(), b.begin(), b.end() - 1);
  FrameDecoder d(100);
  REQUIRE(d.feed(chunk).ok());
  auto f1 = d.next();
  REQUIRE(f1);
  CHECK(text(*f1) == "a");
  CHECK_FALSE(d.next());
  CHECK(d.buffered() == 5);
  REQUIRE(d.feed(std::span(b).last(1)).ok());
  auto f2 = d.next();
  REQUIRE(f2);
  CHECK(text(*f2) == "bb");
}

TEST_CASE("an oversized frame is refused from its size prefix, before its payload") {
  FrameDecoder d(1000);
  std::vector<std::byte> prefix = {std::byte{0x7f}, std::byte{0xff}, std::byte{0xff},
                                   std::byte{0xff}};
  auto r = d.feed(prefix);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "frame size 2147483647 exceeds the limit of 1000 bytes");
  CHECK(d.buffered() == 4);  // nothing reserved for the announced 2 GiB
  CHECK(d.failed());
  CHECK_FALSE(d.feed(frame("ok")).ok());  // the stream has lost its framing: stays failed
  CHECK_FALSE(d.next());
}

TEST_CASE("a negative size is an error, also when it follows a good frame in one chunk") {
  auto good = frame("hi");
  good.insert(good.end(), {std::byte{0xff}, std::byte{0xff}, std::byte{0xff}, std::byte{0xfe}});
  FrameDecoder d(100);
  REQUIRE(d.feed(std::span(good).first(6)).ok());
  // The bad prefix arrives behind an unread frame: it is found once that frame is taken.
  REQUIRE(d.feed(std::span(good).subspan(6)).ok());
  auto f = d.next();
  REQUIRE(f);
  CHECK(text(*f) == "hi");
  CHECK(d.failed());
  auto r = d.feed({});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "negative frame size -2");
}

TEST_CASE("prepare/commit receive in place: any chunking gives the frames feed() gives") {
  std::vector<std::byte> stream;
  std::vector<std::string> want;
  for (size_t len : {0u, 7u, 70000u, 3u, 2500000u, 1u}) {
    std::string payload(len, char('a' + len % 26));
    auto f = frame(payload);
    stream.insert(stream.end(), f.begin(), f.end());
    want.push_back(payload);
  }
  for (size_t chunk : {1u, 5u, 4096u, 65536u, 10000000u}) {
    CAPTURE(chunk);
    FrameDecoder d(4 << 20);
    std::vector<std::string> got;
    size_t pos = 0;
    while (pos < stream.size()) {
      auto room = d.prepare(chunk);
      REQUIRE(room.size() >= std::min<size_t>(chunk, 1));
      size_t n = std::min({chunk, room.size(), stream.size() - pos});
      std::copy_n(stream.begin() + std::ptrdiff_t(pos), n, room.begin());
      pos += n;
      REQUIRE(d.commit(n).ok());
      while (auto f = d.next()) got.push_back(text(*f));
    }
    CHECK(got == want);
    CHECK(d.buffered() == 0);
  }
}

TEST_CASE("prepare never reserves much more than a peer has sent") {
  FrameDecoder d(100 << 20);
  std::vector<std::byte> prefix = {std::byte{0x05}, std::byte{0}, std::byte{0}, std::byte{0}};
  auto room = d.prepare(4);
  std::copy(prefix.begin(), prefix.end(), room.begin());
  REQUIRE(d.commit(4).ok());  // announces an 80 MiB frame, sends nothing more
  CHECK(d.prepare(1).size() <= (2u << 20));
  // An oversized prefix still fails from the prefix alone.
  FrameDecoder small(1024);
  auto r2 = small.prepare(4);
  std::copy(prefix.begin(), prefix.end(), r2.begin());
  CHECK(!small.commit(4).ok());
  CHECK(small.failed());
}

TEST_CASE("a large frame that fills the buffer is handed out whole, and decoding goes on") {
  // The buffer itself becomes the frame (no copy): its bytes must be exactly the payload,
  // and the decoder must start afresh for the next frame.
  std::string big(3u << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = char('a' + i % 26);
  std::vector<std::byte> stream = frame(big);
  auto tail = frame("after");
  stream.insert(stream.end(), tail.begin(), tail.end());
  FrameDecoder d(8 << 20);
  std::vector<std::string> got;
  size_t pos = 0;
  while (pos < stream.size()) {
    auto room = d.prepare(65536);
    // Never past the big frame's end in one read, so it arrives alone in the buffer.
    size_t limit = pos < big.size() + 4 ? big.size() + 4 - pos : stream.size() - pos;
    size_t n = std::min(room.size(), limit);
    std::copy_n(stream.begin() + std::ptrdiff_t(pos), n, room.begin());
    pos += n;
    REQUIRE(d.commit(n).ok());
    while (auto f = d.next()) got.push_back(text(*f));
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0] == big);
  CHECK(got[1] == "after");
  CHECK(d.buffered() == 0);
}
