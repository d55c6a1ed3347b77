#include "broker/sasl/sasl_gate.hpp"

#include <algorithm>
#include <utility>

#include "net/sasl/sasl_errors.hpp"
#include "protocol/header.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/sasl_authenticate.hpp"
#include "protocol/messages/sasl_handshake.hpp"
#include "protocol/reader.hpp"
#include "protocol/writer.hpp"

namespace kafkit::broker {
namespace {

namespace sasl = net::sasl;
using Action = SaslGate::Outcome::Action;

SaslGate::Outcome close_for(std::string reason) {
  return SaslGate::Outcome{Action::close, {}, std::move(reason)};
}

std::string_view text_of(const protocol::Bytes& bytes, std::size_t from = 0) {
  return {reinterpret_cast<const char*>(bytes.data()) + from, bytes.size() - from};
}

protocol::Bytes bytes_of(std::string_view text) {
  const auto* p = reinterpret_cast<const std::byte*>(text.data());
  return protocol::Bytes(p, p + text.size());
}

// A raw v0 token frame: INT32 size, then the token.
protocol::Bytes raw_frame(std::string_view token) {
  protocol::Bytes out;
  protocol::Writer w(out);
  w.i32(static_cast<std::int32_t>(token.size()));
  w.raw(bytes_of(token));
  return out;
}

}  // namespace

SaslGate::SaslGate(std::shared_ptr<const sasl::ServerAuthenticators> authenticators,
                   Options options)
    : authenticators_(std::move(authenticators)), options_(std::move(options)) {}

std::chrono::milliseconds SaslGate::lifetime_for(std::int16_t version) const {
  // KIP-368: only a SaslAuthenticate v1+ client learns the lifetime (and can re-authenticate);
  // Kafka announces one only with connections.max.reauth.ms set.
  if (version < 1 || options_.max_reauth.count() <= 0) return std::chrono::milliseconds{0};
  auto lifetime = options_.max_reauth;
  if (auto expiry = mechanism_->credential_expiry()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *expiry - std::chrono::system_clock::now());
    lifetime = std::max(std::chrono::milliseconds{1}, std::min(lifetime, left));
  }
  return lifetime;
}

SaslGate::Outcome SaslGate::on_frame(const protocol::Bytes& frame) {
  if (authenticated_) return Outcome{Action::dispatch, {}, {}};
  if (raw_tokens_) return on_raw_token(frame);
  protocol::Reader peek(frame);
  std::int16_t key = peek.i16("api_key");
  std::int16_t version = peek.i16("api_version");
  if (!peek.ok()) return close_for("a request without a header before SASL authentication");
  if (key == protocol::ApiVersionsRequest::api_key) return Outcome{Action::dispatch, {}, {}};
  const protocol::ApiInfo* api = protocol::find_api(key);
  bool known = api != nullptr && version >= api->min_version && version <= api->max_version;
  if (!known || (key != protocol::SaslHandshakeRequest::api_key &&
                 key != protocol::SaslAuthenticateRequest::api_key)) {
    std::string name = api != nullptr ? std::string(api->name) : "API " + std::to_string(key);
    return close_for(name + " v" + std::to_string(version) +
                     " before SASL authentication (only ApiVersions, SaslHandshake and "
                     "SaslAuthenticate are allowed)");
  }
  protocol::RequestHeader header;
  protocol::Reader r(frame);
  if (auto h = header.decode(r, protocol::request_header_version(key, version)); !h)
    return close_for("bad request header: " + h.error().message);
  if (key == protocol::SaslHandshakeRequest::api_key)
    return on_handshake(frame, r.offset(), header.correlation_id, version);
  return on_authenticate(frame, r.offset(), header.correlation_id, version);
}

