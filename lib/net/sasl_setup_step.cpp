#include "net/sasl_setup_step.hpp"

#include <optional>
#include <utility>

#include "net/sasl/sasl_errors.hpp"
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

class SaslSetupStep final : public SetupStep {
 public:
  explicit SaslSetupStep(std::shared_ptr<const SaslClientConfig> config)
      : config_(std::move(config)) {}

  std::string name() const override { return "SASL/" + config_->mechanism; }

  void start(SetupContext& context, std::function<void(Result<void>)> done) override {
    context_ = &context;
    done_ = std::move(done);
    // A local failure (bad username, no token) must still be reported from the loop, not
    // inside start(): it is kept and reported when the handshake answer arrives.
    sasl::ClientCredentials credentials = config_->credentials;
    if (config_->mechanism == "OAUTHBEARER" && config_->oauthbearer_token) {
      auto token = config_->oauthbearer_token();
      if (!token.ok()) {
        local_error_ = Error{token.error().code,
                             "cannot obtain an OAUTHBEARER token: " + token.error().message};
      } else {
        credentials.oauthbearer_token = std::move(token.value());
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
    // v1: the tokens travel in SaslAuthenticate requests (KIP-152).
    OutboundRequest out = make_request<protocol::SaslHandshakeRequest>(
        std::move(request), [this](Result<protocol::SaslHandshakeResponse> response) {
          on_handshake(std::move(response));
        });
    out.versions = VersionRange{1, 1};
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
    protocol::SaslAuthenticateRequest request;
    request.auth_bytes = as_bytes(token);
    context_->send_setup_request(make_request<protocol::SaslAuthenticateRequest>(
        std::move(request), [this](Result<protocol::SaslAuthenticateResponse> response) {
          on_authenticate(std::move(response));
        }));
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
    auto reply = mechanism_->next(as_text(r.auth_bytes));
    if (!reply.ok()) {
      return finish(Error{reply.error().code, "broker " + context_->broker() + " failed " +
                                                  config_->mechanism +
                                                  " authentication: " + reply.error().message});
    }
    if (mechanism_->done()) {
      // KIP-368: kept for re-authentication, which is not implemented yet.
      session_lifetime_ = std::chrono::milliseconds(r.session_lifetime_ms);
      return finish({});
    }
    send_token(reply.value());
  }

  std::shared_ptr<const SaslClientConfig> config_;
  SetupContext* context_ = nullptr;  /// @thread loop (every member)
  std::function<void(Result<void>)> done_;
  std::unique_ptr<sasl::ClientMechanism> mechanism_;
  std::optional<Error> local_error_;
  std::chrono::milliseconds session_lifetime_{0};
};

}  // namespace

bool is_authentication_error(int code) noexcept {
  return code == sasl::errc::authentication_failed || code == sasl::errc::unsupported_mechanism ||
         code == sasl::errc::illegal_state;
}

SetupStepFactory make_sasl_setup_step(std::shared_ptr<const SaslClientConfig> config) {
  return
      [config]() -> std::unique_ptr<SetupStep> { return std::make_unique<SaslSetupStep>(config); };
}

}  // namespace kafkit::net
