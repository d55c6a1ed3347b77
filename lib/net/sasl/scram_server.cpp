#include "net/sasl/scram_server.hpp"

#include "net/sasl/base64.hpp"
#include "net/sasl/sasl_errors.hpp"
#include "net/sasl/scram_messages.hpp"

namespace kafkit::net::sasl {
namespace {

Error invalid_credentials(ScramHash hash) {
  // Kafka's wording; the same for an unknown user and a wrong password.
  return Error{errc::authentication_failed,
               "Authentication failed during authentication due to invalid credentials with SASL "
               "mechanism " +
                   std::string(scram_mechanism_name(hash))};
}

// RFC 5802 §5.1: a server should not reveal whether a user exists. For an unknown user the
// exchange continues with a made-up credential and fails only at the proof, like a wrong
// password. Its salt is an HMAC of the name under a per-process random key, so repeated
// attempts for one name see one stable salt, as they would for a real user.
Result<ScramCredential> simulated_credential(ScramHash hash, std::string_view username) {
  static const Result<Bytes> key = random_bytes(32);
  if (!key) return key.error();
  auto salt = scram_hmac(hash, *key, as_bytes(username));
  if (!salt) return salt.error();
  auto unguessable = random_bytes(scram_digest_size(hash));
  if (!unguessable) return unguessable.error();
  ScramCredential out;
  out.salt.assign(salt->data(), salt->data() + 32);
  out.iterations = kScramMinIterations;
  out.stored_key = SecretBytes(*unguessable);
  out.server_key = SecretBytes(*unguessable);
  return out;
}

}  // namespace

ScramServer::ScramServer(ScramHash hash, ScramCredentialLookup lookup, ScramServerOptions options)
    : hash_(hash), lookup_(std::move(lookup)), options_(std::move(options)) {}

Error ScramServer::fail(Error error) {
  state_ = State::failed;
  credential_.reset();
  return error;
}

Result<std::string> ScramServer::next(std::string_view client_message) {
  switch (state_) {
    case State::initial: {
      auto reply = on_client_first(client_message);
      if (!reply) return fail(reply.error());
      state_ = State::sent_first;
      return reply;
    }
    case State::sent_first: {
      auto reply = on_client_final(client_message);
      if (!reply) return fail(reply.error());
      state_ = State::done;
      return reply;
    }
    case State::done:
      return fail(
          Error{errc::illegal_state,
                std::string(mechanism()) + ": client message after authentication completed"});
    case State::failed:
      break;
  }
  return Error{errc::illegal_state, std::string(mechanism()) + ": exchange already failed"};
}

Result<std::string> ScramServer::on_client_first(std::string_view message) {
  auto first = parse_client_first(message);
  if (!first) return first.error();
  if (!first->authzid.empty() && first->authzid != first->username) {
    return Error{errc::authentication_failed,
                 "Authentication failed: Client requested an authorization id that is different "
                 "from username"};
  }
  for (const auto& [name, value] : first->extensions) {
    if (name == "tokenauth" && value == "true") {
      return Error{errc::authentication_failed,
                   "Authentication failed: delegation tokens are not supported"};
    }
  }
  credential_ = lookup_ ? lookup_(first->username) : std::nullopt;
  if (!credential_ || credential_->stored_key.size() != scram_digest_size(hash_) ||
      credential_->server_key.size() != scram_digest_size(hash_) || credential_->salt.empty()) {
    auto simulated = simulated_credential(hash_, first->username);
    if (!simulated) return simulated.error();
    credential_ = std::move(*simulated);
    unknown_user_ = true;
  }
  std::string server_part = options_.server_nonce;
  if (server_part.empty()) {
    auto fresh = random_nonce();
    if (!fresh) return fresh.error();
    server_part = std::move(*fresh);
  } else if (!is_scram_nonce(server_part)) {
    return Error{kafkit::errc::invalid_argument, "server nonce is not printable ASCII"};
  }
  username_ = std::move(first->username);
  gs2_header_ = std::move(first->gs2_header);
  client_first_bare_ = std::move(first->bare);
  client_nonce_ = first->nonce;
  nonce_ = first->nonce + server_part;
  server_first_ = format_server_first(nonce_, credential_->salt, credential_->iterations);
  return server_first_;
}

Result<std::string> ScramServer::on_client_final(std::string_view message) {
  auto final_message = parse_client_final(message);
  if (!final_message) return final_message.error();
  // Channel binding data must repeat the gs2 header (RFC 5802 §7 "cbind-input").
  if (final_message->channel_binding != base64_encode(gs2_header_)) {
    return Error{errc::authentication_failed,
                 "Authentication failed: channel binding does not match the gs2 header"};
  }
  // librdkafka (seen with 2.0.2) sends its client nonce again in front of the combined
  // nonce; Kafka's broker accepts a final nonce that ends with the combined one. Only that
  // exact form is accepted besides RFC 5802's: the server's whole nonce is in it either way,
  // and the proof covers the message as sent.
  if (final_message->nonce != nonce_ && final_message->nonce != client_nonce_ + nonce_) {
    return Error{errc::authentication_failed, "Authentication failed: Invalid client nonce"};
  }
  if (final_message->proof.size() != scram_digest_size(hash_)) return invalid_credentials(hash_);

  std::string auth_message =
      client_first_bare_ + "," + server_first_ + "," + final_message->without_proof;
  auto client_signature = scram_hmac(hash_, credential_->stored_key.view(), as_bytes(auth_message));
  if (!client_signature) return client_signature.error();
  SecretBytes client_key = xor_bytes(final_message->proof, client_signature->view());
  auto stored_key = scram_hash(hash_, client_key.view());
  if (!stored_key) return stored_key.error();
  if (!constant_time_equal(stored_key->view(), credential_->stored_key.view()) || unknown_user_) {
    return invalid_credentials(hash_);
  }
  auto server_signature = scram_hmac(hash_, credential_->server_key.view(), as_bytes(auth_message));
  if (!server_signature) return server_signature.error();
  principal_ = username_;
  credential_.reset();
  return format_server_final(server_signature->view());
}

}  // namespace kafkit::net::sasl
