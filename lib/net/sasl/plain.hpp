#pragma once
// SASL PLAIN (RFC 4616) as Kafka uses it (protocol-facts §8.2): one client message
// `authzid NUL authcid NUL password`; the server answers with an empty token on success.
// Kafka accepts an empty authzid or one equal to the username, and requires a non-empty
// username and password. Only use PLAIN over TLS: the password crosses the wire as is.
#include <functional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "net/sasl/mechanism.hpp"

namespace kafkit::net::sasl {

/// Upper bound on a PLAIN message (RFC 4616 asks for at least 255 bytes per field).
inline constexpr std::size_t kMaxPlainMessage = 4096;

/// Builds the client message. Errors: empty username or password, a NUL in any field,
/// an authzid different from the username, a message above kMaxPlainMessage.
Result<std::string> plain_client_message(std::string_view authzid, std::string_view username,
                                         std::string_view password);

struct PlainMessage {
  std::string authzid;
  std::string username;
  std::string password;
  ~PlainMessage();  // wipes the password
};
/// Parses and validates a client message: exactly two NUL separators, UTF-8 fields, non-empty
/// username and password, authzid empty or equal to the username, bounded size.
Result<PlainMessage> parse_plain_message(std::string_view message);

class PlainClient final : public ClientMechanism {
 public:
  PlainClient(std::string username, std::string password, std::string authzid = {});
  ~PlainClient() override;
  std::string_view mechanism() const override { return "PLAIN"; }
  Result<std::string> initial_response() override;
  Result<std::string> next(std::string_view server_message) override;
  bool done() const override { return state_ == State::done; }

 private:
  enum class State { initial, sent, done, failed };
  std::string username_;
  std::string password_;
  std::string authzid_;
  State state_ = State::initial;
};

/// Checks a username/password pair; the broker answers from its configured users. Compare
/// passwords with constant_time_equal_text (net/sasl/secret.hpp).
using PlainVerifier = std::function<bool(std::string_view username, std::string_view password)>;

class PlainServer final : public ServerMechanism {
 public:
  explicit PlainServer(PlainVerifier verifier);
  std::string_view mechanism() const override { return "PLAIN"; }
  Result<std::string> next(std::string_view client_message) override;
  bool done() const override { return done_; }
  const std::string& principal() const override { return principal_; }

 private:
  PlainVerifier verifier_;
  std::string principal_;
  bool done_ = false;
  bool used_ = false;
};

}  // namespace kafkit::net::sasl
