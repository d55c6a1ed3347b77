#pragma once
// The server side of OAUTHBEARER (RFC 7628 §3.2) for the reference broker:
//   next(client initial response) -> ""                    token valid: done
//                                 -> {"status":"invalid_token"}  token refused (RFC 7628 §3.2.2)
//   next("\x01")                  -> error authentication_failed with the reason
// A malformed message fails at once. An authzid, when given, must equal the token's principal.
// The validator decides what a valid token is: the factory plugs in the unsecured-JWT one.
#include <functional>
#include <optional>
#include <string>

#include "net/sasl/mechanism.hpp"
#include "net/sasl/oauthbearer.hpp"
#include "net/sasl/unsecured_jwt.hpp"

namespace kafkit::net::sasl {

using OAuthBearerValidator = std::function<Result<ValidatedToken>(std::string_view token)>;

/// validate_unsecured_jwt with `policy`, reading the time from `clock` on each call.
OAuthBearerValidator unsecured_jwt_validator(UnsecuredJwtPolicy policy,
                                             std::function<SystemTime()> clock = {});

class OAuthBearerServer final : public ServerMechanism {
 public:
  explicit OAuthBearerServer(OAuthBearerValidator validator);
  std::string_view mechanism() const override { return "OAUTHBEARER"; }
  Result<std::string> next(std::string_view client_message) override;
  bool done() const override { return state_ == State::done; }
  const std::string& principal() const override { return principal_; }
  std::optional<SystemTime> credential_expiry() const override { return expiry_; }
  /// The client's SASL extensions (KIP-342), once done.
  const OAuthBearerExtensions& extensions() const { return extensions_; }

 private:
  enum class State { initial, challenged, done, failed };
  OAuthBearerValidator validator_;
  std::string principal_;
  std::optional<SystemTime> expiry_;
  OAuthBearerExtensions extensions_;
  Error pending_error_;
  State state_ = State::initial;
};

}  // namespace kafkit::net::sasl
