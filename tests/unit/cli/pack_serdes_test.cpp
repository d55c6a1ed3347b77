// -s pack formats. Expected values and error texts were checked against kcat 1.7.1.
#include "pack_serdes.hpp"

#include <doctest/doctest.h>

#include "cli_options.hpp"

namespace kafkit::cli {
namespace {

std::string unpacked(std::string_view format, std::string_view bytes) {
  std::string out, error;
  CHECK(unpack(out, "value", format, bytes, error));
  return out;
}

std::string failure(std::string_view what, std::string_view format, std::string_view bytes) {
  std::string out, error;
  CHECK_FALSE(unpack(out, what, format, bytes, error));
  return error;
}

}  // namespace

TEST_CASE("pack: integers big-endian by default") {
  std::string_view eight("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  CHECK(unpacked("i", std::string_view("\x00\x00\x01\x02", 4)) == "258");
  CHECK(unpacked("Q s", std::string("\x01\x02\x03\x04\x05\x06\x07\x08rest")) ==
        "72623859790382856 rest");
  CHECK(unpacked("b B h H", eight) == "1 2 772 1286");
  CHECK(unpacked("bBhH", "\xff\xff\xff\xfe\xff\xfe") == "-1255-265534");
  CHECK(unpacked("q", "\xff\xff\xff\xff\xff\xff\xff\xfe") == "-2");
  CHECK(unpacked("I", "\xff\xff\xff\xff") == "4294967295");
  CHECK(unpacked("cc$", "ab") == "ab");
  CHECK(unpacked("h", eight) == "258");  // the rest is ignored without '$'
}

TEST_CASE("pack: '<' reads little-endian as kcat documents") {
  // kcat 1.7.1 ignores '<' (it prints 258 here); kafkit does what the usage text says.
  CHECK(unpacked("<i", std::string_view("\x02\x01\x00\x00", 4)) == "258");
  CHECK(unpacked("<h>h", std::string_view("\x01\x00\x00\x01", 4)) == "11");
}

TEST_CASE("pack: short input and leftovers give kcat's reasons") {
  CHECK(failure("key", "q", std::string_view("\x00\x00\x01\x02", 4)) ==
        "key truncated, expected 8 bytes to unpack q but only 4 bytes remaining");
  CHECK(failure("value", "c$", std::string(12, 'x')) ==
        "expected value end-of-input, but 11 bytes remaining");
  CHECK(failure("value", "c", "") ==
        "value truncated, expected 1 bytes to unpack c but only 0 bytes remaining");
}

TEST_CASE("pack: formats are checked before consuming") {
  CHECK_NOTHROW(check_pack_format("key", " <>bBhHiIqQcs$"));
  try {
    check_pack_format("key", "ix");
    FAIL("no throw");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()) == "Invalid token 'x' in key pack-format, see -s usage.");
  }
  try {
    check_pack_format("value", "");
    FAIL("no throw");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()) == "value pack-format must not be empty");
  }
}

}  // namespace kafkit::cli
