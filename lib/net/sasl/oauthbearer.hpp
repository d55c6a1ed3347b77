#pragma once
// SASL OAUTHBEARER (RFC 7628) as Kafka uses it (KIP-255, protocol-facts §8.4):
//   client initial response = gs2-header %x01 "auth=Bearer " token %x01 *(key "=" value %x01) %x01
// with gs2-header "n,," (or "n,a=<authzid>,"). On success the server answers with an empty
// token. On failure it answers with a JSON error ({"status":"invalid_token",...}); the client
// must then send a single %x01 byte, after which the server fails the exchange.
#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "net/sasl/mechanism.hpp"

namespace kafkit::net::sasl {

/// Larger than any realistic JWT; the broker's pre-authentication frame limit is 512 KiB.
inline constexpr std::size_t kMaxOAuthBearerMessage = 64 * 1024;

/// SASL extensions (KIP-342): key = 1*ALPHA, value = *(VCHAR / SP / HTAB / CR / LF);
/// "auth" is reserved.
using OAuthBearerExtensions = std::map<std::string, std::string, std::less<>>;

/// RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
bool is_bearer_token(std::string_view token);
/// Checks extension names and values against RFC 7628 §3.1 (and the reserved "auth").
Result<void> validate_oauthbearer_extensions(const OAuthBearerExtensions& extensions);

Result<std::string> oauthbearer_client_message(std::string_view token,
                                               const OAuthBearerExtensions& extensions = {},
                                               std::string_view authzid = {});

struct OAuthBearerClientMessage {
  std::string authzid;
  std::string token;
  OAuthBearerExtensions extensions;
};
/// Strict parse of a client initial response (the server side). The auth scheme is matched
/// case-insensitively ("Bearer"), as HTTP auth schemes are.
Result<OAuthBearerClientMessage> parse_oauthbearer_client_message(std::string_view message);

class OAuthBearerClient final : public ClientMechanism {
 public:
  explicit OAuthBearerClient(std::string token, OAuthBearerExtensions extensions = {},
                             std::string authzid = {});
  ~OAuthBearerClient() override;
  std::string_view mechanism() const override { return "OAUTHBEARER"; }
  Result<std::string> initial_response() override;
  /// Empty server token: done. A JSON error: returns "\x01" (to be sent) and the next call
  /// fails with the server's error; the broker normally fails the exchange first.
  Result<std::string> next(std::string_view server_message) override;
  bool done() const override { return state_ == State::done; }
  /// The server's JSON error, once it sent one (for messages).
  const std::string& server_error() const { return server_error_; }

 private:
  enum class State { initial, sent, acknowledged_error, done, failed };
  std::string token_;
  OAuthBearerExtensions extensions_;
  std::string authzid_;
  std::string server_error_;
  State state_ = State::initial;
};

}  // namespace kafkit::net::sasl
