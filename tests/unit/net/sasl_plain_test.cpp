#include <doctest/doctest.h>

#include <string>

#include "net/sasl/plain.hpp"
#include "net/sasl/sasl_errors.hpp"
#include "net/sasl/secret.hpp"
#include "sasl_test_support.hpp"

using namespace kafkit::net::sasl;
using kafkit::net::sasl::test::contains;
using kafkit::net::sasl::test::run_exchange;

namespace {

using namespace std::string_literals;

PlainVerifier alice_verifier() {
  return [](std::string_view user, std::string_view password) {
    return user == "alice" && constant_time_equal_text(password, "alice-secret");
  };
}

}  // namespace

TEST_CASE("PLAIN client message is authzid NUL authcid NUL password") {
  auto m = plain_client_message("", "alice", "alice-secret");
  REQUIRE(m.ok());
  CHECK(*m == "\0alice\0alice-secret"s);
  auto with_authzid = plain_client_message("alice", "alice", "pw");
  REQUIRE(with_authzid.ok());
  CHECK(*with_authzid == "alice\0alice\0pw"s);
}

TEST_CASE("PLAIN client refuses what the server would refuse") {
  CHECK_FALSE(plain_client_message("", "", "pw").ok());
  CHECK_FALSE(plain_client_message("", "alice", "").ok());
  CHECK_FALSE(plain_client_message("bob", "alice", "pw").ok());
  CHECK_FALSE(plain_client_message("", "al\0ice"s, "pw").ok());
  CHECK_FALSE(plain_client_message("", "alice", "p\0w"s).ok());
  CHECK_FALSE(plain_client_message("", "alice", std::string(kMaxPlainMessage, 'x')).ok());
}

TEST_CASE("PLAIN client and server authenticate") {
  PlainClient client("alice", "alice-secret");
  PlainServer server(alice_verifier());
  CHECK(client.mechanism() == "PLAIN");
  auto outcome = run_exchange(client, server);
  CHECK(outcome.ok());
  CHECK(client.done());
  CHECK(server.done());
  CHECK(server.principal() == "alice");
}

TEST_CASE("PLAIN server: wrong password and unknown user get one error") {
  for (auto message : {"\0alice\0wrong"s, "\0mallory\0alice-secret"s}) {
    PlainServer server(alice_verifier());
    auto r = server.next(message);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::authentication_failed);
    CHECK(r.error().message == "Authentication failed: Invalid username or password");
    CHECK_FALSE(server.done());
    CHECK(server.principal().empty());
  }
}

TEST_CASE("PLAIN server: authzid must be empty or equal the username") {
  PlainServer ok_server(alice_verifier());
  CHECK(ok_server.next("alice\0alice\0alice-secret"s).ok());
  PlainServer server(alice_verifier());
  auto r = server.next("admin\0alice\0alice-secret"s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::authentication_failed);
  CHECK(contains(r.error().message, "authorization id"));
}

TEST_CASE("PLAIN server: malformed messages") {
  struct Case {
    std::string message;
    int code;
  };
  const std::vector<Case> cases{
      {"", errc::malformed},
      {"alice", errc::malformed},                   // no NUL
      {"\0alice"s, errc::malformed},                // one NUL
      {"\0alice\0pass\0word"s, errc::malformed},    // embedded NUL in password
      {"\0\0alice\0pw"s, errc::malformed},          // three NULs
      {"\0\0pw"s, errc::authentication_failed},     // empty username
      {"\0alice\0"s, errc::authentication_failed},  // empty password
      {"\0al\xff"
       "ice\0pw"s,
       errc::malformed},                                                     // not UTF-8
      {"\0alice\0"s + std::string(kMaxPlainMessage, 'x'), errc::malformed},  // too long
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    PlainServer server(alice_verifier());
    auto r = server.next(c.message);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.code);
    CHECK_FALSE(server.done());
  }
}

TEST_CASE("PLAIN server: no verifier means nobody gets in") {
  PlainServer server(PlainVerifier{});
  auto r = server.next("\0alice\0alice-secret"s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::authentication_failed);
}

TEST_CASE("PLAIN server: a second message is illegal_state") {
  PlainServer server(alice_verifier());
  REQUIRE(server.next("\0alice\0alice-secret"s).ok());
  auto r = server.next("\0alice\0alice-secret"s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::illegal_state);
}

TEST_CASE("PLAIN client: a non-empty server token and out-of-order calls fail") {
  PlainClient client("alice", "pw");
  CHECK(client.next("").error().code == errc::illegal_state);
  PlainClient second("alice", "pw");
  REQUIRE(second.initial_response().ok());
  CHECK(second.initial_response().error().code == errc::illegal_state);
  PlainClient third("alice", "pw");
  REQUIRE(third.initial_response().ok());
  auto r = third.next("surprise");
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(third.done());
}

TEST_CASE("constant_time_equal_text compares contents of any length") {
  CHECK(constant_time_equal_text("abc", "abc"));
  CHECK_FALSE(constant_time_equal_text("abc", "abd"));
  CHECK_FALSE(constant_time_equal_text("abc", "abcd"));
  CHECK(constant_time_equal_text("", ""));
}
