#include "net/sasl/scram_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace kafkit::net::sasl {
namespace {

const EVP_MD* digest(ScramHash hash) {
  return hash == ScramHash::sha256 ? EVP_sha256() : EVP_sha512();
}

Error crypto_error(std::string_view what) {
  return Error{kafkit::errc::io, "OpenSSL " + std::string(what) + " failed"};
}

}  // namespace

std::string_view scram_mechanism_name(ScramHash hash) {
  return hash == ScramHash::sha256 ? "SCRAM-SHA-256" : "SCRAM-SHA-512";
}

std::size_t scram_digest_size(ScramHash hash) {
  return hash == ScramHash::sha256 ? 32 : 64;
}

Result<SecretBytes> scram_hash(ScramHash hash, std::span<const std::uint8_t> data) {
  SecretBytes out(scram_digest_size(hash));
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, digest(hash), nullptr) != 1 ||
      len != out.size()) {
    return crypto_error("digest");
  }
  return out;
}

Result<SecretBytes> scram_hmac(ScramHash hash, std::span<const std::uint8_t> key,
                               std::span<const std::uint8_t> data) {
  SecretBytes out(scram_digest_size(hash));
  unsigned int len = 0;
  // HMAC() with a null key pointer misbehaves on some OpenSSL versions; an empty key is fine
  // as long as the pointer is valid.
  static const std::uint8_t empty = 0;
  const std::uint8_t* key_ptr = key.empty() ? &empty : key.data();
  if (HMAC(digest(hash), key_ptr, static_cast<int>(key.size()), data.data(), data.size(),
           out.data(), &len) == nullptr ||
      len != out.size()) {
    return crypto_error("HMAC");
  }
  return out;
}

Result<SecretBytes> scram_salted_password(ScramHash hash, std::string_view password,
                                          std::span<const std::uint8_t> salt, int iterations) {
  if (iterations < 1)
    return Error{kafkit::errc::invalid_argument, "SCRAM iteration count must be positive"};
  SecretBytes out(scram_digest_size(hash));
  static const char empty = 0;
  static const unsigned char empty_salt = 0;
  if (PKCS5_PBKDF2_HMAC(password.empty() ? &empty : password.data(),
                        static_cast<int>(password.size()), salt.empty() ? &empty_salt : salt.data(),
                        static_cast<int>(salt.size()), iterations, digest(hash),
                        static_cast<int>(out.size()), out.data()) != 1) {
    return crypto_error("PBKDF2");
  }
  return out;
}

Result<ScramKeys> scram_keys(ScramHash hash, const SecretBytes& salted_password) {
  auto client_key = scram_hmac(hash, salted_password.view(), as_bytes("Client Key"));
  if (!client_key) return client_key.error();
  auto stored_key = scram_hash(hash, client_key->view());
  if (!stored_key) return stored_key.error();
  auto server_key = scram_hmac(hash, salted_password.view(), as_bytes("Server Key"));
  if (!server_key) return server_key.error();
  return ScramKeys{std::move(*client_key), std::move(*stored_key), std::move(*server_key)};
}

SecretBytes xor_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  SecretBytes out(a.size());
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) out.data()[i] = a[i] ^ b[i];
  return out;
}

}  // namespace kafkit::net::sasl
