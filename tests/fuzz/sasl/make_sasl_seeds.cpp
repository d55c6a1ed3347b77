// Writes the seed corpus of sasl-fuzzer: complete exchanges produced by kafkit's own SCRAM,
// PLAIN and OAUTHBEARER code with the fixture's users, nonces and clock, plus a few refusals.
// Usage: make-sasl-seeds OUT_DIR
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "net/sasl/base64.hpp"
#include "net/sasl/oauthbearer.hpp"
#include "net/sasl/plain.hpp"
#include "net/sasl/scram_client.hpp"
#include "net/sasl/scram_messages.hpp"
#include "net/sasl/scram_server.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/sasl_authenticate.hpp"
#include "protocol/messages/sasl_handshake.hpp"
#include "sasl_fuzz_fixture.hpp"

using namespace kafkit::net::sasl;
namespace fixture = kafkit::fuzz::sasl;
namespace fs = std::filesystem;

namespace {

fs::path out_dir;

void seed(const std::string& name, std::uint8_t selector, const std::vector<std::string>& parts) {
  std::string body;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) body += '\xff';
    body += parts[i];
  }
  std::ofstream out(out_dir / name, std::ios::binary);
  out.put(char(selector));
  out << body;
}

template <class T>
T must(kafkit::Result<T> r) {
  if (!r) {
    std::fprintf(stderr, "make-sasl-seeds: %s\n", r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

// client-first, server-first, client-final, server-final of a successful exchange.
std::vector<std::string> scram_exchange(ScramHash hash, const std::string& user,
                                        const std::string& password) {
  ScramClientOptions options;
  options.client_nonce = std::string(fixture::kClientNonce);
  ScramClient client(hash, user, password, options);
  ScramServerOptions server_options;
  server_options.server_nonce = std::string(fixture::kServerNonce);
  ScramServer server(hash, fixture::scram_lookup(hash), server_options);
  std::vector<std::string> out;
  out.push_back(must(client.initial_response()));
  out.push_back(must(server.next(out.back())));
  out.push_back(must(client.next(out.back())));
  auto final_message = server.next(out.back());
  out.push_back(final_message ? *final_message : "e=invalid-proof");
  return out;
}

// A request frame without its size prefix, as SaslGate::on_frame takes it.
template <class M>
std::string request(const M& body, std::int16_t version, std::int32_t correlation) {
  kafkit::protocol::RequestHeader h;
  h.api_key = M::api_key;
  h.api_version = version;
  h.correlation_id = correlation;
  h.client_id = "fuzz";
  auto frame = kafkit::protocol::frame_request(h, body);
  return std::string(reinterpret_cast<const char*>(frame.data()) + 4, frame.size() - 4);
}

void gate_seed(const std::string& name, const std::vector<std::string>& frames) {
  std::string body;
  for (const std::string& f : frames) {
    body += char(f.size() >> 8);
    body += char(f.size() & 0xff);
    body += f;
  }
  std::ofstream out(out_dir / name, std::ios::binary);
  out.put(char(8));
  out << body;
}

std::string handshake(const std::string& mechanism, std::int16_t version) {
  kafkit::protocol::SaslHandshakeRequest r;
  r.mechanism = mechanism;
  return request(r, version, 1);
}

std::string authenticate(const std::string& token, std::int16_t version) {
  kafkit::protocol::SaslAuthenticateRequest r;
  r.auth_bytes.assign(reinterpret_cast<const std::byte*>(token.data()),
                      reinterpret_cast<const std::byte*>(token.data()) + token.size());
  return request(r, version, 2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  out_dir = argv[1];
  fs::create_directories(out_dir);

  seed("base64-salt", 0, {std::string(fixture::kSalt)});
  seed("base64-jwt", 0, {fixture::jwt()});
  seed("base64-empty", 0, {""});

  auto s256 = scram_exchange(ScramHash::sha256, "user", "pencil");
  auto s512 = scram_exchange(ScramHash::sha512, "user", "pencil");
  seed("scram-client-ok", 1, {s256[1], s256[3]});
  seed("scram-client-error", 1, {s256[1], "e=invalid-proof"});
  seed("scram-server-256-ok", 2, {s256[0], s256[2]});
  seed("scram-server-512-ok", 0x82, {s512[0], s512[2]});
  auto wrong = scram_exchange(ScramHash::sha256, "user", "wrong");
  seed("scram-server-wrong-password", 2, {wrong[0], wrong[2]});
  auto unknown = scram_exchange(ScramHash::sha256, "nobody", "pencil");
  seed("scram-server-unknown-user", 2, {unknown[0], unknown[2]});
  seed("scram-server-authzid", 2, {"n,a=user,n=user,r=" + std::string(fixture::kClientNonce)});
  seed("scram-server-tokenauth", 2,
       {format_client_first("user", fixture::kClientNonce, {{"tokenauth", "true"}})});

  seed("plain-ok", 3, {must(plain_client_message("", "alice", "alice-secret"))});
  seed("plain-authzid", 3, {must(plain_client_message("alice", "alice", "alice-secret"))});
  seed("plain-wrong", 3, {must(plain_client_message("", "alice", "nope")), "again"});

  std::string oauth = must(oauthbearer_client_message(fixture::jwt(), {{"traceId", "abc"}}));
  seed("oauth-server-ok", 4, {oauth});
  seed("oauth-server-bad-token", 4,
       {must(oauthbearer_client_message("e30.e30.", {}, "bob")), "\x01"});
  seed("oauth-client-ok", 5, {""});
  seed("oauth-client-error", 5, {R"({"status":"invalid_token"})", ""});

  ScramCredential c = fixture::credential(ScramHash::sha256);
  seed("text-credential", 6, {format_scram_credential(c)});
  seed("text-saslname", 6, {"a=2Cb=3Dc"});
  seed("text-jwt-config", 6, {"principal=bob scope=read,write lifeSeconds=60 extension_traceId=x"});
  seed("text-server-first", 6, {s256[1]});
  seed("jwt-ok", 7, {fixture::jwt()});

  gate_seed("gate-plain-v1",
            {handshake("PLAIN", 1),
             authenticate(must(plain_client_message("", "alice", "alice-secret")), 2)});
  gate_seed("gate-plain-v0-raw",
            {handshake("PLAIN", 0), must(plain_client_message("", "alice", "alice-secret"))});
  gate_seed("gate-scram-first",
            {handshake("SCRAM-SHA-256", 1), authenticate(s256[0], 1), authenticate(s256[2], 1)});
  gate_seed("gate-oauth", {handshake("OAUTHBEARER", 1), authenticate(oauth, 0)});
  gate_seed("gate-api-versions",
            {request(kafkit::protocol::ApiVersionsRequest{}, 3, 0), handshake("GSSAPI", 1)});
  return 0;
}
