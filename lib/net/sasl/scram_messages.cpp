#include "net/sasl/scram_messages.hpp"

#include <charconv>
#include <limits>

#include "net/sasl/base64.hpp"
#include "net/sasl/sasl_errors.hpp"

namespace kafkit::net::sasl {
namespace {

Error malformed(std::string_view which, std::string_view why) {
  return Error{errc::malformed, "SCRAM: malformed " + std::string(which) + ": " + std::string(why)};
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

struct Attribute {
  std::string_view name;  // one letter for the RFC attributes; Kafka's extensions are words
  std::string_view value;
};

// Splits "a=x,b=y" into attributes. Every attribute needs a name of letters/digits starting
// with a letter, '=', and a value without ',' (RFC 5802 `value`: at least one character).
Result<std::vector<Attribute>> split_attributes(std::string_view text, std::string_view which) {
  std::vector<Attribute> out;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return malformed(which,
                       "attribute '" + std::string(item.substr(0, 32)) + "' is not name=value");
    }
    std::string_view name = item.substr(0, eq);
    if (!is_alpha(name[0])) return malformed(which, "attribute name must start with a letter");
    for (char c : name) {
      if (!is_alpha(c) && !is_digit(c))
        return malformed(which, "attribute name has a bad character");
    }
    std::string_view value = item.substr(eq + 1);
    if (value.empty())
      return malformed(which, "attribute '" + std::string(name) + "' has no value");
    for (char c : value) {
      if (c == '\0') return malformed(which, "NUL byte in attribute value");
    }
    out.push_back({name, value});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<void> check_size(std::string_view message, std::string_view which) {
  if (message.empty()) return malformed(which, "empty message");
  if (message.size() > kMaxScramMessage) {
    return malformed(which, "longer than " + std::to_string(kMaxScramMessage) + " bytes");
  }
  return {};
}

// RFC 5802 §5.1: 'm' is reserved for a mandatory extension; none is defined, so a message
// carrying one cannot be understood and the exchange must fail.
Result<void> refuse_mandatory_extension(const std::vector<Attribute>& attrs,
                                        std::string_view which) {
  if (!attrs.empty() && attrs[0].name == "m") {
    return malformed(which, "unsupported mandatory extension (m=)");
  }
  return {};
}

Result<void> expect(const std::vector<Attribute>& attrs, std::size_t index, std::string_view name,
                    std::string_view which) {
  if (index >= attrs.size() || attrs[index].name != name) {
    return malformed(which, "expected attribute '" + std::string(name) + "=' at position " +
                                std::to_string(index + 1));
  }
  return {};
}

ScramExtensions extensions_from(const std::vector<Attribute>& attrs, std::size_t first,
                                std::size_t end) {
  ScramExtensions out;
  for (std::size_t i = first; i < end; ++i) {
    out.emplace_back(std::string(attrs[i].name), std::string(attrs[i].value));
  }
  return out;
}

}  // namespace

std::string escape_saslname(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == '=') {
      out += "=3D";
    } else if (c == ',') {
      out += "=2C";
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string> unescape_saslname(std::string_view saslname) {
  if (saslname.empty()) return malformed("saslname", "empty");
  std::string out;
  out.reserve(saslname.size());
  for (std::size_t i = 0; i < saslname.size(); ++i) {
    char c = saslname[i];
    if (c == '\0' || c == ',') return malformed("saslname", "NUL or ',' in name");
    if (c != '=') {
      out += c;
      continue;
    }
    std::string_view code = saslname.substr(i + 1, 2);
    if (code == "3D") {
      out += '=';
    } else if (code == "2C") {
      out += ',';
    } else {
      return malformed("saslname", "'=' not followed by 2C or 3D");
    }
    i += 2;
  }
  if (!is_valid_utf8(out)) return malformed("saslname", "not UTF-8");
  return out;
}

bool is_scram_nonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (char ch : nonce) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return true;
}

std::string format_client_first(std::string_view username, std::string_view nonce,
                                const ScramExtensions& extensions) {
  std::string out = "n,,n=" + escape_saslname(username) + ",r=" + std::string(nonce);
  for (const auto& [name, value] : extensions) out += "," + name + "=" + value;
  return out;
}

Result<ClientFirstMessage> parse_client_first(std::string_view message) {
  constexpr std::string_view which = "client-first message";
  if (auto size = check_size(message, which); !size) return size.error();
  ClientFirstMessage out;
  // gs2-header. Kafka uses no channel binding: only the 'n' flag is accepted ('y' and 'p='
  // would make the server check a binding it cannot offer over this transport).
  if (message.size() < 3 || message.substr(0, 2) != "n,") {
    if (message.starts_with("p=") || message.starts_with("y,")) {
      return malformed(which, "channel binding is not supported (gs2 flag must be 'n')");
    }
    return malformed(which, "must start with the gs2 header \"n,\"");
  }
  std::size_t header_end = message.find(',', 2);
  if (header_end == std::string_view::npos) return malformed(which, "gs2 header has no end");
  std::string_view authz = message.substr(2, header_end - 2);
  if (!authz.empty()) {
    if (!authz.starts_with("a=")) return malformed(which, "gs2 authzid must be a=saslname");
    auto name = unescape_saslname(authz.substr(2));
    if (!name) return malformed(which, "authzid: " + name.error().message);
    out.authzid = std::move(*name);
  }
  out.gs2_header = std::string(message.substr(0, header_end + 1));
  out.bare = std::string(message.substr(header_end + 1));
  auto attrs = split_attributes(out.bare, which);
  if (!attrs) return attrs.error();
  if (auto m = refuse_mandatory_extension(*attrs, which); !m) return m.error();
  if (auto e = expect(*attrs, 0, "n", which); !e) return e.error();
  if (auto e = expect(*attrs, 1, "r", which); !e) return e.error();
  auto user = unescape_saslname((*attrs)[0].value);
  if (!user) return malformed(which, "username: " + user.error().message);
  out.username = std::move(*user);
  if (!is_scram_nonce((*attrs)[1].value)) return malformed(which, "nonce is not printable ASCII");
  out.nonce = std::string((*attrs)[1].value);
  out.extensions = extensions_from(*attrs, 2, attrs->size());
  return out;
}

std::string format_server_first(std::string_view nonce, std::span<const std::uint8_t> salt,
                                int iterations) {
  return "r=" + std::string(nonce) + ",s=" + base64_encode(salt) +
         ",i=" + std::to_string(iterations);
}

Result<ServerFirstMessage> parse_server_first(std::string_view message) {
  constexpr std::string_view which = "server-first message";
  if (auto size = check_size(message, which); !size) return size.error();
  if (message.starts_with("e=")) {
    return Error{errc::authentication_failed,
                 "SCRAM: server refused: " + std::string(message.substr(2, 256))};
  }
  auto attrs = split_attributes(message, which);
  if (!attrs) return attrs.error();
  if (auto m = refuse_mandatory_extension(*attrs, which); !m) return m.error();
  for (std::size_t i = 0; i < 3; ++i) {
    if (auto e = expect(*attrs, i, std::string_view("rsi").substr(i, 1), which); !e)
      return e.error();
  }
  ServerFirstMessage out;
  if (!is_scram_nonce((*attrs)[0].value)) return malformed(which, "nonce is not printable ASCII");
  out.nonce = std::string((*attrs)[0].value);
  auto salt = base64_decode((*attrs)[1].value);
  if (!salt || salt->empty()) return malformed(which, "salt is not non-empty base64");
  out.salt = std::move(*salt);
  // posit-number = %x31-39 *DIGIT. Values beyond int are reported as such so the client's
  // range check names them instead of calling them malformed.
  std::string_view digits = (*attrs)[2].value;
  if (digits[0] == '0') return malformed(which, "iteration count must be a positive number");
  for (char c : digits) {
    if (!is_digit(c)) return malformed(which, "iteration count must be a positive number");
  }
  if (digits.size() > 9) {
    out.iterations = std::numeric_limits<int>::max();
  } else {
    std::from_chars(digits.data(), digits.data() + digits.size(), out.iterations);
  }
  return out;
}

std::string format_client_final_without_proof(std::string_view gs2_header, std::string_view nonce) {
  return "c=" + base64_encode(gs2_header) + ",r=" + std::string(nonce);
}

Result<ClientFinalMessage> parse_client_final(std::string_view message) {
  constexpr std::string_view which = "client-final message";
  if (auto size = check_size(message, which); !size) return size.error();
  auto attrs = split_attributes(message, which);
  if (!attrs) return attrs.error();
  if (auto e = expect(*attrs, 0, "c", which); !e) return e.error();
  if (auto e = expect(*attrs, 1, "r", which); !e) return e.error();
  if (attrs->size() < 3 || attrs->back().name != "p") {
    return malformed(which, "the last attribute must be the proof (p=)");
  }
  ClientFinalMessage out;
  out.channel_binding = std::string((*attrs)[0].value);
  if (!base64_decode(out.channel_binding)) return malformed(which, "channel binding is not base64");
  if (!is_scram_nonce((*attrs)[1].value)) return malformed(which, "nonce is not printable ASCII");
  out.nonce = std::string((*attrs)[1].value);
  auto proof = base64_decode(attrs->back().value);
  if (!proof) return malformed(which, "proof is not base64");
  out.proof = std::move(*proof);
  // Everything before ",p=..." is the client-final-message-without-proof of AuthMessage.
  out.without_proof =
      std::string(message.substr(0, message.size() - attrs->back().value.size() - 3));
  return out;
}

std::string format_server_final(std::span<const std::uint8_t> server_signature) {
  return "v=" + base64_encode(server_signature);
}

Result<ServerFinalMessage> parse_server_final(std::string_view message) {
  constexpr std::string_view which = "server-final message";
  if (auto size = check_size(message, which); !size) return size.error();
  auto attrs = split_attributes(message, which);
  if (!attrs) {
    // An e= value may itself be odd; still report the server's words.
    if (message.starts_with("e=")) {
      return Error{errc::authentication_failed,
                   "SCRAM: server refused: " + std::string(message.substr(2, 256))};
    }
    return attrs.error();
  }
  if ((*attrs)[0].name == "e") {
    return Error{errc::authentication_failed,
                 "SCRAM: server refused: " + std::string((*attrs)[0].value.substr(0, 256))};
  }
  if (auto e = expect(*attrs, 0, "v", which); !e) return e.error();
  auto signature = base64_decode((*attrs)[0].value);
  if (!signature) return malformed(which, "server signature is not base64");
  return ServerFinalMessage{std::move(*signature)};
}

}  // namespace kafkit::net::sasl
