#include <doctest/doctest.h>

#include <string>

#include "net/sasl/base64.hpp"
#include "net/sasl/sasl_errors.hpp"
#include "net/sasl/scram_client.hpp"
#include "net/sasl/scram_credential.hpp"
#include "net/sasl/scram_messages.hpp"
#include "net/sasl/scram_server.hpp"
#include "sasl_test_support.hpp"

using namespace kafkit::net::sasl;
using kafkit::net::sasl::test::contains;
using kafkit::net::sasl::test::run_exchange;

namespace {

// RFC 7677 §3: SCRAM-SHA-256, user "user", password "pencil".
constexpr std::string_view kClientNonce = "rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramClient rfc_client(ScramClientOptions options = {}) {
  options.client_nonce = std::string(kClientNonce);
  return ScramClient(ScramHash::sha256, "user", "pencil", std::move(options));
}

ScramCredential rfc_credential() {
  auto salt = base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  REQUIRE(salt.has_value());
  auto credential = derive_scram_credential(ScramHash::sha256, "pencil", 4096, *salt);
  REQUIRE(credential.ok());
  return std::move(*credential);
}

ScramCredentialLookup lookup_for(std::string user, ScramCredential credential) {
  return [user = std::move(user), credential = std::move(credential)](
             std::string_view name) -> std::optional<ScramCredential> {
    if (name == user) return credential;
    return std::nullopt;
  };
}

ScramServer rfc_server() {
  ScramServerOptions options;
  options.server_nonce = std::string(kServerNonce);
  return ScramServer(ScramHash::sha256, lookup_for("user", rfc_credential()), options);
}

// A client that has sent its first message, ready for a server-first.
ScramClient client_after_first(ScramClientOptions options = {}) {
  ScramClient client = rfc_client(std::move(options));
  auto first = client.initial_response();
  REQUIRE(first.ok());
  return client;
}

}  // namespace

TEST_CASE("SCRAM-SHA-256 client reproduces RFC 7677 byte for byte") {
  ScramClient client = rfc_client();
  CHECK(client.mechanism() == "SCRAM-SHA-256");
  auto first = client.initial_response();
  REQUIRE(first.ok());
  CHECK(*first == kClientFirst);
  auto final_message = client.next(kServerFirst);
  REQUIRE(final_message.ok());
  CHECK(*final_message == kClientFinal);
  CHECK_FALSE(client.done());
  auto last = client.next(kServerFinal);
  REQUIRE(last.ok());
  CHECK(last->empty());
  CHECK(client.done());
}

TEST_CASE("SCRAM-SHA-256 server reproduces RFC 7677 byte for byte") {
  ScramServer server = rfc_server();
  auto first = server.next(kClientFirst);
  REQUIRE(first.ok());
  CHECK(*first == kServerFirst);
  CHECK_FALSE(server.done());
  auto final_message = server.next(kClientFinal);
  REQUIRE(final_message.ok());
  CHECK(*final_message == kServerFinal);
  CHECK(server.done());
  CHECK(server.principal() == "user");
  CHECK_FALSE(server.credential_expiry().has_value());
}

TEST_CASE("SCRAM-SHA-512 and SHA-256 clients authenticate against the kafkit server") {
  for (ScramHash hash : {ScramHash::sha512, ScramHash::sha256}) {
    auto credential = derive_scram_credential(hash, "s3cr=t,pw", 8192);
    REQUIRE(credential.ok());
    CHECK(credential->salt.size() == 32);
    CHECK(credential->stored_key.size() == scram_digest_size(hash));
    ScramClient client(hash, "al=ice,x", "s3cr=t,pw");
    ScramServer server(hash, lookup_for("al=ice,x", *credential));
    auto outcome = run_exchange(client, server);
    std::string why = outcome.ok() ? std::string() : outcome.error().message;
    INFO(why);
    CHECK(outcome.ok());
    CHECK(client.done());
    CHECK(server.done());
    CHECK(server.principal() == "al=ice,x");
  }
}

TEST_CASE("SCRAM-SHA-512 with a wrong password fails on the server, not the client") {
  auto credential = derive_scram_credential(ScramHash::sha512, "right");
  REQUIRE(credential.ok());
  ScramClient client(ScramHash::sha512, "bob", "wrong");
  ScramServer server(ScramHash::sha512, lookup_for("bob", *credential));
  auto outcome = run_exchange(client, server);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == errc::authentication_failed);
  CHECK(contains(outcome.error().message, "invalid credentials with SASL mechanism SCRAM-SHA-512"));
  CHECK_FALSE(server.done());
  CHECK(server.principal().empty());
}

