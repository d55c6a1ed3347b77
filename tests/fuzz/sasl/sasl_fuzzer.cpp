// libFuzzer target: everything that parses a SASL peer's bytes, client side (net/sasl) and
// broker side (broker/sasl/sasl_gate). Input: one selector byte, then the peer's messages.
// Text mechanisms take several messages separated by a 0xFF byte (never valid in SCRAM,
// PLAIN or OAUTHBEARER text); the gate takes frames each prefixed by a big-endian uint16
// length.
//
//   0 base64 / base64url decode     4 OAUTHBEARER server (unsecured JWT validator)
//   1 SCRAM client (server-first,   5 OAUTHBEARER client (server answers)
//     server-final)                 6 SCRAM credential text, saslname, JWT config
//   2 SCRAM server (client-first,   7 unsecured JWT validation
//     client-final), SHA-256 / 512  8 the broker's SaslGate (frames)
//   3 PLAIN server
//
// Checks beyond "no crash, no sanitizer report": base64 round trips both ways; a saslname
// that unescapes escapes back to itself; a SCRAM server reports success only for the
// genuine proof of the configured password; PLAIN and the gate authenticate only the
// configured user with the right password.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "../fuzz_check.hpp"
#include "broker/sasl/sasl_gate.hpp"
#include "net/sasl/base64.hpp"
#include "net/sasl/mechanism_factory.hpp"
#include "net/sasl/oauthbearer.hpp"
#include "net/sasl/oauthbearer_server.hpp"
#include "net/sasl/plain.hpp"
#include "net/sasl/scram_client.hpp"
#include "net/sasl/scram_credential.hpp"
#include "net/sasl/scram_crypto.hpp"
#include "net/sasl/scram_messages.hpp"
#include "net/sasl/scram_server.hpp"
#include "net/sasl/secret.hpp"
#include "net/sasl/unsecured_jwt.hpp"
#include "sasl_fuzz_fixture.hpp"

using namespace kafkit::net::sasl;
namespace fixture = kafkit::fuzz::sasl;

namespace {

std::vector<std::string_view> split(std::string_view in) {
  std::vector<std::string_view> out;
  for (;;) {
    auto pos = in.find('\xff');
    if (pos == std::string_view::npos) break;
    out.push_back(in.substr(0, pos));
    in.remove_prefix(pos + 1);
  }
  out.push_back(in);
  return out;
}

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void fuzz_base64(std::string_view in) {
  if (auto d = base64_decode(in)) fuzz_check(base64_encode(*d) == in);
  fuzz_check(base64_decode(base64_encode(bytes(in))) ==
             std::vector<std::uint8_t>(in.begin(), in.end()));
  if (auto d = base64url_decode(in)) {
    // Padding is optional on input and never written.
    std::string_view unpadded = in.substr(0, in.find_last_not_of('=') + 1);
    if (in.find_first_not_of('=') == std::string_view::npos) unpadded = {};
    fuzz_check(base64url_encode(*d) == unpadded);
  }
  fuzz_check(base64url_decode(base64url_encode(bytes(in))) ==
             std::vector<std::uint8_t>(in.begin(), in.end()));
}

void fuzz_scram_client(std::string_view in) {
  ScramClientOptions options;
  options.client_nonce = std::string(fixture::kClientNonce);
  // Low iteration counts keep PBKDF2 cheap; the seeds use the minimum Kafka allows.
  options.min_iterations = 1;
  options.max_iterations = kScramMinIterations;
  ScramClient client(ScramHash::sha256, std::string(fixture::kScramUser),
                     std::string(fixture::kScramPassword), options);
  fuzz_check(client.initial_response().ok());
  for (std::string_view message : split(in)) {
    auto reply = client.next(message);
    if (!reply || client.done()) break;
  }
  // The client checks the server's signature: only the genuine server-final completes it.
}

void fuzz_scram_server(std::string_view in, ScramHash hash) {
  ScramServerOptions options;
  options.server_nonce = std::string(fixture::kServerNonce);
  ScramServer server(hash, fixture::scram_lookup(hash), options);
  std::vector<std::string_view> messages = split(in);
  std::string client_first_bare, server_first;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto reply = server.next(messages[i]);
    if (!reply) break;
    if (i == 0) {
      auto first = parse_client_first(messages[0]);
      fuzz_check(first.ok());
      client_first_bare = first->bare;
      server_first = *reply;
    }
    if (server.done()) {
      // Success must mean the proof is the one only the password can produce.
      fuzz_check(i == 1);
      auto final_message = parse_client_final(messages[1]);
      fuzz_check(final_message.ok());
      std::string auth =
          client_first_bare + "," + server_first + "," + final_message->without_proof;
      SecretBytes proof = fixture::genuine_proof(hash, auth);
      fuzz_check(constant_time_equal(final_message->proof, proof.view()));
      fuzz_check(server.principal() == fixture::kScramUser);
      fuzz_check(!server.next("").ok());  // nothing after success
      break;
    }
  }
}

