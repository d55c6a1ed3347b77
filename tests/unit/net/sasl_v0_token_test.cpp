// The SaslHandshake v0 token request (net/sasl_v0_token.hpp): a headerless request whose body
// is the token, and whose whole answering frame is the broker's token.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "net/sasl_v0_token.hpp"

namespace kafkit::net {
namespace {

std::string text(const protocol::Bytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

TEST_CASE("sasl v0 token: the body is the token, with no header, and the frame is the answer") {
  std::optional<Result<std::string>> got;
  OutboundRequest r = make_sasl_v0_token(std::string("\0alice\0secret", 13),
                                         [&got](Result<std::string> reply) { got = reply; });
  CHECK(r.headerless);
  CHECK_FALSE(r.negotiate);
  CHECK(r.expect_response);
  CHECK(text(r.encode_body(0)) == std::string("\0alice\0secret", 13));

  std::string server_first = "r=abc,s=c2FsdA==,i=4096";
  const auto* p = reinterpret_cast<const std::byte*>(server_first.data());
  Completion c =
      r.complete(RawResponse{-1, 0, -1, protocol::Bytes(p, p + server_first.size())}, "b:9092");
  CHECK_FALSE(c.protocol_error.has_value());
  c.run();
  REQUIRE(got.has_value());
  REQUIRE(got->ok());
  CHECK(got->value() == server_first);
}

TEST_CASE("sasl v0 token: an empty answer is an empty token; a failure is passed on") {
  std::optional<Result<std::string>> got;
  OutboundRequest r = make_sasl_v0_token("x", [&got](Result<std::string> reply) { got = reply; });
  r.complete(RawResponse{-1, 0, -1, {}}, "b:9092").run();
  REQUIRE(got.has_value());
  REQUIRE(got->ok());
  CHECK(got->value().empty());

  got.reset();
  r.complete(Error{-2, "connection closed"}, "b:9092").run();
  REQUIRE(got.has_value());
  CHECK_FALSE(got->ok());
}

}  // namespace
}  // namespace kafkit::net