SaslGate::Outcome SaslGate::on_handshake(const protocol::Bytes& frame, std::size_t body,
                                         std::int32_t correlation, std::int16_t version) {
  auto request = protocol::decode_message<protocol::SaslHandshakeRequest>(
      protocol::ByteView(frame).subspan(body), version, body);
  if (!request) return close_for("undecodable SaslHandshake: " + request.error().message);
  protocol::SaslHandshakeResponse response;
  response.mechanisms = sasl::enabled_mechanisms(*authenticators_);
  if (mechanism_) {
    response.error_code = sasl::errc::illegal_state;
    return Outcome{Action::fail, protocol::frame_response(correlation, version, response),
                   "a second SaslHandshake"};
  }
  if (reauthenticating() && request->mechanism != options_.reauth_mechanism) {
    // KIP-368: a re-authentication keeps the mechanism of the first authentication.
    response.error_code = sasl::errc::unsupported_mechanism;
    response.mechanisms = {options_.reauth_mechanism};
    return Outcome{Action::fail, protocol::frame_response(correlation, version, response),
                   "re-authentication with " + request->mechanism + " instead of " +
                       options_.reauth_mechanism};
  }
  if (reauthenticating() && version == 0) {
    response.error_code = sasl::errc::illegal_state;
    return Outcome{Action::fail, protocol::frame_response(correlation, version, response),
                   "re-authentication with SaslHandshake v0"};
  }
  auto made = sasl::make_server_mechanism(request->mechanism, *authenticators_);
  if (!made) {
    // UNSUPPORTED_SASL_MECHANISM with the enabled list; Kafka then closes the connection.
    response.error_code = sasl::errc::unsupported_mechanism;
    return Outcome{Action::fail, protocol::frame_response(correlation, version, response),
                   "SASL mechanism " + request->mechanism + " is not enabled"};
  }
  mechanism_ = std::move(*made);
  mechanism_name_ = request->mechanism;
  raw_tokens_ = version == 0;
  used_v0_form_ = raw_tokens_;
  return Outcome{Action::respond, protocol::frame_response(correlation, version, response), {}};
}

SaslGate::Outcome SaslGate::on_authenticate(const protocol::Bytes& frame, std::size_t body,
                                            std::int32_t correlation, std::int16_t version) {
  auto request = protocol::decode_message<protocol::SaslAuthenticateRequest>(
      protocol::ByteView(frame).subspan(body), version, body);
  if (!request) return close_for("undecodable SaslAuthenticate: " + request.error().message);
  protocol::SaslAuthenticateResponse response;
  if (!mechanism_) {
    response.error_code = sasl::errc::illegal_state;
    response.error_message = "SaslAuthenticate before SaslHandshake";
    return Outcome{Action::fail, protocol::frame_response(correlation, version, response),
                   "SaslAuthenticate before SaslHandshake"};
  }
  auto reply = mechanism_->next(text_of(request->auth_bytes));
  if (!reply) {
    response.error_code = sasl::errc::authentication_failed;
    response.error_message = sasl::client_facing_message(reply.error(), mechanism_name_);
    return Outcome{Action::fail, protocol::frame_response(correlation, version, response),
                   mechanism_name_ + " authentication failed: " + reply.error().message};
  }
  response.auth_bytes = bytes_of(*reply);
  if (mechanism_->done()) {
    if (reauthenticating() && mechanism_->principal() != *options_.reauth_principal) {
      // KIP-368: the principal of a connection never changes.
      response.error_code = sasl::errc::authentication_failed;
      response.error_message = "re-authentication must keep the principal of the connection";
      response.auth_bytes.clear();
      return Outcome{Action::fail, protocol::frame_response(correlation, version, response),
                     "re-authentication as " + mechanism_->principal() + " on a connection of " +
                         *options_.reauth_principal};
    }
    authenticated_ = true;
    principal_ = mechanism_->principal();
    authenticate_version_ = version;
    session_lifetime_ = lifetime_for(version);
    response.session_lifetime_ms = session_lifetime_.count();
  }
  return Outcome{Action::respond, protocol::frame_response(correlation, version, response), {}};
}

SaslGate::Outcome SaslGate::on_raw_token(const protocol::Bytes& frame) {
  auto reply = mechanism_->next(text_of(frame));
  // v0 has no error response: Kafka closes the connection.
  if (!reply)
    return close_for(mechanism_name_ + " authentication failed: " + reply.error().message);
  if (mechanism_->done()) {
    authenticated_ = true;
    principal_ = mechanism_->principal();
    raw_tokens_ = false;
  }
  return Outcome{Action::respond, raw_frame(*reply), {}};
}

}  // namespace kafkit::broker
