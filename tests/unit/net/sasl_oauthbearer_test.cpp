#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "net/sasl/base64.hpp"
#include "net/sasl/oauthbearer.hpp"
#include "net/sasl/oauthbearer_server.hpp"
#include "net/sasl/sasl_errors.hpp"
#include "net/sasl/unsecured_jwt.hpp"
#include "sasl_test_support.hpp"

using namespace kafkit::net::sasl;
using kafkit::net::sasl::test::contains;
using kafkit::net::sasl::test::run_exchange;
using namespace std::chrono_literals;

namespace {

const SystemTime kIssued = SystemTime(1700000000s);

std::string jwt_for(std::string principal, std::chrono::seconds lifetime = 3600s,
                    std::vector<std::string> scopes = {}) {
  UnsecuredJwtSpec spec;
  spec.principal = std::move(principal);
  spec.issued_at = kIssued;
  spec.lifetime = lifetime;
  spec.scopes = std::move(scopes);
  auto token = build_unsecured_jwt(spec);
  REQUIRE(token.ok());
  return *token;
}

// header.claims. from raw JSON texts, for hand-made bad tokens.
std::string raw_jwt(std::string_view header, std::string_view claims, std::string_view sig = "") {
  return base64url_encode(header) + "." + base64url_encode(claims) + "." + std::string(sig);
}

std::string claims_of(const std::string& token) {
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  auto bytes = base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
  REQUIRE(bytes.has_value());
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace

TEST_CASE("OAUTHBEARER client initial response bytes") {
  auto plain = oauthbearer_client_message("abc.def.");
  REQUIRE(plain.ok());
  CHECK(*plain ==
        "n,,\x01"
        "auth=Bearer abc.def.\x01\x01");
  auto with_ext = oauthbearer_client_message("T0k-_~+/==", {{"traceId", "42"}, {"abc", "x y"}});
  REQUIRE(with_ext.ok());
  // Extensions follow the auth pair, in name order.
  CHECK(*with_ext ==
        "n,,\x01"
        "auth=Bearer T0k-_~+/==\x01"
        "abc=x y\x01"
        "traceId=42\x01\x01");
  auto with_authzid = oauthbearer_client_message("t", {}, "a,b");
  REQUIRE(with_authzid.ok());
  CHECK(*with_authzid ==
        "n,a=a=2Cb,\x01"
        "auth=Bearer t\x01\x01");
}

TEST_CASE("OAUTHBEARER client refuses bad tokens and extensions") {
  CHECK_FALSE(oauthbearer_client_message("").ok());
  CHECK_FALSE(oauthbearer_client_message("has space").ok());
  CHECK_FALSE(oauthbearer_client_message("a=b").ok());  // '=' only as trailing padding
  CHECK_FALSE(oauthbearer_client_message("t", {{"auth", "x"}}).ok());
  CHECK_FALSE(oauthbearer_client_message("t", {{"key1", "x"}}).ok());
  CHECK_FALSE(oauthbearer_client_message("t", {{"", "x"}}).ok());
  CHECK_FALSE(oauthbearer_client_message("t", {{"k",
                                                "a\x01"
                                                "b"}})
                  .ok());
  CHECK_FALSE(oauthbearer_client_message(std::string(kMaxOAuthBearerMessage, 'a')).ok());
}

TEST_CASE("OAUTHBEARER client message parses back") {
  auto m = oauthbearer_client_message("tok", {{"traceId", "42"}}, "alice");
  REQUIRE(m.ok());
  auto parsed = parse_oauthbearer_client_message(*m);
  REQUIRE(parsed.ok());
  CHECK(parsed->token == "tok");
  CHECK(parsed->authzid == "alice");
  REQUIRE(parsed->extensions.size() == 1);
  CHECK(parsed->extensions.at("traceId") == "42");
  auto lower = parse_oauthbearer_client_message(
      "n,,\x01"
      "auth=bearer  tok\x01\x01");
  REQUIRE(lower.ok());
  CHECK(lower->token == "tok");
}

TEST_CASE("OAUTHBEARER server parser refuses malformed messages") {
  const std::vector<std::string> bad{
      "",
      "y,,\x01"
      "auth=Bearer t\x01\x01",
      "n,,auth=Bearer t\x01\x01",  // no leading 0x01
      "n,,\x01"
      "auth=Bearer t\x01",  // no final 0x01 0x01
      "n,,\x01"
      "auth=Basic t\x01\x01",  // wrong scheme
      "n,,\x01"
      "auth=Bearer\x01\x01",  // no token
      "n,,\x01"
      "auth=Bearer t t\x01\x01",  // space in token
      "n,,\x01"
      "x=1\x01\x01",  // no auth
      "n,,\x01"
      "auth=Bearer t\x01"
      "auth=Bearer u\x01\x01",
      "n,,\x01"
      "auth=Bearer t\x01"
      "x=1\x01"
      "x=2\x01\x01",
      "n,,\x01"
      "auth=Bearer t\x01"
      "x1=1\x01\x01",
      "n,,\x01"
      "auth=Bearer t\x01"
      "novalue\x01\x01",
      "n,,\x01\x01",
      "n,,\x01"
      "auth=Bearer " +
          std::string(kMaxOAuthBearerMessage, 't') + "\x01\x01",
  };
  for (const auto& message : bad) {
    CAPTURE(message);
    auto r = parse_oauthbearer_client_message(message);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::malformed);
  }
}

TEST_CASE("unsecured JWT: header, claims and base64url without padding") {
  std::string token = jwt_for("alice", 3600s, {"read", "write"});
  CHECK(token.starts_with("eyJhbGciOiJub25lIn0."));  // {"alg":"none"}
  CHECK(token.ends_with("."));
  CHECK(token.find('=') == std::string::npos);
  CHECK(claims_of(token) ==
        R"({"sub":"alice","iat":1700000000.000,"exp":1700003600.000,"scope":["read","write"]})");
  std::string plain = jwt_for("bob", 60s);
  CHECK(claims_of(plain) == R"({"sub":"bob","iat":1700000000.000,"exp":1700000060.000})");
  // JSON escaping of the principal.
  CHECK(claims_of(jwt_for("a\"b")) ==
        R"({"sub":"a\"b","iat":1700000000.000,"exp":1700003600.000})");
}

