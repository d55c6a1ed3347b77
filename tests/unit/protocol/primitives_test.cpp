// Byte-level checks of the hand-written primitives against values computed from the
// protocol rules (zigzag + LEB128, INT16/INT32 and compact N+1 length prefixes).
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/reader.hpp"
#include "protocol/writer.hpp"

using namespace kafkit::protocol;

namespace {
Bytes hex(std::string_view h) {
  Bytes out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(std::byte(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}
template <class F>
Bytes written(F&& f) {
  Bytes b;
  Writer w(b);
  f(w);
  return b;
}
}  // namespace

TEST_CASE("varint and varlong use zigzag then LEB128") {
  struct Case {
    int32_t v;
    const char* hex;
  } cases[] = {{0, "00"},
               {-1, "01"},
               {1, "02"},
               {-2, "03"},
               {63, "7e"},
               {-64, "7f"},
               {64, "8001"},
               {300, "d804"},
               {-300, "d704"},
               {INT32_MAX, "feffffff0f"},
               {INT32_MIN, "ffffffff0f"}};
  for (auto c : cases) {
    CAPTURE(c.v);
    Bytes b = written([&](Writer& w) { w.varint(c.v); });
    CHECK(b == hex(c.hex));
    CHECK(varint_size(c.v) == b.size());
    Reader r(b);
    CHECK(r.varint("v") == c.v);
    CHECK(r.at_end());
    Bytes l = written([&](Writer& w) { w.varlong(c.v); });
    CHECK(l == b);  // the same value has the same encoding as a varlong
    Reader rl(l);
    CHECK(rl.varlong("v") == c.v);
  }
  Bytes max = written([](Writer& w) { w.varlong(INT64_MIN); });
  CHECK(max == hex("ffffffffffffffffff01"));
  Reader r(max);
  CHECK(r.varlong("v") == INT64_MIN);
}

TEST_CASE("unsigned varint") {
  CHECK(written([](Writer& w) { w.uvarint(127); }) == hex("7f"));
  CHECK(written([](Writer& w) { w.uvarint(128); }) == hex("8001"));
  CHECK(written([](Writer& w) { w.uvarint(300); }) == hex("ac02"));
  CHECK(written([](Writer& w) { w.uvarint(UINT32_MAX); }) == hex("ffffffff0f"));
}

TEST_CASE("varints that overflow their type are errors, not wrapped values") {
  Bytes six = hex("ffffffffff01");  // 6 bytes for a 32-bit varint
  Reader r(six);
  (void)r.varint("F");
  CHECK_FALSE(r.ok());
  CHECK(r.error().message.find("varint") != std::string::npos);
  Bytes high = hex("ffffffff1f");  // 5th byte carries more than 4 bits
  Reader r2(high);
  (void)r2.uvarint("F");
  CHECK_FALSE(r2.ok());
  Bytes cut = hex("ff");
  Reader r3(cut);
  (void)r3.varlong("F");
  CHECK(std::string(r3.reason()) == "truncated input");
}

TEST_CASE("fixed-width integers are big-endian") {
  Bytes b = written([](Writer& w) {
    w.i16(0x0102);
    w.i32(-2);
    w.i64(0x0102030405060708);
    w.u32(0xE3069283);
    w.f64(1.5);
  });
  CHECK(b == hex("0102fffffffe0102030405060708e30692833ff8000000000000"));
  Reader r(b);
  CHECK(r.i16("a") == 0x0102);
  CHECK(r.i32("b") == -2);
  CHECK(r.i64("c") == 0x0102030405060708);
  CHECK(r.u32("d") == 0xE3069283);
  CHECK(r.f64("e") == 1.5);
  CHECK(r.at_end());
}

TEST_CASE("strings: INT16 length or compact N+1, null as -1 or 0") {
  CHECK(written([](Writer& w) { w.string("ab", false); }) == hex("00026162"));
  CHECK(written([](Writer& w) { w.string("ab", true); }) == hex("036162"));
  CHECK(written([](Writer& w) { w.nullable_string(std::nullopt, false); }) == hex("ffff"));
  CHECK(written([](Writer& w) { w.nullable_string(std::nullopt, true); }) == hex("00"));
  CHECK(written([](Writer& w) { w.bytes(as_bytes("x"), false); }) == hex("0000000178"));
  CHECK(written([](Writer& w) { w.nullable_bytes(std::nullopt, false); }) == hex("ffffffff"));
  Bytes n = hex("00");
  Reader r(n);
  CHECK_FALSE(r.nullable_string(true, "s").has_value());
  Reader r2(n);
  (void)r2.string(true, "Topic.Name");
  CHECK(r2.error().message == "null where a string is required at byte 1 reading Topic.Name");
}

TEST_CASE("a length past the end fails before allocating") {
  Bytes b = hex("7fffffff00");  // BYTES of 2 GiB in a 5-byte input
  Reader r(b);
  auto v = r.bytes(false, "Records");
  CHECK(v.empty());
  CHECK(r.error().message == "length exceeds the remaining input at byte 4 reading Records");
}

TEST_CASE("an array count is checked against the bytes left") {
  // 2^31-1 elements of at least 4 bytes in a 20-byte frame.
  Bytes b = hex("7fffffff");
  b.resize(20);
  Reader r(b);
  CHECK(r.array_count(false, false, 4, "Topics") == 0);
  CHECK_FALSE(r.ok());
  Bytes ok = hex("0000000200000001000000020000");
  Reader r2(ok);
  CHECK(r2.array_count(false, false, 4, "Partitions") == 2);
  Bytes null_array = hex("ffffffff");
  Reader r3(null_array);
  CHECK(r3.array_count(false, true, 4, "Topics") == -1);
  Reader r4(null_array);
  (void)r4.array_count(false, false, 4, "Topics");
  CHECK(std::string(r4.reason()) == "null where an array is required");
}

TEST_CASE("the first failure sticks") {
  Bytes b = hex("0001");
  Reader r(b);
  (void)r.i32("First");
  (void)r.i8("Second");
  CHECK(std::string(r.field()) == "First");
  CHECK(r.error_offset() == 0);
  CHECK(r.i16("Third") == 0);  // reads after a failure return zero
}

TEST_CASE("a tag buffer with too many fields is refused, not parsed") {
  Bytes b;
  Writer w(b);
  w.uvarint(1000000);
  b.resize(b.size() + 2000000);
  Reader r(b);
  CHECK(read_tag_count(r, "Header") == 0);
  CHECK(std::string(r.reason()) == "too many tagged fields");
}

TEST_CASE("uuid renders like Java: URL-safe base64 without padding") {
  Uuid u;
  for (int i = 0; i < 16; ++i) u.bytes[i] = uint8_t(0xf0 + i % 16);
  CHECK(u.to_string().size() == 22);
  Uuid zero;
  CHECK(zero.is_zero());
  CHECK(zero.to_string() == "AAAAAAAAAAAAAAAAAAAAAA");
  Uuid ones;
  ones.bytes.fill(0xff);
  CHECK(ones.to_string() == "_____________________w");
}

TEST_CASE("a string too long for an INT16 length is refused, not truncated") {
  Bytes b;
  Writer w(b);
  std::string big(40000, 'x');
  CHECK_THROWS_AS(w.string(big, false), std::length_error);
  w.string(big, true);  // compact lengths have room
  Reader r(b);
  CHECK(r.string(true, "s").size() == big.size());
}
