#pragma once
// The fixed users, nonces, clock and tokens of the SASL fuzz target, shared with the seed
// generator (make-sasl-seeds) so that the seeds are complete, successful exchanges.
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/sasl/base64.hpp"
#include "net/sasl/mechanism_factory.hpp"
#include "net/sasl/oauthbearer_server.hpp"
#include "net/sasl/scram_credential.hpp"
#include "net/sasl/scram_crypto.hpp"
#include "net/sasl/secret.hpp"
#include "net/sasl/unsecured_jwt.hpp"

namespace kafkit::fuzz::sasl {

using namespace kafkit::net::sasl;

// RFC 7677's example user and nonces.
inline constexpr std::string_view kScramUser = "user";
inline constexpr std::string_view kScramPassword = "pencil";
inline constexpr std::string_view kClientNonce = "rOprNGfwEbeRWgbNEkqO";
inline constexpr std::string_view kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
inline constexpr std::string_view kSalt = "W22ZaJ0SNY7soEsUEjb6gQ==";
inline constexpr std::string_view kPlainUser = "alice";
inline constexpr std::string_view kPlainPassword = "alice-secret";

inline SystemTime clock() {
  return SystemTime(std::chrono::seconds(1700000000));
}

inline const ScramCredential& credential(ScramHash hash) {
  auto make = [](ScramHash h) {
    auto c = derive_scram_credential(h, kScramPassword, kScramMinIterations, *base64_decode(kSalt));
    if (!c) std::abort();
    return std::move(*c);
  };
  static const ScramCredential sha256 = make(ScramHash::sha256);
  static const ScramCredential sha512 = make(ScramHash::sha512);
  return hash == ScramHash::sha256 ? sha256 : sha512;
}

inline ScramCredentialLookup scram_lookup(ScramHash hash) {
  return [hash](std::string_view name) -> std::optional<ScramCredential> {
    if (name != kScramUser) return std::nullopt;
    return credential(hash);
  };
}

/// The ClientProof only the password can produce for `auth_message` (RFC 5802 §3).
inline SecretBytes genuine_proof(ScramHash hash, std::string_view auth_message) {
  auto salted = scram_salted_password(hash, kScramPassword, credential(hash).salt,
                                      credential(hash).iterations);
  if (!salted) std::abort();
  auto keys = scram_keys(hash, *salted);
  if (!keys) std::abort();
  auto signature = scram_hmac(hash, keys->stored_key.view(), as_bytes(auth_message));
  if (!signature) std::abort();
  return xor_bytes(keys->client_key.view(), signature->view());
}

inline PlainVerifier plain_verifier() {
  return [](std::string_view user, std::string_view password) {
    return user == kPlainUser && constant_time_equal_text(password, kPlainPassword);
  };
}

/// An unsecured JWT for "bob", valid an hour from clock(), scope "read".
inline std::string jwt() {
  UnsecuredJwtSpec spec;
  spec.principal = "bob";
  spec.scopes = {"read"};
  spec.issued_at = clock() - std::chrono::seconds(60);
  auto token = build_unsecured_jwt(spec);
  if (!token) std::abort();
  return *token;
}

inline std::shared_ptr<const ServerAuthenticators> authenticators() {
  auto a = std::make_shared<ServerAuthenticators>();
  a->plain = plain_verifier();
  a->scram_sha_256 = scram_lookup(ScramHash::sha256);
  a->scram_sha_512 = scram_lookup(ScramHash::sha512);
  a->oauthbearer = unsecured_jwt_validator(UnsecuredJwtPolicy{}, clock);
  return a;
}

}  // namespace kafkit::fuzz::sasl
