#include "net/sasl/oauthbearer_server.hpp"

#include "net/sasl/sasl_errors.hpp"

namespace kafkit::net::sasl {

OAuthBearerValidator unsecured_jwt_validator(UnsecuredJwtPolicy policy,
                                             std::function<SystemTime()> clock) {
  if (!clock) clock = [] { return std::chrono::system_clock::now(); };
  return [policy = std::move(policy), clock = std::move(clock)](std::string_view token) {
    return validate_unsecured_jwt(token, policy, clock());
  };
}

OAuthBearerServer::OAuthBearerServer(OAuthBearerValidator validator)
    : validator_(std::move(validator)) {}

Result<std::string> OAuthBearerServer::next(std::string_view client_message) {
  switch (state_) {
    case State::initial: {
      auto message = parse_oauthbearer_client_message(client_message);
      if (!message) {
        state_ = State::failed;
        return message.error();
      }
      auto token = validator_ ? validator_(message->token)
                              : Result<ValidatedToken>(Error{errc::authentication_failed,
                                                             "no token validator configured"});
      if (token && !message->authzid.empty() && message->authzid != token->principal) {
        token = Error{errc::authentication_failed,
                      "Authentication failed: Client requested an authorization id that is "
                      "different from the token's principal"};
      }
      if (!token) {
        // RFC 7628 §3.2.2: refuse with an error challenge; the failure itself follows the
        // client's %x01 acknowledgement.
        pending_error_ =
            Error{errc::authentication_failed, "Authentication failed: " + token.error().message};
        state_ = State::challenged;
        return std::string(R"({"status":"invalid_token"})");
      }
      principal_ = token->principal;
      expiry_ = token->expires_at;
      extensions_ = std::move(message->extensions);
      state_ = State::done;
      return std::string{};
    }
    case State::challenged:
      state_ = State::failed;
      if (client_message != "\x01") {
        return Error{errc::malformed,
                     "SASL/OAUTHBEARER: expected the 0x01 acknowledgement of the error challenge"};
      }
      return pending_error_;
    case State::done:
    case State::failed:
      break;
  }
  state_ = State::failed;
  return Error{errc::illegal_state, "SASL/OAUTHBEARER: unexpected client message"};
}

}  // namespace kafkit::net::sasl