TEST_CASE("unsecured JWT: builder refuses bad specs") {
  UnsecuredJwtSpec spec;
  CHECK_FALSE(build_unsecured_jwt(spec).ok());  // no principal
  spec.principal = "x";
  spec.lifetime = 0s;
  CHECK_FALSE(build_unsecured_jwt(spec).ok());
  spec.lifetime = 10s;
  spec.principal = "\xff";
  CHECK_FALSE(build_unsecured_jwt(spec).ok());
  spec.principal = "x";
  spec.principal_claim = "exp";
  CHECK_FALSE(build_unsecured_jwt(spec).ok());
}

TEST_CASE("unsecured JWT: validation returns principal, times and lifetime") {
  std::string token = jwt_for("alice", 3600s, {"read"});
  auto v = validate_unsecured_jwt(token, {}, kIssued + 600s);
  REQUIRE(v.ok());
  CHECK(v->principal == "alice");
  CHECK(v->expires_at == kIssued + 3600s);
  REQUIRE(v->issued_at.has_value());
  CHECK(*v->issued_at == kIssued);
  CHECK(v->lifetime == 3000s);
  CHECK(v->scopes == std::vector<std::string>{"read"});
}

TEST_CASE("unsecured JWT: expiry, clock skew and iat") {
  std::string token = jwt_for("alice", 60s);
  auto at_exp = validate_unsecured_jwt(token, {}, kIssued + 60s);
  REQUIRE_FALSE(at_exp.ok());
  CHECK(at_exp.error().code == errc::authentication_failed);
  CHECK(contains(at_exp.error().message, "expired"));
  UnsecuredJwtPolicy lenient;
  lenient.allowable_clock_skew = 30s;
  CHECK(validate_unsecured_jwt(token, lenient, kIssued + 70s).ok());
  CHECK_FALSE(validate_unsecured_jwt(token, lenient, kIssued + 90s).ok());
  auto early = validate_unsecured_jwt(token, {}, kIssued - 10s);
  REQUIRE_FALSE(early.ok());
  CHECK(contains(early.error().message, "iat is in the future"));
  CHECK(validate_unsecured_jwt(token, lenient, kIssued - 10s).ok());
}