void fuzz_plain(std::string_view in) {
  (void)parse_plain_message(in);
  PlainServer server(fixture::plain_verifier());
  for (std::string_view message : split(in)) {
    auto reply = server.next(message);
    if (server.done()) {
      fuzz_check(reply.ok() && server.principal() == fixture::kPlainUser);
      auto parsed = parse_plain_message(message);
      fuzz_check(parsed.ok() && parsed->password == fixture::kPlainPassword);
      break;
    }
    if (!reply) break;
  }
}

void fuzz_oauthbearer_server(std::string_view in) {
  (void)parse_oauthbearer_client_message(in);
  OAuthBearerServer server(unsecured_jwt_validator(UnsecuredJwtPolicy{}, fixture::clock));
  for (std::string_view message : split(in)) {
    auto reply = server.next(message);
    if (server.done()) fuzz_check(reply.ok() && !server.principal().empty());
    if (!reply || server.done()) break;
  }
}

void fuzz_oauthbearer_client(std::string_view in) {
  OAuthBearerClient client(fixture::jwt(), {{"traceId", "abc"}});
  fuzz_check(client.initial_response().ok());
  for (std::string_view message : split(in)) {
    auto reply = client.next(message);
    if (!reply || client.done()) break;
  }
}

void fuzz_texts(std::string_view in) {
  (void)parse_scram_credential(ScramHash::sha256, in);
  (void)parse_scram_credential(ScramHash::sha512, in);
  if (auto name = unescape_saslname(in)) fuzz_check(escape_saslname(*name) == in);
  (void)is_scram_nonce(in);
  (void)is_bearer_token(in);
  (void)parse_unsecured_jwt_config(in);
  (void)parse_client_first(in);
  (void)parse_server_first(in);
  (void)parse_client_final(in);
  (void)parse_server_final(in);
}

void fuzz_jwt(std::string_view in) {
  UnsecuredJwtPolicy policy;
  policy.required_scopes = {"read"};
  policy.allowable_clock_skew = std::chrono::seconds(30);
  auto token = validate_unsecured_jwt(in, policy, fixture::clock());
  if (token)
    fuzz_check(!token->principal.empty() &&
               token->expires_at > fixture::clock() - std::chrono::seconds(31));
  (void)validate_unsecured_jwt(in, UnsecuredJwtPolicy{}, fixture::clock());
}

void fuzz_gate(std::string_view in) {
  static const auto authenticators = fixture::authenticators();
  kafkit::broker::SaslGate gate(authenticators);
  for (int frames = 0; in.size() >= 2 && frames < 16; ++frames) {
    std::size_t n = (std::size_t(std::uint8_t(in[0])) << 8) | std::uint8_t(in[1]);
    in.remove_prefix(2);
    n = std::min(n, in.size());
    const auto* p = reinterpret_cast<const std::byte*>(in.data());
    kafkit::protocol::Bytes frame(p, p + n);
    in.remove_prefix(n);
    auto outcome = gate.on_frame(frame);
    using Action = kafkit::broker::SaslGate::Outcome::Action;
    if (outcome.action == Action::close || outcome.action == Action::fail) break;
    if (gate.authenticated()) {
      // PLAIN and SCRAM know one user each; any subject may hold an unsecured JWT.
      if (gate.mechanism() == "PLAIN") fuzz_check(gate.principal() == fixture::kPlainUser);
      if (gate.mechanism().starts_with("SCRAM"))
        fuzz_check(gate.principal() == fixture::kScramUser);
      fuzz_check(!gate.principal().empty());
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 16384) return 0;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  switch ((data[0] & 0x0f) % 9) {
    case 0:
      fuzz_base64(in);
      break;
    case 1:
      fuzz_scram_client(in);
      break;
    case 2:
      fuzz_scram_server(in, data[0] & 0x80 ? ScramHash::sha512 : ScramHash::sha256);
      break;
    case 3:
      fuzz_plain(in);
      break;
    case 4:
      fuzz_oauthbearer_server(in);
      break;
    case 5:
      fuzz_oauthbearer_client(in);
      break;
    case 6:
      fuzz_texts(in);
      break;
    case 7:
      fuzz_jwt(in);
      break;
    default:
      fuzz_gate(in);
      break;
  }
  return 0;
}
