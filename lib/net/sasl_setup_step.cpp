#include "net/sasl_setup_step.hpp"

#include <optional>
#include <utility>

#include "net/sasl/sasl_errors.hpp"
#include "net/sasl_v0_token.hpp"
#include "net/tls/tls_errors.hpp"
#include "net/typed_request.hpp"
#include "protocol/messages/sasl_authenticate.hpp"
#include "protocol/messages/sasl_handshake.hpp"

namespace kafkit::net {
namespace {

std::string as_text(const protocol::Bytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

protocol::Bytes as_bytes(std::string_view text) {
  const auto* p = reinterpret_cast<const std::byte*>(text.data());
  return protocol::Bytes(p, p + text.size());
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// The token for this attempt from the provider, checked before anything is sent.
Result<void> fetch_token(const OAuthBearerTokenProvider& provider,
                         sasl::ClientCredentials& credentials) {
  auto token = provider();
  if (!token.ok())
    return Error{token.error().code,
                 "the OAUTHBEARER token provider failed: " + token.error().message};
  if (token.value().value.empty())
    return Error{sasl::errc::authentication_failed,
                 "the OAUTHBEARER token provider returned an empty token"};
  auto now = std::chrono::system_clock::now();
  if (token.value().expiry <= now) {
    auto ago = std::chrono::duration_cast<std::chrono::seconds>(now - token.value().expiry);
    return Error{sasl::errc::authentication_failed,
                 "the OAUTHBEARER token provider returned a token" +
                     (token.value().principal.empty() ? "" : " for " + token.value().principal) +
                     " that expired " + std::to_string(ago.count()) + " s ago"};
  }
  credentials.oauthbearer_token = std::move(token.value().value);
  for (auto& [k, v] : token.value().extensions) credentials.oauthbearer_extensions[k] = v;
  return {};
}

class SaslSetupStep final : public SetupStep {
 public:
  explicit SaslSetupStep(std::shared_ptr<const SaslClientConfig> config)
      : config_(std::move(config)) {}

  std::string name() const override { return "SASL/" + config_->mechanism; }
  std::chrono::milliseconds session_lifetime() const override { return session_lifetime_; }

  void start(SetupContext& context, std::function<void(Result<void>)> done) override {
    context_ = &context;
    done_ = std::move(done);
    // KIP-152: a broker without SaslAuthenticate takes the tokens as bare frames after a
    // SaslHandshake v0.
    v0_form_ = context.api_versions().find(protocol::SaslAuthenticateRequest::api_key) == nullptr;
    // A local failure (bad username, no token) must still be reported from the loop, not
    // inside start(): it is kept and reported when the handshake answer arrives.
    sasl::ClientCredentials credentials = config_->credentials;
    if (config_->mechanism == "OAUTHBEARER" && config_->oauthbearer_token) {
      if (auto fetched = fetch_token(config_->oauthbearer_token, credentials); !fetched.ok()) {
        // Not retriable for this attempt, as a refused password (is_authentication_error).
        local_error_ = Error{
            sasl::errc::authentication_failed,
            "cannot authenticate to broker " + context.broker() + ": " + fetched.error().message};
      }
    }
    if (!local_error_) {
      auto made = sasl::make_client_mechanism(config_->mechanism, credentials);
      if (made.ok()) {
        mechanism_ = std::move(made.value());
      } else {
        local_error_ = made.error();
      }
    }
    protocol::SaslHandshakeRequest request;
    request.mechanism = config_->mechanism;
    OutboundRequest out = make_request<protocol::SaslHandshakeRequest>(
        std::move(request), [this](Result<protocol::SaslHandshakeResponse> response) {
          on_handshake(std::move(response));
        });
    std::int16_t version = v0_form_ ? 0 : 1;
    out.versions = VersionRange{version, version};
    context.send_setup_request(std::move(out));
  }

 private:
  void finish(Result<void> result) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(result));
  }

  void on_handshake(Result<protocol::SaslHandshakeResponse> response) {
    if (!response.ok()) return finish(response.error());
    const auto& r = response.value();
    if (r.error_code == sasl::errc::unsupported_mechanism) {
      return finish(Error{sasl::errc::unsupported_mechanism,
                          "broker " + context_->broker() + " does not enable SASL mechanism " +
                              config_->mechanism + " (enabled: " + join(r.mechanisms) + ")"});
    }
    if (r.error_code != 0) {
      return finish(Error{r.error_code, "broker " + context_->broker() +
                                            " refused SaslHandshake with error code " +
                                            std::to_string(r.error_code)});
    }
    if (local_error_) return finish(*local_error_);
    auto token = mechanism_->initial_response();
    if (!token.ok()) return finish(token.error());
    send_token(token.value());
  }

  void send_token(std::string_view token) {
    if (v0_form_) {
      context_->send_setup_request(
          make_sasl_v0_token(std::string(token),
                             [this](Result<std::string> reply) { on_v0_reply(std::move(reply)); }));
      return;
    }
    protocol::SaslAuthenticateRequest request;
    request.auth_bytes = as_bytes(token);
    context_->send_setup_request(make_request<protocol::SaslAuthenticateRequest>(
        std::move(request), [this](Result<protocol::SaslAuthenticateResponse> response) {
          on_authenticate(std::move(response));
        }));
  }

  // The server's token, whether from a SaslAuthenticate response or a bare v0 frame.
  void on_server_token(std::string_view server_token) {
    auto reply = mechanism_->next(server_token);
    if (!reply.ok()) {
      return finish(Error{reply.error().code, "broker " + context_->broker() + " failed " +
                                                  config_->mechanism +
                                                  " authentication: " + reply.error().message});
    }
    if (mechanism_->done()) return finish({});
    send_token(reply.value());
  }

  void on_v0_reply(Result<std::string> reply) {
    // v0 has no error response: a refusing broker closes the connection, and the close
    // already told the connection why.
    if (!reply.ok()) return finish(reply.error());
    on_server_token(reply.value());
  }

  void on_authenticate(Result<protocol::SaslAuthenticateResponse> response) {
    if (!response.ok()) return finish(response.error());
    const auto& r = response.value();
    if (r.error_code != 0) {
      std::string text = r.error_message.value_or("");
      return finish(Error{r.error_code, "broker " + context_->broker() + " refused " +
                                            config_->mechanism + " authentication" +
                                            (text.empty() ? "" : ": " + text) +
                                            " (not retriable: check the credentials)"});
    }
    // KIP-368: the lifetime of the session this exchange opens (v1+; 0: unlimited).
    session_lifetime_ = std::chrono::milliseconds(r.session_lifetime_ms);
    on_server_token(as_text(r.auth_bytes));
  }

  std::shared_ptr<const SaslClientConfig> config_;
  SetupContext* context_ = nullptr;  /// @thread loop (every member)
  std::function<void(Result<void>)> done_;
  std::unique_ptr<sasl::ClientMechanism> mechanism_;
  std::optional<Error> local_error_;
  bool v0_form_ = false;
  std::chrono::milliseconds session_lifetime_{0};
};

}  // namespace

bool is_authentication_error(int code) noexcept {
  return code == sasl::errc::authentication_failed || code == sasl::errc::unsupported_mechanism ||
         code == sasl::errc::illegal_state || code == tls::errc::certificate_refused;
}

SetupStepFactory make_sasl_setup_step(std::shared_ptr<const SaslClientConfig> config) {
  return
      [config]() -> std::unique_ptr<SetupStep> { return std::make_unique<SaslSetupStep>(config); };
}

}  // namespace kafkit::net