TEST_CASE("unsecured JWT: fractional and integer NumericDates") {
  auto token = raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":1700000001.5})");
  auto v = validate_unsecured_jwt(token, {}, kIssued);
  REQUIRE(v.ok());
  CHECK(v->lifetime == 1500ms);
  CHECK_FALSE(v->issued_at.has_value());
}

TEST_CASE("unsecured JWT: far-future expiry within system_clock's range") {
  auto token = raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":7999999999})");
  UnsecuredJwtPolicy policy;
  policy.allowable_clock_skew = std::chrono::hours(24 * 365);
  auto v = validate_unsecured_jwt(token, policy, kIssued);
  REQUIRE(v.ok());
  CHECK(v->expires_at == SystemTime(std::chrono::seconds(7999999999)));
}

TEST_CASE("unsecured JWT: rejections") {
  const SystemTime now = kIssued;
  struct Case {
    std::string token;
    std::string reason;
  };
  const std::vector<Case> cases{
      {raw_jwt(R"({"alg":"HS256"})", R"({"sub":"a","exp":1800000000})"), "alg"},
      {raw_jwt(R"({})", R"({"sub":"a","exp":1800000000})"), "alg"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":1800000000})", "sig"), "empty signature"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a"})"), "no exp"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":"1800000000"})"), "exp is not"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":-5})"), "exp is not"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":1e300})"), "exp is not"},
      // Beyond what system_clock holds (found by sasl-fuzzer: 1.5e10 s overflowed under UBSan).
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":15000034400})"), "exp is not"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":1800000000,"iat":9e10})"), "iat is not"},
      {raw_jwt(R"({"alg":"none"})", R"({"exp":1800000000})"), "'sub'"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"","exp":1800000000})"), "'sub'"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":7,"exp":1800000000})"), "'sub'"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":1800000000,"iat":"x"})"), "iat"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":1800000000,"scope":5})"), "scope"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":"a","exp":1800000000,"scope":[1]})"), "scope"},
      {raw_jwt(R"({"alg":"none"})", R"([1,2])"), "JSON object"},
      {raw_jwt(R"({"alg":"none"})", R"({"sub":)"), "JSON object"},
      {raw_jwt(R"({"alg":"none"})", std::string(40, '[') + std::string(40, ']')), "nests"},
      {"eyJhbGciOiJub25lIn0", "three"},
      {"a.b.c.d", "three"},
      {"***.***.", "base64url"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.token);
    auto r = validate_unsecured_jwt(c.token, {}, now);
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().message, c.reason));
  }
}

TEST_CASE("unsecured JWT: custom principal claim and required scopes") {
  auto token = raw_jwt(R"({"alg":"none"})", R"({"user":"carol","exp":1800000000,"scope":"a b"})");
  UnsecuredJwtPolicy policy;
  policy.principal_claim = "user";
  policy.required_scopes = {"b"};
  auto v = validate_unsecured_jwt(token, policy, kIssued);
  REQUIRE(v.ok());
  CHECK(v->principal == "carol");
  CHECK(v->scopes == std::vector<std::string>{"a", "b"});
  policy.required_scopes = {"c"};
  auto missing = validate_unsecured_jwt(token, policy, kIssued);
  REQUIRE_FALSE(missing.ok());
  CHECK(contains(missing.error().message, "insufficient_scope"));
}