TEST_CASE("unknown user gets the same error as a wrong password") {
  ScramClient client(ScramHash::sha256, "nobody", "pencil");
  ScramServer server = rfc_server();
  auto outcome = run_exchange(client, server);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == errc::authentication_failed);
  CHECK(contains(outcome.error().message, "invalid credentials with SASL mechanism SCRAM-SHA-256"));
}

TEST_CASE("unknown user: a simulated server-first with a stable salt, failure at the proof") {
  auto server_first_for = [](std::string_view client_first) {
    ScramServer server = rfc_server();
    auto r = server.next(client_first);
    REQUIRE(r.ok());
    auto parsed = parse_server_first(*r);
    REQUIRE(parsed.ok());
    return std::move(*parsed);
  };
  ServerFirstMessage a = server_first_for("n,,n=nobody,r=abc");
  ServerFirstMessage b = server_first_for("n,,n=nobody,r=xyz");
  ServerFirstMessage other = server_first_for("n,,n=somebody,r=abc");
  CHECK(a.iterations == 4096);
  CHECK(a.salt.size() == 32);
  CHECK(a.salt == b.salt);
  CHECK(a.salt != other.salt);
  CHECK(a.nonce.starts_with("abc"));
  // Even the right password of an existing user does not help under a missing name.
  ScramClient client(ScramHash::sha256, "nobody", "pencil");
  ScramServer server = rfc_server();
  auto outcome = run_exchange(client, server);
  REQUIRE_FALSE(outcome.ok());
  CHECK_FALSE(server.done());
  CHECK(server.principal().empty());
}

TEST_CASE("client random nonces are 32 printable characters and differ") {
  ScramClient a(ScramHash::sha256, "u", "p");
  ScramClient b(ScramHash::sha256, "u", "p");
  auto fa = a.initial_response();
  auto fb = b.initial_response();
  REQUIRE(fa.ok());
  REQUIRE(fb.ok());
  auto pa = parse_client_first(*fa);
  auto pb = parse_client_first(*fb);
  REQUIRE(pa.ok());
  REQUIRE(pb.ok());
  CHECK(pa->nonce.size() == 32);
  CHECK(is_scram_nonce(pa->nonce));
  CHECK(pa->nonce != pb->nonce);
}

TEST_CASE("client escapes = and , in the username") {
  ScramClientOptions options;
  options.client_nonce = "abc";
  ScramClient client(ScramHash::sha256, "a=b,c", "p", options);
  auto first = client.initial_response();
  REQUIRE(first.ok());
  CHECK(*first == "n,,n=a=3Db=2Cc,r=abc");
  CHECK(escape_saslname("==,,") == "=3D=3D=2C=2C");
  auto back = unescape_saslname("a=3Db=2Cc");
  REQUIRE(back.ok());
  CHECK(*back == "a=b,c");
  CHECK_FALSE(unescape_saslname("a=3").ok());
  CHECK_FALSE(unescape_saslname("a=41").ok());
  CHECK_FALSE(unescape_saslname("").ok());
}

