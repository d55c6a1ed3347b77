#include "net/sasl/oauthbearer.hpp"

#include <vector>

#include "net/sasl/sasl_errors.hpp"
#include "net/sasl/scram_messages.hpp"
#include "net/sasl/secret.hpp"

namespace kafkit::net::sasl {
namespace {

constexpr char kSep = '\x01';

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_extension_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!is_alpha(c)) return false;
  }
  return true;
}

bool is_extension_value(std::string_view value) {
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    bool ok = (c >= 0x21 && c <= 0x7E) || c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (!ok) return false;
  }
  return true;
}

Error malformed(std::string_view why) {
  return Error{errc::malformed, "SASL/OAUTHBEARER: malformed client message: " + std::string(why)};
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? char(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? char(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace

bool is_bearer_token(std::string_view token) {
  std::size_t i = 0;
  for (; i < token.size(); ++i) {
    char c = token[i];
    if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
          c == '/')) {
      break;
    }
  }
  if (i == 0) return false;
  for (; i < token.size(); ++i) {
    if (token[i] != '=') return false;
  }
  return true;
}

Result<void> validate_oauthbearer_extensions(const OAuthBearerExtensions& extensions) {
  for (const auto& [key, value] : extensions) {
    if (key == "auth") {
      return Error{kafkit::errc::invalid_argument,
                   "SASL/OAUTHBEARER: extension name \"auth\" is reserved"};
    }
    if (!is_extension_key(key)) {
      return Error{kafkit::errc::invalid_argument,
                   "SASL/OAUTHBEARER: extension name '" + key + "' must be letters only"};
    }
    if (!is_extension_value(value)) {
      return Error{kafkit::errc::invalid_argument,
                   "SASL/OAUTHBEARER: extension '" + key + "' has characters RFC 7628 forbids"};
    }
  }
  return {};
}

Result<std::string> oauthbearer_client_message(std::string_view token,
                                               const OAuthBearerExtensions& extensions,
                                               std::string_view authzid) {
  if (!is_bearer_token(token)) {
    return Error{kafkit::errc::invalid_argument,
                 "SASL/OAUTHBEARER: the token is empty or not an RFC 6750 bearer token"};
  }
  if (auto ok = validate_oauthbearer_extensions(extensions); !ok) return ok.error();
  if (authzid.find('\0') != std::string_view::npos || !is_valid_utf8(authzid)) {
    return Error{kafkit::errc::invalid_argument, "SASL/OAUTHBEARER: authzid must be UTF-8"};
  }
  std::string out = "n,";
  if (!authzid.empty()) out += "a=" + escape_saslname(authzid);
  out += ',';
  out += kSep;
  out += "auth=Bearer ";
  out += token;
  out += kSep;
  for (const auto& [key, value] : extensions) {
    out += key + "=" + value;
    out += kSep;
  }
  out += kSep;
  if (out.size() > kMaxOAuthBearerMessage) {
    return Error{kafkit::errc::invalid_argument,
                 "SASL/OAUTHBEARER: token and extensions are longer than " +
                     std::to_string(kMaxOAuthBearerMessage) + " bytes"};
  }
  return out;
}

Result<OAuthBearerClientMessage> parse_oauthbearer_client_message(std::string_view message) {
  if (message.size() > kMaxOAuthBearerMessage) {
    return malformed("longer than " + std::to_string(kMaxOAuthBearerMessage) + " bytes");
  }
  if (!message.starts_with("n,")) return malformed("must start with the gs2 header \"n,\"");
  std::size_t header_end = message.find(',', 2);
  if (header_end == std::string_view::npos) return malformed("gs2 header has no end");
  OAuthBearerClientMessage out;
  std::string_view authz = message.substr(2, header_end - 2);
  if (!authz.empty()) {
    if (!authz.starts_with("a=")) return malformed("gs2 authzid must be a=saslname");
    auto name = unescape_saslname(authz.substr(2));
    if (!name) return malformed("authzid: " + name.error().message);
    out.authzid = std::move(*name);
  }
  std::string_view rest = message.substr(header_end + 1);
  // %x01 kvpair %x01 ... kvpair %x01 %x01
  if (rest.size() < 2 || rest.front() != kSep || !rest.ends_with("\x01\x01")) {
    return malformed("key/value pairs must be framed by 0x01 and end with 0x01 0x01");
  }
  std::string_view pairs = rest.substr(1, rest.size() - 2);  // each pair followed by 0x01
  bool have_auth = false;
  std::size_t start = 0;
  while (start < pairs.size()) {
    std::size_t end = pairs.find(kSep, start);
    if (end == std::string_view::npos) return malformed("unterminated key/value pair");
    std::string_view pair = pairs.substr(start, end - start);
    start = end + 1;
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return malformed("key/value pair without '='");
    std::string_view key = pair.substr(0, eq);
    std::string_view value = pair.substr(eq + 1);
    if (!is_extension_key(key)) return malformed("key must be letters only");
    if (!is_extension_value(value)) return malformed("value has forbidden characters");
    if (key == "auth") {
      if (have_auth) return malformed("auth given twice");
      have_auth = true;
      std::size_t space = value.find(' ');
      if (space == std::string_view::npos || !iequals(value.substr(0, space), "bearer")) {
        return malformed("auth must be \"Bearer <token>\"");
      }
      std::string_view token = value.substr(space);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      if (!is_bearer_token(token)) return malformed("the bearer token has forbidden characters");
      out.token = std::string(token);
    } else if (!out.extensions.emplace(std::string(key), std::string(value)).second) {
      return malformed("extension '" + std::string(key) + "' given twice");
    }
  }
  if (!have_auth) return malformed("no auth=Bearer pair");
  return out;
}

OAuthBearerClient::OAuthBearerClient(std::string token, OAuthBearerExtensions extensions,
                                     std::string authzid)
    : token_(std::move(token)), extensions_(std::move(extensions)), authzid_(std::move(authzid)) {}

OAuthBearerClient::~OAuthBearerClient() {
  wipe(token_);
}

Result<std::string> OAuthBearerClient::initial_response() {
  if (state_ != State::initial) {
    state_ = State::failed;
    return Error{errc::illegal_state, "SASL/OAUTHBEARER: initial response already produced"};
  }
  auto message = oauthbearer_client_message(token_, extensions_, authzid_);
  wipe(token_);
  if (!message) {
    state_ = State::failed;
    return message.error();
  }
  state_ = State::sent;
  return message;
}

Result<std::string> OAuthBearerClient::next(std::string_view server_message) {
  switch (state_) {
    case State::sent:
      if (server_message.empty()) {
        state_ = State::done;
        return std::string{};
      }
      // RFC 7628 §3.2.2: answer an error challenge with a lone %x01 so that the server can
      // finish the exchange with a failure.
      server_error_ = std::string(server_message.substr(0, 1024));
      state_ = State::acknowledged_error;
      return std::string(1, kSep);
    case State::acknowledged_error:
      state_ = State::failed;
      return Error{errc::authentication_failed,
                   "SASL/OAUTHBEARER: the server rejected the token: " + server_error_};
    case State::initial:
    case State::done:
    case State::failed:
      break;
  }
  state_ = State::failed;
  return Error{errc::illegal_state, "SASL/OAUTHBEARER: unexpected server message"};
}

}  // namespace kafkit::net::sasl
