#include "net/sasl/scram_credential.hpp"

#include <charconv>

#include "net/sasl/base64.hpp"

namespace kafkit::net::sasl {

Result<ScramCredential> derive_scram_credential(ScramHash hash, std::string_view password,
                                                int iterations, Bytes salt) {
  if (iterations < kScramMinIterations || iterations > kScramMaxIterations) {
    return Error{kafkit::errc::invalid_argument,
                 std::string(scram_mechanism_name(hash)) + ": iterations must be between " +
                     std::to_string(kScramMinIterations) + " and " +
                     std::to_string(kScramMaxIterations) + ", got " + std::to_string(iterations)};
  }
  if (salt.empty()) {
    auto fresh = random_bytes(32);
    if (!fresh) return fresh.error();
    salt = std::move(*fresh);
  }
  auto salted = scram_salted_password(hash, password, salt, iterations);
  if (!salted) return salted.error();
  auto keys = scram_keys(hash, *salted);
  if (!keys) return keys.error();
  ScramCredential out;
  out.salt = std::move(salt);
  out.iterations = iterations;
  out.stored_key = std::move(keys->stored_key);
  out.server_key = std::move(keys->server_key);
  return out;
}

std::string format_scram_credential(const ScramCredential& credential) {
  return "salt=" + base64_encode(credential.salt) +
         ",stored_key=" + base64_encode(credential.stored_key.view()) +
         ",server_key=" + base64_encode(credential.server_key.view()) +
         ",iterations=" + std::to_string(credential.iterations);
}

Result<ScramCredential> parse_scram_credential(ScramHash hash, std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error{kafkit::errc::invalid_argument,
                 std::string(scram_mechanism_name(hash)) + " credential: " + std::string(why)};
  };
  ScramCredential out;
  bool have_salt = false, have_stored = false, have_server = false, have_iterations = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      return bad("expected name=value, got '" + std::string(item) + "'");
    std::string_view name = item.substr(0, eq);
    std::string_view value = item.substr(eq + 1);
    if (name == "iterations") {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), out.iterations);
      if (ec != std::errc{} || p != value.data() + value.size())
        return bad("iterations is not a number");
      have_iterations = true;
    } else {
      auto bytes = base64_decode(value);
      if (!bytes) return bad(std::string(name) + " is not base64");
      if (name == "salt") {
        out.salt = std::move(*bytes);
        have_salt = !out.salt.empty();
      } else if (name == "stored_key") {
        out.stored_key = SecretBytes(*bytes);
        have_stored = true;
      } else if (name == "server_key") {
        out.server_key = SecretBytes(*bytes);
        have_server = true;
      } else {
        return bad("unknown attribute '" + std::string(name) + "'");
      }
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (!have_salt || !have_stored || !have_server || !have_iterations) {
    return bad("needs salt, stored_key, server_key and iterations");
  }
  if (out.stored_key.size() != scram_digest_size(hash) ||
      out.server_key.size() != scram_digest_size(hash)) {
    return bad("key sizes do not match the hash");
  }
  if (out.iterations < kScramMinIterations || out.iterations > kScramMaxIterations) {
    return bad("iterations out of range");
  }
  return out;
}

}  // namespace kafkit::net::sasl