TEST_CASE("client rejects a server nonce that does not extend its own") {
  SUBCASE("different prefix") {
    ScramClient client = client_after_first();
    auto r = client.next("r=XOprNGfwEbeRWgbNEkqO%hvYD,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::authentication_failed);
    CHECK(contains(r.error().message, "nonce"));
    CHECK_FALSE(client.done());
  }
  SUBCASE("no server part") {
    ScramClient client = client_after_first();
    auto r = client.next("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::authentication_failed);
  }
  SUBCASE("shorter than the client nonce") {
    ScramClient client = client_after_first();
    auto r = client.next("r=rOpr,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::authentication_failed);
  }
}

TEST_CASE("client rejects a bad server signature") {
  ScramClient client = client_after_first();
  REQUIRE(client.next(kServerFirst).ok());
  // Same length, last signature byte changed.
  auto r = client.next("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G0=");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::authentication_failed);
  CHECK(contains(r.error().message, "server signature does not match"));
  CHECK(contains(r.error().message, "SCRAM-SHA-256"));
  CHECK_FALSE(client.done());
  // Once failed, the exchange stays failed even if the right signature arrives.
  auto again = client.next(kServerFinal);
  CHECK_FALSE(again.ok());
  CHECK_FALSE(client.done());
}

TEST_CASE("client rejects a truncated server signature") {
  ScramClient client = client_after_first();
  REQUIRE(client.next(kServerFirst).ok());
  auto r = client.next("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5n");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::authentication_failed);
}

TEST_CASE("client refuses iteration counts outside 4096..16384 before running PBKDF2") {
  const std::string prefix = "r=rOprNGfwEbeRWgbNEkqO%hvYD,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=";
  for (std::string count : {"4095", "1", "16385", "100000", "999999999", "99999999999999999999"}) {
    CAPTURE(count);
    ScramClient client = client_after_first();
    auto r = client.next(prefix + count);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::authentication_failed);
    CHECK(contains(r.error().message, "iteration count"));
  }
  SUBCASE("the bounds themselves are accepted") {
    for (std::string count : {"4096", "16384"}) {
      ScramClient client = client_after_first();
      CHECK(client.next(prefix + count).ok());
    }
  }
  SUBCASE("bounds are configurable") {
    ScramClientOptions options;
    options.max_iterations = 5000;
    ScramClient client = client_after_first(options);
    auto r = client.next(prefix + "8192");
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("client rejects malformed server-first messages") {
  const std::vector<std::string> bad{
      "",
      "garbage",
      "r=rOprNGfwEbeRWgbNEkqOxyz,i=4096",                                   // no salt
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==",               // no iterations
      "s=W22ZaJ0SNY7soEsUEjb6gQ==,r=rOprNGfwEbeRWgbNEkqOxyz,i=4096",        // wrong order
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=not*base64,i=4096",                      // bad salt
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=,i=4096",                                // empty salt
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",           // zero
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=04096",       // leading zero
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-4096",       // sign
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096x",       // trailing junk
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,",       // empty attribute
      "m=ext,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",  // mandatory ext
      "r=rOprNGfwEbeRWgbNEkqO\x7fxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",    // unprintable nonce
      "r=rOprNGfwEbeRWgbNEkqO" + std::string(9000, 'x') + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  };
  for (const auto& message : bad) {
    CAPTURE(message);
    ScramClient client = client_after_first();
    auto r = client.next(message);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::malformed);
    CHECK_FALSE(client.done());
  }
}

TEST_CASE("client accepts and ignores server-first extensions") {
  ScramClient client = client_after_first();
  auto r = client.next(std::string(kServerFirst) + ",x=whatever");
  CHECK(r.ok());
}

TEST_CASE("client reports server e= errors clearly") {
  SUBCASE("in the server-final message") {
    ScramClient client = client_after_first();
    REQUIRE(client.next(kServerFirst).ok());
    auto r = client.next("e=invalid-proof");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::authentication_failed);
    CHECK(contains(r.error().message, "server refused: invalid-proof"));
  }
  SUBCASE("instead of the server-first message") {
    ScramClient client = client_after_first();
    auto r = client.next("e=unknown-user");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::authentication_failed);
    CHECK(contains(r.error().message, "unknown-user"));
  }
}

TEST_CASE("client rejects malformed server-final messages") {
  for (std::string message : {"", "x=1", "v=***", "v=", "6rriTRBi23WpRR"}) {
    CAPTURE(message);
    ScramClient client = client_after_first();
    REQUIRE(client.next(kServerFirst).ok());
    auto r = client.next(message);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(client.done());
  }
}

TEST_CASE("client calls out of order are illegal_state") {
  SUBCASE("next before the initial response") {
    ScramClient client = rfc_client();
    auto r = client.next(kServerFirst);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::illegal_state);
  }
  SUBCASE("initial response twice") {
    ScramClient client = client_after_first();
    auto r = client.initial_response();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::illegal_state);
  }
  SUBCASE("a message after done") {
    ScramClient client = client_after_first();
    REQUIRE(client.next(kServerFirst).ok());
    REQUIRE(client.next(kServerFinal).ok());
    auto r = client.next(kServerFinal);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::illegal_state);
  }
}

TEST_CASE("client refuses an empty or NUL-carrying username") {
  ScramClient empty(ScramHash::sha256, "", "p");
  CHECK_FALSE(empty.initial_response().ok());
  ScramClient nul(ScramHash::sha256, std::string("a\0b", 3), "p");
  CHECK_FALSE(nul.initial_response().ok());
}

