#include "net/sasl/scram_client.hpp"

#include "net/sasl/base64.hpp"
#include "net/sasl/sasl_errors.hpp"

namespace kafkit::net::sasl {

ScramClient::ScramClient(ScramHash hash, std::string username, std::string password,
                         ScramClientOptions options)
    : hash_(hash),
      username_(std::move(username)),
      password_(std::move(password)),
      options_(std::move(options)) {}

ScramClient::~ScramClient() {
  wipe(password_);
}

Error ScramClient::fail(Error error) {
  state_ = State::failed;
  wipe(password_);
  expected_server_signature_.wipe();
  error.message = std::string(mechanism()) + ": " + error.message;
  return error;
}

Result<std::string> ScramClient::initial_response() {
  if (state_ != State::initial) {
    return fail(Error{errc::illegal_state, "initial response already produced"});
  }
  if (username_.empty() || username_.find('\0') != std::string::npos || !is_valid_utf8(username_)) {
    return fail(Error{kafkit::errc::invalid_argument,
                      "sasl.username must be non-empty UTF-8 without NUL bytes"});
  }
  if (options_.client_nonce.empty()) {
    auto nonce = random_nonce();
    if (!nonce) return fail(nonce.error());
    nonce_ = std::move(*nonce);
  } else {
    if (!is_scram_nonce(options_.client_nonce)) {
      return fail(Error{kafkit::errc::invalid_argument, "client nonce is not printable ASCII"});
    }
    nonce_ = options_.client_nonce;
  }
  std::string message = format_client_first(username_, nonce_, options_.extensions);
  client_first_bare_ = message.substr(3);  // after the gs2 header "n,,"
  state_ = State::sent_first;
  return message;
}

Result<std::string> ScramClient::next(std::string_view server_message) {
  switch (state_) {
    case State::sent_first: {
      auto reply = on_server_first(server_message);
      if (!reply) return fail(reply.error());
      state_ = State::sent_final;
      return reply;
    }
    case State::sent_final: {
      auto verified = on_server_final(server_message);
      if (!verified) return fail(verified.error());
      state_ = State::done;
      return std::string{};
    }
    case State::initial:
      return fail(Error{errc::illegal_state, "server message before the client-first message"});
    case State::done:
      return fail(Error{errc::illegal_state, "server message after authentication completed"});
    case State::failed:
      break;
  }
  return Error{errc::illegal_state, std::string(mechanism()) + ": exchange already failed"};
}

Result<std::string> ScramClient::on_server_first(std::string_view message) {
  auto first = parse_server_first(message);
  if (!first) return first.error();
  // RFC 5802 §5.1: the server's nonce must start with the client's and add its own part;
  // anything else could be a replayed or foreign exchange.
  if (first->nonce.size() <= nonce_.size() || !first->nonce.starts_with(nonce_)) {
    return Error{errc::authentication_failed,
                 "server nonce does not extend the client nonce (possible replay or "
                 "man-in-the-middle)"};
  }
  // RFC 7677 §4 asks for at least 4096 iterations; the ceiling keeps a broker from freezing
  // the client inside PBKDF2.
  if (first->iterations < options_.min_iterations || first->iterations > options_.max_iterations) {
    return Error{errc::authentication_failed,
                 "server iteration count " + std::to_string(first->iterations) +
                     " is outside the accepted range " + std::to_string(options_.min_iterations) +
                     ".." + std::to_string(options_.max_iterations)};
  }
  auto salted = scram_salted_password(hash_, password_, first->salt, first->iterations);
  wipe(password_);
  if (!salted) return salted.error();
  auto keys = scram_keys(hash_, *salted);
  salted->wipe();
  if (!keys) return keys.error();

  std::string without_proof = format_client_final_without_proof("n,,", first->nonce);
  std::string auth_message = client_first_bare_ + "," + std::string(message) + "," + without_proof;
  auto client_signature = scram_hmac(hash_, keys->stored_key.view(), as_bytes(auth_message));
  if (!client_signature) return client_signature.error();
  SecretBytes proof = xor_bytes(keys->client_key.view(), client_signature->view());
  auto server_signature = scram_hmac(hash_, keys->server_key.view(), as_bytes(auth_message));
  if (!server_signature) return server_signature.error();
  expected_server_signature_ = std::move(*server_signature);
  return without_proof + ",p=" + base64_encode(proof.view());
}

Result<void> ScramClient::on_server_final(std::string_view message) {
  auto final_message = parse_server_final(message);
  if (!final_message) return final_message.error();
  bool ok = constant_time_equal(final_message->server_signature, expected_server_signature_.view());
  expected_server_signature_.wipe();
  if (!ok) {
    return Error{errc::authentication_failed,
                 "server signature does not match: the server does not know the credentials "
                 "(wrong broker or man-in-the-middle)"};
  }
  return {};
}

}  // namespace kafkit::net::sasl
