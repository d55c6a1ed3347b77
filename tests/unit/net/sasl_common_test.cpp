#include <doctest/doctest.h>

#include <string>

#include "net/sasl/base64.hpp"
#include "net/sasl/mechanism_factory.hpp"
#include "net/sasl/sasl_errors.hpp"
#include "net/sasl/secret.hpp"
#include "sasl_test_support.hpp"

using namespace kafkit::net::sasl;
using kafkit::net::sasl::test::contains;
using kafkit::net::sasl::test::run_exchange;

TEST_CASE("base64 follows the RFC 4648 test vectors") {
  const std::vector<std::pair<std::string, std::string>> vectors{{"", ""},
                                                                 {"f", "Zg=="},
                                                                 {"fo", "Zm8="},
                                                                 {"foo", "Zm9v"},
                                                                 {"foob", "Zm9vYg=="},
                                                                 {"fooba", "Zm9vYmE="},
                                                                 {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64_encode(plain) == encoded);
    auto back = base64_decode(encoded);
    REQUIRE(back.has_value());
    CHECK(std::string(back->begin(), back->end()) == plain);
    std::string url = encoded.substr(0, encoded.find('='));
    CHECK(base64url_encode(plain) == url);
    auto url_back = base64url_decode(url);
    REQUIRE(url_back.has_value());
    CHECK(std::string(url_back->begin(), url_back->end()) == plain);
  }
  CHECK(base64_encode("n,,") == "biws");
  const std::uint8_t high[] = {0xfb, 0xff};
  CHECK(base64_encode(high) == "+/8=");
  CHECK(base64url_encode(high) == "-_8");
}

TEST_CASE("base64 decoders are strict") {
  for (std::string bad :
       {"Zg", "Zg=", "Zh==", "Z===", "Zm9v\n", "Zm 9v", "Zm9v====", "-_8=", "=Zm9"}) {
    CAPTURE(bad);
    CHECK_FALSE(base64_decode(bad).has_value());
  }
  for (std::string bad : {"Z", "Zh", "+/8", "Zm9v!"}) {
    CAPTURE(bad);
    CHECK_FALSE(base64url_decode(bad).has_value());
  }
  CHECK(base64url_decode("Zg==").has_value());  // padding tolerated
}

TEST_CASE("UTF-8 validation") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("\xc3\xa9t\xc3\xa9"));
  CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\xc3"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xff"));
}

TEST_CASE("secret buffers wipe themselves and random nonces are printable") {
  SecretBytes secret(std::vector<std::uint8_t>{1, 2, 3});
  SecretBytes moved = std::move(secret);
  CHECK(secret.empty());
  CHECK(moved.size() == 3);
  moved.wipe();
  CHECK(moved.empty());
  std::string password = "hunter2";
  wipe(password);
  CHECK(password.empty());
  auto nonce = random_nonce();
  REQUIRE(nonce.ok());
  CHECK(nonce->size() == 32);
  CHECK(is_scram_nonce(*nonce));
}

TEST_CASE("client factory knows the four Kafka mechanism names") {
  ClientCredentials credentials;
  credentials.username = "u";
  credentials.password = "p";
  credentials.oauthbearer_token = "t";
  for (const auto& name : supported_mechanisms()) {
    auto m = make_client_mechanism(name, credentials);
    REQUIRE(m.ok());
    CHECK((*m)->mechanism() == name);
    CHECK_FALSE((*m)->done());
  }
  for (std::string bad : {"GSSAPI", "plain", "SCRAM-SHA-1", ""}) {
    CAPTURE(bad);
    auto m = make_client_mechanism(bad, credentials);
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code == errc::unsupported_mechanism);
    CHECK(contains(m.error().message, "'" + bad + "'"));
    CHECK(contains(m.error().message, "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER"));
  }
  auto gssapi = make_client_mechanism("GSSAPI", credentials);
  CHECK(contains(gssapi.error().message, "Kerberos"));
}

TEST_CASE("server factory serves only the enabled mechanisms") {
  auto credential = derive_scram_credential(ScramHash::sha512, "pw");
  REQUIRE(credential.ok());
  ScramCredential stored = *credential;
  ServerAuthenticators authenticators;
  authenticators.plain = [](std::string_view u, std::string_view p) {
    return u == "u" && constant_time_equal_text(p, "pw");
  };
  authenticators.scram_sha_512 = [stored](std::string_view u) -> std::optional<ScramCredential> {
    if (u == "u") return stored;
    return std::nullopt;
  };
  CHECK(enabled_mechanisms(authenticators) == std::vector<std::string>{"PLAIN", "SCRAM-SHA-512"});
  auto disabled = make_server_mechanism("SCRAM-SHA-256", authenticators);
  REQUIRE_FALSE(disabled.ok());
  CHECK(disabled.error().code == errc::unsupported_mechanism);
  CHECK(contains(disabled.error().message, "enabled mechanisms: PLAIN, SCRAM-SHA-512"));

  ClientCredentials credentials;
  credentials.username = "u";
  credentials.password = "pw";
  for (std::string name : {"PLAIN", "SCRAM-SHA-512"}) {
    CAPTURE(name);
    auto client = make_client_mechanism(name, credentials);
    auto server = make_server_mechanism(name, authenticators);
    REQUIRE(client.ok());
    REQUIRE(server.ok());
    auto outcome = run_exchange(**client, **server);
    CHECK(outcome.ok());
    CHECK((*server)->principal() == "u");
  }
  ServerAuthenticators none;
  auto nothing = make_server_mechanism("PLAIN", none);
  REQUIRE_FALSE(nothing.ok());
  CHECK(contains(nothing.error().message, "none"));
}

TEST_CASE("client_facing_message keeps authentication failures and hides parser details") {
  kafkit::Error refused{errc::authentication_failed,
                        "Authentication failed: Invalid username or password"};
  CHECK(client_facing_message(refused, "PLAIN") == refused.message);
  kafkit::Error parse{errc::malformed, "SCRAM: malformed client-first message: ..."};
  CHECK(client_facing_message(parse, "SCRAM-SHA-256") ==
        "Authentication failed during authentication due to invalid credentials with SASL "
        "mechanism SCRAM-SHA-256");
  CHECK(client_facing_message(parse, "PLAIN", true) ==
        "Authentication failed during re-authentication due to invalid credentials with SASL "
        "mechanism PLAIN");
}