TEST_CASE("server takes librdkafka's client-final nonce (client nonce + combined nonce)") {
  // librdkafka 2.0.2 repeats its nonce in front of the combined one; Kafka accepts that. The
  // nonce check passes, so the exchange fails at the proof (computed for the RFC form here),
  // not as an invalid nonce.
  ScramServer server = rfc_server();
  REQUIRE(server.next(kClientFirst).ok());
  auto r = server.next(
      "c=biws,r=rOprNGfwEbeRWgbNEkqOrOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(contains(r.error().message, "Invalid client nonce"));
  // Any other prefix is refused as a nonce.
  ScramServer other = rfc_server();
  REQUIRE(other.next(kClientFirst).ok());
  auto bad = other.next(
      "c=biws,r=XrOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  REQUIRE_FALSE(bad.ok());
  CHECK(contains(bad.error().message, "Invalid client nonce"));
}

TEST_CASE("server rejects a client-final nonce other than the combined nonce") {
  ScramServer server = rfc_server();
  REQUIRE(server.next(kClientFirst).ok());
  // The client's own nonce only (drops the server part).
  auto r =
      server.next("c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::authentication_failed);
  CHECK(contains(r.error().message, "Invalid client nonce"));
  CHECK_FALSE(server.done());
  // A failed exchange cannot be resumed with the right message.
  CHECK_FALSE(server.next(kClientFinal).ok());
  CHECK_FALSE(server.done());
}

TEST_CASE("server rejects a wrong proof") {
  ScramServer server = rfc_server();
  REQUIRE(server.next(kClientFirst).ok());
  auto r = server.next(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVA=");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::authentication_failed);
  SUBCASE("or one of the wrong length") {
    ScramServer s = rfc_server();
    REQUIRE(s.next(kClientFirst).ok());
    auto short_proof = s.next("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA");
    REQUIRE_FALSE(short_proof.ok());
    CHECK(short_proof.error().code == errc::authentication_failed);
  }
}

TEST_CASE("server rejects channel-binding data that does not repeat the gs2 header") {
  ScramServer server = rfc_server();
  REQUIRE(server.next(kClientFirst).ok());
  auto r = server.next(
      "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::authentication_failed);
  CHECK(contains(r.error().message, "channel binding"));
}

TEST_CASE("server accepts an authzid equal to the username and refuses any other") {
  SUBCASE("equal") {
    ScramServer server = rfc_server();
    auto r = server.next("n,a=user,n=user,r=abc");
    CHECK(r.ok());
  }
  SUBCASE("different") {
    ScramServer server = rfc_server();
    auto r = server.next("n,a=admin,n=user,r=abc");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::authentication_failed);
    CHECK(contains(r.error().message, "authorization id"));
  }
}

TEST_CASE("server rejects malformed or unsupported client-first messages") {
  const std::vector<std::string> bad{
      "",
      "n=user,r=abc",                // no gs2 header
      "p=tls-unique,,n=user,r=abc",  // channel binding requested
      "y,,n=user,r=abc",             // channel binding flag y
      "n,,r=abc,n=user",             // wrong order
      "n,,n=user",                   // no nonce
      "n,,n=,r=abc",                 // empty username
      "n,,n=us=er,r=abc",            // bad escape
      "n,,m=x,n=user,r=abc",         // mandatory extension
      "n,,n=user,r=a,bc",            // nonce with a comma splits into a bad attribute
      "n,x=1,n=user,r=abc",          // bad authzid
      "n,,n=user,r=abc" + std::string(9000, 'x'),
  };
  for (const auto& message : bad) {
    CAPTURE(message);
    ScramServer server = rfc_server();
    auto r = server.next(message);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::malformed);
  }
}

TEST_CASE("server refuses delegation-token authentication") {
  ScramServer server = rfc_server();
  auto r = server.next("n,,n=user,r=abc,tokenauth=true");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::authentication_failed);
  CHECK(contains(r.error().message, "delegation tokens"));
}

TEST_CASE("server rejects malformed client-final messages") {
  const std::vector<std::string> bad{
      "",
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA",      // no c=
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",      // no proof
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=!",  // proof not base64
      "c=b!ws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA",
  };
  for (const auto& message : bad) {
    CAPTURE(message);
    ScramServer server = rfc_server();
    REQUIRE(server.next(kClientFirst).ok());
    auto r = server.next(message);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::malformed);
  }
}

TEST_CASE("server calls after completion are illegal_state") {
  ScramServer server = rfc_server();
  REQUIRE(server.next(kClientFirst).ok());
  REQUIRE(server.next(kClientFinal).ok());
  auto r = server.next(kClientFinal);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::illegal_state);
}

