#pragma once
// The server side of SCRAM-SHA-256/512 for the reference broker:
//   next(client-first) -> server-first  (looks up the user's stored credential)
//   next(client-final) -> server-final  (checks channel binding, nonce and proof; done)
// Kafka rules kept: the gs2 flag must be 'n'; an authzid must equal the username; the
// client-final nonce must be exactly the combined nonce. An unknown user is answered with a
// simulated server-first and fails at the proof with the same error as a wrong password, so a
// client cannot probe for user names (RFC 5802 §5.1; Kafka itself fails at once).
// Delegation tokens ("tokenauth=true") are refused: kafkit-broker has none.
#include <functional>
#include <optional>
#include <string>

#include "net/sasl/mechanism.hpp"
#include "net/sasl/scram_credential.hpp"
#include "net/sasl/scram_crypto.hpp"

namespace kafkit::net::sasl {

/// The stored credential of `username` for this mechanism, or nullopt if the user has none.
using ScramCredentialLookup =
    std::function<std::optional<ScramCredential>(std::string_view username)>;

struct ScramServerOptions {
  /// Test hook: a fixed server nonce part (RFC 7677's example). Empty draws a random one.
  std::string server_nonce;
};

class ScramServer final : public ServerMechanism {
 public:
  ScramServer(ScramHash hash, ScramCredentialLookup lookup, ScramServerOptions options = {});
  ScramServer(const ScramServer&) = delete;
  ScramServer& operator=(const ScramServer&) = delete;
  ScramServer(ScramServer&&) = default;
  ScramServer& operator=(ScramServer&&) = default;

  std::string_view mechanism() const override { return scram_mechanism_name(hash_); }
  Result<std::string> next(std::string_view client_message) override;
  bool done() const override { return state_ == State::done; }
  const std::string& principal() const override { return principal_; }

 private:
  enum class State { initial, sent_first, done, failed };
  Result<std::string> on_client_first(std::string_view message);
  Result<std::string> on_client_final(std::string_view message);
  Error fail(Error error);

  ScramHash hash_;
  ScramCredentialLookup lookup_;
  ScramServerOptions options_;
  std::optional<ScramCredential> credential_;
  std::string username_;
  std::string gs2_header_;
  std::string nonce_;         // client nonce + server nonce
  std::string client_nonce_;  // the client's part alone (librdkafka's final nonce, below)
  std::string client_first_bare_;
  std::string server_first_;
  std::string principal_;
  bool unknown_user_ = false;
  State state_ = State::initial;
};

}  // namespace kafkit::net::sasl
