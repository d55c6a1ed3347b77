#include "net/sasl/plain.hpp"

#include "net/sasl/sasl_errors.hpp"
#include "net/sasl/secret.hpp"

namespace kafkit::net::sasl {
namespace {

Error malformed(std::string_view why) {
  return Error{errc::malformed, "SASL/PLAIN: malformed message: " + std::string(why)};
}

Error invalid(std::string_view why) {
  return Error{kafkit::errc::invalid_argument, "SASL/PLAIN: " + std::string(why)};
}

bool has_nul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

}  // namespace

Result<std::string> plain_client_message(std::string_view authzid, std::string_view username,
                                         std::string_view password) {
  if (username.empty()) return invalid("sasl.username is empty");
  if (password.empty()) return invalid("sasl.password is empty");
  if (has_nul(authzid) || has_nul(username) || has_nul(password)) {
    return invalid("username, password and authzid must not contain NUL bytes");
  }
  if (!authzid.empty() && authzid != username) {
    return invalid("the authorization id must be empty or equal the username");
  }
  if (authzid.size() + username.size() + password.size() + 2 > kMaxPlainMessage) {
    return invalid("username and password are longer than " + std::to_string(kMaxPlainMessage) +
                   " bytes together");
  }
  std::string out;
  out.reserve(authzid.size() + username.size() + password.size() + 2);
  out.append(authzid).append(1, '\0').append(username).append(1, '\0').append(password);
  return out;
}

PlainMessage::~PlainMessage() {
  wipe(password);
}

Result<PlainMessage> parse_plain_message(std::string_view message) {
  if (message.size() > kMaxPlainMessage) {
    return malformed("longer than " + std::to_string(kMaxPlainMessage) + " bytes");
  }
  std::size_t first = message.find('\0');
  if (first == std::string_view::npos)
    return malformed("expected authzid NUL username NUL password");
  std::size_t second = message.find('\0', first + 1);
  if (second == std::string_view::npos)
    return malformed("expected authzid NUL username NUL password");
  if (message.find('\0', second + 1) != std::string_view::npos) {
    return malformed("more than two NUL separators");
  }
  PlainMessage out;
  out.authzid = std::string(message.substr(0, first));
  out.username = std::string(message.substr(first + 1, second - first - 1));
  out.password = std::string(message.substr(second + 1));
  if (!is_valid_utf8(out.authzid) || !is_valid_utf8(out.username) || !is_valid_utf8(out.password)) {
    return malformed("fields must be UTF-8");
  }
  // Kafka's PlainSaslServer: both credentials required, authzid only as the username itself.
  if (out.username.empty()) {
    return Error{errc::authentication_failed, "Authentication failed: username not specified"};
  }
  if (out.password.empty()) {
    return Error{errc::authentication_failed, "Authentication failed: password not specified"};
  }
  if (!out.authzid.empty() && out.authzid != out.username) {
    return Error{errc::authentication_failed,
                 "Authentication failed: Client requested an authorization id that is different "
                 "from username"};
  }
  return out;
}

PlainClient::PlainClient(std::string username, std::string password, std::string authzid)
    : username_(std::move(username)),
      password_(std::move(password)),
      authzid_(std::move(authzid)) {}

PlainClient::~PlainClient() {
  wipe(password_);
}

Result<std::string> PlainClient::initial_response() {
  if (state_ != State::initial) {
    return Error{errc::illegal_state, "SASL/PLAIN: initial response already produced"};
  }
  auto message = plain_client_message(authzid_, username_, password_);
  wipe(password_);  // not needed again: PLAIN has a single client message
  if (!message) {
    state_ = State::failed;
    return message.error();
  }
  state_ = State::sent;
  return message;
}

Result<std::string> PlainClient::next(std::string_view server_message) {
  if (state_ != State::sent) {
    state_ = State::failed;
    return Error{errc::illegal_state, "SASL/PLAIN: unexpected server message"};
  }
  // RFC 4616 has no server challenge: success is an empty token (a failure arrives as a
  // SaslAuthenticate error or a closed connection instead).
  if (!server_message.empty()) {
    state_ = State::failed;
    return Error{errc::malformed, "SASL/PLAIN: server sent a non-empty token (" +
                                      std::to_string(server_message.size()) + " bytes)"};
  }
  state_ = State::done;
  return std::string{};
}

PlainServer::PlainServer(PlainVerifier verifier) : verifier_(std::move(verifier)) {}

Result<std::string> PlainServer::next(std::string_view client_message) {
  if (used_) return Error{errc::illegal_state, "SASL/PLAIN: unexpected second client message"};
  used_ = true;
  auto message = parse_plain_message(client_message);
  if (!message) return message.error();
  if (!verifier_ || !verifier_(message->username, message->password)) {
    return Error{errc::authentication_failed,
                 "Authentication failed: Invalid username or password"};
  }
  principal_ = message->username;
  done_ = true;
  return std::string{};
}

}  // namespace kafkit::net::sasl