TEST_CASE("librdkafka-style sasl.oauthbearer.config") {
  auto c = parse_unsecured_jwt_config(
      "principal=alice scope=read,write lifeSeconds=60 extension_traceId=123 "
      "principalClaimName=user");
  REQUIRE(c.ok());
  CHECK(c->spec.principal == "alice");
  CHECK(c->spec.principal_claim == "user");
  CHECK(c->spec.scopes == std::vector<std::string>{"read", "write"});
  CHECK(c->spec.lifetime == 60s);
  CHECK(c->extensions.at("traceId") == "123");
  CHECK_FALSE(parse_unsecured_jwt_config("scope=a").ok());
  CHECK_FALSE(parse_unsecured_jwt_config("principal=a bogus=1").ok());
  CHECK_FALSE(parse_unsecured_jwt_config("principal=a lifeSeconds=0").ok());
  CHECK_FALSE(parse_unsecured_jwt_config("principal=a extension_auth=x").ok());
  auto err = parse_unsecured_jwt_config("principal");
  REQUIRE_FALSE(err.ok());
  CHECK(contains(err.error().message, "sasl.oauthbearer.config"));
}

TEST_CASE("OAUTHBEARER client and server: success with an unsecured JWT") {
  SystemTime now = kIssued + 100s;
  OAuthBearerClient client(jwt_for("alice"), {{"traceId", "42"}});
  OAuthBearerServer server(unsecured_jwt_validator({}, [&] { return now; }));
  CHECK(client.mechanism() == "OAUTHBEARER");
  auto outcome = run_exchange(client, server);
  REQUIRE(outcome.ok());
  CHECK(client.done());
  CHECK(server.done());
  CHECK(server.principal() == "alice");
  REQUIRE(server.credential_expiry().has_value());
  CHECK(*server.credential_expiry() == kIssued + 3600s);
  CHECK(server.extensions().at("traceId") == "42");
}

TEST_CASE("OAUTHBEARER: an expired token gets the RFC 7628 error challenge, then fails") {
  SystemTime now = kIssued + 7200s;
  OAuthBearerClient client(jwt_for("alice"));
  OAuthBearerServer server(unsecured_jwt_validator({}, [&] { return now; }));
  auto first = client.initial_response();
  REQUIRE(first.ok());
  auto challenge = server.next(*first);
  REQUIRE(challenge.ok());
  CHECK(*challenge == R"({"status":"invalid_token"})");
  CHECK_FALSE(server.done());
  auto ack = client.next(*challenge);
  REQUIRE(ack.ok());
  CHECK(*ack == "\x01");
  CHECK_FALSE(client.done());
  CHECK(client.server_error() == *challenge);
  auto final_answer = server.next(*ack);
  REQUIRE_FALSE(final_answer.ok());
  CHECK(final_answer.error().code == errc::authentication_failed);
  CHECK(contains(final_answer.error().message, "expired"));
  CHECK_FALSE(server.done());
  // Should the server say anything more, the client still fails.
  auto after = client.next("");
  REQUIRE_FALSE(after.ok());
  CHECK(after.error().code == errc::authentication_failed);
  CHECK_FALSE(client.done());
}

TEST_CASE("OAUTHBEARER server: authzid must match the principal; ack must be 0x01") {
  SystemTime now = kIssued;
  auto validator = unsecured_jwt_validator({}, [&] { return now; });
  OAuthBearerServer server(validator);
  auto m = oauthbearer_client_message(jwt_for("alice"), {}, "admin");
  REQUIRE(m.ok());
  auto challenge = server.next(*m);
  REQUIRE(challenge.ok());
  CHECK(*challenge == R"({"status":"invalid_token"})");
  auto bad_ack = server.next("x");
  REQUIRE_FALSE(bad_ack.ok());
  CHECK(bad_ack.error().code == errc::malformed);

  OAuthBearerServer matching(validator);
  auto same = oauthbearer_client_message(jwt_for("alice"), {}, "alice");
  REQUIRE(same.ok());
  CHECK(matching.next(*same).ok());
  CHECK(matching.done());
  // Anything after success is illegal_state.
  CHECK(matching.next(*same).error().code == errc::illegal_state);
}

TEST_CASE("OAUTHBEARER server: a malformed message fails without a challenge") {
  OAuthBearerServer server(unsecured_jwt_validator({}));
  auto r = server.next("n,,auth=Bearer x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::malformed);
}

TEST_CASE("OAUTHBEARER client: out-of-order calls") {
  OAuthBearerClient client("t");
  CHECK(client.next("").error().code == errc::illegal_state);
  OAuthBearerClient bad_token("not a token");
  CHECK_FALSE(bad_token.initial_response().ok());
}
