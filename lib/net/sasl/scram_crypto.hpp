#pragma once
// The SCRAM key schedule (RFC 5802 §3) over SHA-256 or SHA-512 (RFC 7677), with OpenSSL:
//   SaltedPassword  = PBKDF2-HMAC-H(password, salt, i)   (no SASLprep: Kafka uses the raw UTF-8)
//   ClientKey       = HMAC(SaltedPassword, "Client Key")
//   StoredKey       = H(ClientKey)
//   ServerKey       = HMAC(SaltedPassword, "Server Key")
//   ClientSignature = HMAC(StoredKey, AuthMessage);  ClientProof = ClientKey XOR ClientSignature
//   ServerSignature = HMAC(ServerKey, AuthMessage)
#include <cstdint>
#include <span>
#include <string_view>

#include "common/result.hpp"
#include "net/sasl/secret.hpp"

namespace kafkit::net::sasl {

enum class ScramHash : std::uint8_t { sha256, sha512 };

/// "SCRAM-SHA-256" / "SCRAM-SHA-512".
std::string_view scram_mechanism_name(ScramHash hash);
/// 32 or 64.
std::size_t scram_digest_size(ScramHash hash);

Result<SecretBytes> scram_hash(ScramHash hash, std::span<const std::uint8_t> data);
Result<SecretBytes> scram_hmac(ScramHash hash, std::span<const std::uint8_t> key,
                               std::span<const std::uint8_t> data);
Result<SecretBytes> scram_salted_password(ScramHash hash, std::string_view password,
                                          std::span<const std::uint8_t> salt, int iterations);

/// The keys derived from a salted password.
struct ScramKeys {
  SecretBytes client_key;
  SecretBytes stored_key;
  SecretBytes server_key;
};
Result<ScramKeys> scram_keys(ScramHash hash, const SecretBytes& salted_password);

/// a XOR b (equal sizes).
SecretBytes xor_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace kafkit::net::sasl
