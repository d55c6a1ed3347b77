#pragma once
// The four SCRAM messages (RFC 5802 §7) as Kafka exchanges them (protocol-facts §8.3):
//   client-first : gs2-header client-first-bare      gs2-header = "n,," or "n,a=" saslname ","
//                  client-first-bare = "n=" saslname ",r=" c-nonce ["," ext]*
//   server-first : "r=" c-nonce s-nonce ",s=" base64(salt) ",i=" iterations ["," ext]*
//   client-final : "c=" base64(gs2-header) ",r=" nonce ["," ext]* ",p=" base64(proof)
//   server-final : ("v=" base64(ServerSignature) | "e=" error) ["," ext]*
// Parsers are strict about the grammar (attribute order, one-letter names, base64, printable
// nonces, escaped saslnames) and bounded in size; a mandatory "m=" extension is refused
// because none is defined. A server "e=" is reported as an authentication failure.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "net/sasl/secret.hpp"

namespace kafkit::net::sasl {

/// No SCRAM message kafkit sends or accepts is longer (usernames, nonces, salts and proofs
/// are all short); a peer sending more is refused before any parsing.
inline constexpr std::size_t kMaxScramMessage = 8192;

/// saslname escaping (RFC 5802 §5.1): '=' -> "=3D", ',' -> "=2C".
std::string escape_saslname(std::string_view name);
/// The reverse; any other '=' sequence, an empty name, NUL or invalid UTF-8 is an error.
Result<std::string> unescape_saslname(std::string_view saslname);

/// RFC 5802 `printable`: %x21-2B / %x2D-7E, at least one character.
bool is_scram_nonce(std::string_view nonce);

using ScramExtensions = std::vector<std::pair<std::string, std::string>>;

struct ClientFirstMessage {
  std::string gs2_header;  // "n,," or "n,a=...,"
  std::string authzid;     // unescaped; empty when absent
  std::string username;    // unescaped
  std::string nonce;
  ScramExtensions extensions;  // e.g. {"tokenauth", "true"} (KIP-48 delegation tokens)
  std::string bare;            // client-first-message-bare, part of AuthMessage
};
std::string format_client_first(std::string_view username, std::string_view nonce,
                                const ScramExtensions& extensions = {});
Result<ClientFirstMessage> parse_client_first(std::string_view message);

struct ServerFirstMessage {
  std::string nonce;  // client nonce + server nonce
  Bytes salt;
  int iterations = 0;
};
std::string format_server_first(std::string_view nonce, std::span<const std::uint8_t> salt,
                                int iterations);
Result<ServerFirstMessage> parse_server_first(std::string_view message);

struct ClientFinalMessage {
  std::string channel_binding;  // base64 text as sent ("biws" for "n,,")
  std::string nonce;
  Bytes proof;
  std::string without_proof;  // client-final-message-without-proof, part of AuthMessage
};
/// client-final-message-without-proof for the gs2 header "n,,".
std::string format_client_final_without_proof(std::string_view gs2_header, std::string_view nonce);
Result<ClientFinalMessage> parse_client_final(std::string_view message);

struct ServerFinalMessage {
  Bytes server_signature;
};
std::string format_server_final(std::span<const std::uint8_t> server_signature);
/// "e=" gives an errc::authentication_failed error quoting the server's reason.
Result<ServerFinalMessage> parse_server_final(std::string_view message);

}  // namespace kafkit::net::sasl
