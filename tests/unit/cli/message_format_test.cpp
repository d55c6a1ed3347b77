// The -f formatter and kcat's default output. Expected bytes were checked against kcat
// 1.7.1 consuming the same messages from kafkit-broker.
#include "message_format.hpp"

#include <doctest/doctest.h>

#include <array>

namespace kafkit::cli {
namespace {

struct Fixture {
  std::array<Header, 3> headers{Header{"h1", "a"}, Header{"h2", ""}, Header{"n", std::nullopt}};
  ConsumerRecord record() {
    ConsumerRecord r;
    r.topic = "t1";
    r.partition = 2;
    r.offset = 17;
    r.timestamp = 1700000000123;
    r.key = "k1";
    r.value = "v1";
    r.headers = headers;
    return r;
  }
};

std::string format(std::string_view fmt, const ConsumerRecord& r, FormatOptions o = {}) {
  MessageFormatter f(parse_format(fmt), std::move(o));
  std::string out, error;
  CHECK(f.append(out, r, error));
  return out;
}

}  // namespace

TEST_CASE("format: every token") {
  Fixture fx;
  auto r = fx.record();
  CHECK(format("%t|%p|%o|%k|%K|%s|%S|%T|%h|%%\n", r) ==
        "t1|2|17|k1|2|v1|2|1700000000123|h1=a,h2=,n=NULL|%\n");
  CHECK(format("%R", r) == std::string("\0\0\0\x02", 4));
  r.headers = {};
  CHECK(format("[%h]", r) == "[]");
}

TEST_CASE("format: null and empty keys and values, and -Z") {
  Fixture fx;
  auto r = fx.record();
  r.key = std::nullopt;
  r.value = "";
  CHECK(format("%k|%K|%s|%S", r) == "|-1||0");
  CHECK(format("%R", r) == std::string("\0\0\0\0", 4));
  r.value = std::nullopt;
  CHECK(format("%R", r) == "\xff\xff\xff\xff");
  FormatOptions z;
  z.null_empty = true;
  CHECK(format("%k|%s", r, z) == "NULL|NULL");
  r.key = "";  // kcat prints NULL for an empty key too
  CHECK(format("%k|%K", r, z) == "NULL|0");
}

TEST_CASE("format: kcat's escapes, quirks included") {
  CHECK(decode_format_escapes("a\\tb\\nc\\r") == "a\tb\nc\r");
  CHECK(decode_format_escapes("\\x41\\x4142") == "AB");  // strtoul reads 0x4142, a char keeps 0x42
  CHECK(decode_format_escapes("\\xff") == "ff");         // needs a decimal digit after \x
  CHECK(decode_format_escapes("\\65\\012") == "A\n");    // decimal, and octal after a 0
  CHECK(decode_format_escapes("\\q\\\\") == "q\\");
  CHECK(decode_format_escapes("ab\\0cd") == "ab");  // a NUL ends the text (strlen)
  CHECK(decode_format_escapes("end\\") == "end\\");
  // Checked with kcat: -f 'a\x41\x4142\xff\65\0x\tb\\n%%\n' prints "aABffA%\n".
  Fixture fx;
  CHECK(format("a\\x41\\x4142\\xff\\65\\0x\\tb\\\\n%%\\n", fx.record()) == "aABffA%\n");
}

TEST_CASE("format: bad formats are refused") {
  CHECK_THROWS_AS(parse_format("%"), UsageError);
  CHECK_THROWS_AS(parse_format("%z"), UsageError);
  CHECK_THROWS_AS(parse_format("%{base64}o"), UsageError);
  CHECK_THROWS_AS(parse_format("%{rot13}s"), UsageError);
  CHECK_THROWS_AS(parse_format("%{base64"), UsageError);
}

TEST_CASE("format: encoding modifiers and --encoding") {
  Fixture fx;
  auto r = fx.record();
  r.value = std::string_view("\x00\xff", 2);
  CHECK(format("%{hex}s %{base64}k %{hex}h", r) == "00ff azE= h1=61,h2=,n=NULL");
  FormatOptions enc;
  enc.encoding = Encoding::hex;
  CHECK(format("%k %s %{none}s", r, enc) == std::string("6b31 00ff \x00\xff", 12));
}

TEST_CASE("format: kcat's default output without -f") {
  CliOptions o;
  CHECK(default_format(o) == "%s\n");
  o.key_delimiter = "::";
  o.delimiter = "|";
  CHECK(default_format(o) == "%k::%s|");
  o.json = true;
  CHECK(default_format(o) == "|");
  CHECK(json_delimiter(parse_format("\n")) == "\n");
  CHECK(json_delimiter(parse_format("%s\n")) == "");  // kcat: only a leading text token
}

TEST_CASE("format: -s pack deserializers apply to non-empty keys and values") {
  Fixture fx;
  auto r = fx.record();
  r.key = std::string_view("\x00\x00\x01\x02", 4);
  FormatOptions o;
  o.key_pack = "i";
  CHECK(format("%k|%s", r, o) == "258|v1");
  o.key_pack = "q";
  MessageFormatter f(parse_format("%o %k %s\n"), o);
  std::string out, error;
  CHECK_FALSE(f.append(out, r, error));
  CHECK(out == "17 ");  // kcat leaves what it printed before the failure
  CHECK(error ==
        "Failed to format message in t1 [2] at offset 17: key truncated, expected 8 bytes to "
        "unpack q but only 4 bytes remaining");
}

}  // namespace kafkit::cli
