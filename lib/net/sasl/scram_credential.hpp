#pragma once
// What a SCRAM server stores per user (RFC 5802 §3): salt, iteration count, StoredKey and
// ServerKey, never the password. StoredKey lets the server verify a proof without being
// able to produce one; ServerKey lets it prove itself to the client.
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "net/sasl/scram_crypto.hpp"
#include "net/sasl/secret.hpp"

namespace kafkit::net::sasl {

/// Kafka's SCRAM mechanisms declare 4096..16384 iterations (ScramMechanism); RFC 7677 asks
/// for at least 4096. kafkit's client refuses a server-first outside this range by default,
/// so a broker cannot make it spin in PBKDF2 (16384 rounds of SHA-512 take milliseconds;
/// librdkafka's ceiling of 1,000,000 would take seconds per connection).
inline constexpr int kScramMinIterations = 4096;
inline constexpr int kScramMaxIterations = 16384;

struct ScramCredential {
  Bytes salt;
  int iterations = 0;
  SecretBytes stored_key;
  SecretBytes server_key;
};

/// Derives a credential from a password (what `kafka-configs --add-config
/// 'SCRAM-SHA-256=[password=...]'` does). An empty `salt` draws a fresh random 32-byte salt.
/// Iterations outside kScramMinIterations..kScramMaxIterations are refused.
Result<ScramCredential> derive_scram_credential(ScramHash hash, std::string_view password,
                                                int iterations = kScramMinIterations,
                                                Bytes salt = {});

/// Kafka's textual form, as stored by `kafka-configs`:
/// "salt=<b64>,stored_key=<b64>,server_key=<b64>,iterations=<n>".
std::string format_scram_credential(const ScramCredential& credential);
/// Parses that form (any attribute order); key sizes must match `hash`.
Result<ScramCredential> parse_scram_credential(ScramHash hash, std::string_view text);

}  // namespace kafkit::net::sasl
