// Hostile input: random bytes into every parser and server state machine, and every
// single-byte change of a valid SCRAM exchange, must be refused without crashing.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "net/sasl/base64.hpp"
#include "net/sasl/oauthbearer.hpp"
#include "net/sasl/oauthbearer_server.hpp"
#include "net/sasl/plain.hpp"
#include "net/sasl/scram_client.hpp"
#include "net/sasl/scram_messages.hpp"
#include "net/sasl/scram_server.hpp"
#include "net/sasl/unsecured_jwt.hpp"

using namespace kafkit::net::sasl;
using namespace std::string_view_literals;

namespace {

constexpr std::string_view kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramCredentialLookup rfc_lookup() {
  auto credential = derive_scram_credential(ScramHash::sha256, "pencil", 4096,
                                            *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="));
  REQUIRE(credential.ok());
  ScramCredential stored = *credential;
  return [stored](std::string_view user) -> std::optional<ScramCredential> {
    if (user == "user") return stored;
    return std::nullopt;
  };
}

ScramServer rfc_server(const ScramCredentialLookup& lookup) {
  ScramServerOptions options;
  options.server_nonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  return ScramServer(ScramHash::sha256, lookup, options);
}

ScramClient rfc_client() {
  ScramClientOptions options;
  options.client_nonce = "rOprNGfwEbeRWgbNEkqO";
  return ScramClient(ScramHash::sha256, "user", "pencil", options);
}

// Random strings drawn mostly from the characters the grammars care about.
std::string random_message(std::mt19937& rng) {
  // The sv literal keeps the embedded NULs.
  static constexpr std::string_view alphabet =
      ",,,,====nnrrsipvcea\x01\x01\x01\0\0.{}[]\":0123456789AZaz+/-_ \xff\xc3"sv;
  std::uniform_int_distribution<int> length(0, 80);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out;
  int n = length(rng);
  for (int i = 0; i < n; ++i) out += alphabet[pick(rng)];
  return out;
}

}  // namespace

TEST_CASE("random input never crashes a parser or authenticates a server") {
  std::mt19937 rng(20261126);
  auto lookup = rfc_lookup();
  auto validator = unsecured_jwt_validator({}, [] { return SystemTime(std::chrono::seconds(1)); });
  auto plain_verifier = [](std::string_view, std::string_view) { return true; };
  for (int i = 0; i < 3000; ++i) {
    std::string m = random_message(rng);
    CAPTURE(m);
    (void)parse_client_first(m);
    (void)parse_server_first(m);
    (void)parse_client_final(m);
    (void)parse_server_final(m);
    (void)unescape_saslname(m);
    (void)base64_decode(m);
    (void)base64url_decode(m);
    (void)parse_oauthbearer_client_message(m);
    (void)validate_unsecured_jwt(m, {}, SystemTime{});
    (void)parse_unsecured_jwt_config(m);

    ScramServer scram = rfc_server(lookup);
    (void)scram.next(m);
    CHECK_FALSE(scram.done());
    ScramServer scram_after_first = rfc_server(lookup);
    REQUIRE(scram_after_first.next(kClientFirst).ok());
    (void)scram_after_first.next(m);
    CHECK_FALSE(scram_after_first.done());

    ScramClient client = rfc_client();
    REQUIRE(client.initial_response().ok());
    (void)client.next(m);
    CHECK_FALSE(client.done());

    OAuthBearerServer oauth(validator);
    (void)oauth.next(m);
    CHECK_FALSE(oauth.done());

    // A permissive verifier: only a well-formed PLAIN message may get through.
    PlainServer plain(plain_verifier);
    auto r = plain.next(m);
    CHECK(plain.done() == (r.ok() && parse_plain_message(m).ok()));
  }
}

TEST_CASE("every single-byte change of the client-final message is refused") {
  auto lookup = rfc_lookup();
  for (std::size_t i = 0; i < kClientFinal.size(); ++i) {
    std::string mutated(kClientFinal);
    mutated[i] = char(mutated[i] ^ 0x01);
    CAPTURE(mutated);
    ScramServer server = rfc_server(lookup);
    REQUIRE(server.next(kClientFirst).ok());
    auto r = server.next(mutated);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(server.done());
  }
}

TEST_CASE("every single-byte change of the server messages is refused by the client") {
  for (std::size_t i = 0; i < kServerFinal.size(); ++i) {
    std::string mutated(kServerFinal);
    mutated[i] = char(mutated[i] ^ 0x01);
    CAPTURE(mutated);
    ScramClient client = rfc_client();
    REQUIRE(client.initial_response().ok());
    REQUIRE(client.next(kServerFirst).ok());
    CHECK_FALSE(client.next(mutated).ok());
    CHECK_FALSE(client.done());
  }
  // A changed server-first (salt, count or nonce) makes the final signature wrong, or is
  // refused outright.
  for (std::size_t i = 0; i < kServerFirst.size(); ++i) {
    std::string mutated(kServerFirst);
    mutated[i] = char(mutated[i] ^ 0x01);
    CAPTURE(mutated);
    ScramClient client = rfc_client();
    REQUIRE(client.initial_response().ok());
    auto reply = client.next(mutated);
    if (reply.ok()) {
      auto last = client.next(kServerFinal);
      CHECK_FALSE(last.ok());
    }
    CHECK_FALSE(client.done());
  }
}
