#pragma once
// The client side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677) as Kafka uses it: gs2 header
// "n,," (no channel binding, no authzid), no SASLprep, then
//   initial_response() -> client-first
//   next(server-first)  -> client-final  (checks nonce, salt, iteration range; computes proof)
//   next(server-final)  -> ""            (verifies the server signature in constant time; done)
// The salted password and derived keys are wiped as soon as they are no longer needed, and
// the password itself once the proof has been computed.
#include <string>

#include "net/sasl/mechanism.hpp"
#include "net/sasl/scram_credential.hpp"
#include "net/sasl/scram_crypto.hpp"
#include "net/sasl/scram_messages.hpp"
#include "net/sasl/secret.hpp"

namespace kafkit::net::sasl {

struct ScramClientOptions {
  /// Test hook: a fixed client nonce (RFC 7677's example). Empty draws 32 random characters.
  std::string client_nonce;
  /// Accepted server iteration counts; outside them the exchange fails before PBKDF2 runs.
  int min_iterations = kScramMinIterations;
  int max_iterations = kScramMaxIterations;
  /// Client-first extensions, e.g. {"tokenauth", "true"} for a delegation token (KIP-48).
  ScramExtensions extensions;
};

class ScramClient final : public ClientMechanism {
 public:
  ScramClient(ScramHash hash, std::string username, std::string password,
              ScramClientOptions options = {});
  ~ScramClient() override;
  ScramClient(const ScramClient&) = delete;
  ScramClient& operator=(const ScramClient&) = delete;
  ScramClient(ScramClient&&) = default;
  ScramClient& operator=(ScramClient&&) = default;

  std::string_view mechanism() const override { return scram_mechanism_name(hash_); }
  Result<std::string> initial_response() override;
  Result<std::string> next(std::string_view server_message) override;
  bool done() const override { return state_ == State::done; }

 private:
  enum class State { initial, sent_first, sent_final, done, failed };
  Result<std::string> on_server_first(std::string_view message);
  Result<void> on_server_final(std::string_view message);
  Error fail(Error error);

  ScramHash hash_;
  std::string username_;
  std::string password_;  // wiped once the proof is computed
  ScramClientOptions options_;
  std::string nonce_;
  std::string client_first_bare_;
  SecretBytes expected_server_signature_;
  State state_ = State::initial;
};

}  // namespace kafkit::net::sasl