TEST_CASE("credentials: derivation bounds and Kafka's textual form") {
  CHECK_FALSE(derive_scram_credential(ScramHash::sha256, "p", 4095).ok());
  CHECK_FALSE(derive_scram_credential(ScramHash::sha256, "p", 16385).ok());
  ScramCredential credential = rfc_credential();
  std::string text = format_scram_credential(credential);
  CHECK(text.starts_with("salt=W22ZaJ0SNY7soEsUEjb6gQ==,stored_key="));
  CHECK(text.ends_with(",iterations=4096"));
  auto parsed = parse_scram_credential(ScramHash::sha256, text);
  REQUIRE(parsed.ok());
  CHECK(parsed->salt == credential.salt);
  CHECK(parsed->iterations == 4096);
  CHECK(constant_time_equal(parsed->stored_key.view(), credential.stored_key.view()));
  CHECK(constant_time_equal(parsed->server_key.view(), credential.server_key.view()));
  // Key sizes must fit the hash; every attribute is required.
  CHECK_FALSE(parse_scram_credential(ScramHash::sha512, text).ok());
  CHECK_FALSE(parse_scram_credential(ScramHash::sha256, "salt=AAAA,iterations=4096").ok());
  CHECK_FALSE(parse_scram_credential(ScramHash::sha256, text + ",extra=AAAA").ok());
}

TEST_CASE("the stored credential never contains the password-equivalent client key") {
  // StoredKey = H(ClientKey): a server holding it cannot produce a client proof directly.
  auto salted = scram_salted_password(ScramHash::sha256, "pencil",
                                      *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
  REQUIRE(salted.ok());
  auto keys = scram_keys(ScramHash::sha256, *salted);
  REQUIRE(keys.ok());
  ScramCredential credential = rfc_credential();
  CHECK(constant_time_equal(credential.stored_key.view(), keys->stored_key.view()));
  CHECK_FALSE(constant_time_equal(credential.stored_key.view(), keys->client_key.view()));
  SecretBytes copy = keys->client_key;
  copy.wipe();
  CHECK(copy.empty());
}

TEST_CASE("SCRAM-SHA-512 matches an independent computation byte for byte") {
  // RFC 7677's inputs run through SHA-512 by Python's hashlib/hmac (computed once, by hand):
  // there is no RFC vector for SCRAM-SHA-512.
  const std::string client_final =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=gMGXRcevScNtxZ6/8lQYpGtnsNAc3mGcmNomv+xnoOMw+3R2xNJdMNnzMlTN8PPC6wdp6dybEmDYXYTxwnYPJQ==";
  const std::string server_final =
      "v=ZQnYEgWQMFmmsM8aQMF0nDDCy/AgCzkwk8CmMZYcMg0vSVlKDanekLtifDSeVGT4+5ZxXnJq199RVG2rR7N7Zw==";
  ScramClientOptions options;
  options.client_nonce = std::string(kClientNonce);
  ScramClient client(ScramHash::sha512, "user", "pencil", options);
  CHECK(client.mechanism() == "SCRAM-SHA-512");
  auto first = client.initial_response();
  REQUIRE(first.ok());
  CHECK(*first == kClientFirst);
  auto final_message = client.next(kServerFirst);
  REQUIRE(final_message.ok());
  CHECK(*final_message == client_final);
  REQUIRE(client.next(server_final).ok());
  CHECK(client.done());

  auto credential = derive_scram_credential(ScramHash::sha512, "pencil", 4096,
                                            *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="));
  REQUIRE(credential.ok());
  ScramServerOptions server_options;
  server_options.server_nonce = std::string(kServerNonce);
  ScramServer server(ScramHash::sha512, lookup_for("user", *credential), server_options);
  auto server_first = server.next(kClientFirst);
  REQUIRE(server_first.ok());
  CHECK(*server_first == kServerFirst);
  auto server_last = server.next(client_final);
  REQUIRE(server_last.ok());
  CHECK(*server_last == server_final);
  CHECK(server.done());
}
