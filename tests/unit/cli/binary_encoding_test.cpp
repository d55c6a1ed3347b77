#include "binary_encoding.hpp"

#include <doctest/doctest.h>

#include <random>

namespace kafkit::cli {

TEST_CASE("base64 and hex: RFC 4648 vectors") {
  CHECK(encode("", Encoding::base64) == "");
  CHECK(encode("f", Encoding::base64) == "Zg==");
  CHECK(encode("fo", Encoding::base64) == "Zm8=");
  CHECK(encode("foo", Encoding::base64) == "Zm9v");
  CHECK(encode("foobar", Encoding::base64) == "Zm9vYmFy");
  CHECK(encode(std::string("\x00\xff", 2), Encoding::hex) == "00ff");
  CHECK(decode("Zm9vYg==", Encoding::base64) == std::optional<std::string>("foob"));
  CHECK(decode("00FFab", Encoding::hex) ==
        std::optional<std::string>(std::string("\x00\xff\xab", 3)));
}

TEST_CASE("base64 and hex: malformed text is refused, not guessed") {
  CHECK_FALSE(decode("Zm9", Encoding::base64));
  CHECK_FALSE(decode("Zm=v", Encoding::base64));
  CHECK_FALSE(decode("Z===", Encoding::base64));
  CHECK_FALSE(decode("Zm9v!A==", Encoding::base64));
  CHECK_FALSE(decode("abc", Encoding::hex));
  CHECK_FALSE(decode("zz", Encoding::hex));
}

TEST_CASE("base64 and hex: random bytes round-trip") {
  std::mt19937 rng(7);
  for (int n = 0; n < 200; ++n) {
    std::string bytes(static_cast<size_t>(n), '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    for (Encoding e : {Encoding::base64, Encoding::hex, Encoding::none})
      CHECK(decode(encode(bytes, e), e) == std::optional<std::string>(bytes));
  }
}

}  // namespace kafkit::cli
