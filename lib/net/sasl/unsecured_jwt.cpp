#include "net/sasl/unsecured_jwt.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "net/sasl/base64.hpp"
#include "net/sasl/sasl_errors.hpp"
#include "net/sasl/secret.hpp"

namespace kafkit::net::sasl {
namespace {

using json = nlohmann::json;

// Seconds since the epoch with millisecond precision, as a JSON number.
std::string seconds_text(SystemTime t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  char buffer[48];
  long long whole = ms / 1000;
  long long frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    whole -= 1;
  }
  std::snprintf(buffer, sizeof buffer, "%lld.%03lld", whole, frac);
  return buffer;
}

Error invalid_token(std::string_view why) {
  return Error{errc::authentication_failed, "invalid_token: " + std::string(why)};
}

Error bad_encoding(std::string_view why) {
  return Error{errc::malformed, "invalid_token: " + std::string(why)};
}

// nlohmann's parser is iterative, but a bound on nesting keeps hostile tokens cheap to
// reject and the JSON tree shallow.
bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

Result<json> decode_part(std::string_view part, std::string_view which) {
  auto bytes = base64url_decode(part);
  if (!bytes) return bad_encoding(std::string(which) + " is not base64url");
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  if (!nesting_within(text, 16)) return bad_encoding(std::string(which) + " nests too deeply");
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    return bad_encoding(std::string(which) + " is not a JSON object");
  }
  return value;
}

// A NumericDate (RFC 7519 §2): seconds, possibly fractional. Bounded so that the time
// point, and it plus a clock skew, fit system_clock (nanoseconds on libstdc++: up to
// 9.2e9 s, the year 2262): 8e9 s is the year 2223. The former bound of 1e11 s overflowed
// the conversion to nanoseconds (UBSan, found by sasl-fuzzer).
constexpr double kMaxNumericDate = 8e9;

std::optional<SystemTime> numeric_date(const json& value) {
  if (!value.is_number()) return std::nullopt;
  double seconds = value.get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxNumericDate) return std::nullopt;
  return SystemTime(std::chrono::milliseconds(std::llround(seconds * 1000.0)));
}

std::vector<std::string> split_scope(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<std::string> build_unsecured_jwt(const UnsecuredJwtSpec& spec) {
  auto invalid = [](std::string_view why) {
    return Error{kafkit::errc::invalid_argument, "sasl.oauthbearer.config: " + std::string(why)};
  };
  if (spec.principal.empty()) return invalid("principal is required");
  if (spec.principal_claim.empty() || spec.scope_claim.empty()) return invalid("empty claim name");
  if (spec.lifetime.count() <= 0) return invalid("lifeSeconds must be positive");
  std::vector<std::string_view> texts{spec.principal, spec.principal_claim, spec.scope_claim};
  for (const auto& scope : spec.scopes) texts.push_back(scope);
  for (auto text : texts) {
    if (!is_valid_utf8(text)) return invalid("principal, scopes and claim names must be UTF-8");
  }
  if (spec.principal_claim == spec.scope_claim || spec.principal_claim == "iat" ||
      spec.principal_claim == "exp" || spec.scope_claim == "iat" || spec.scope_claim == "exp") {
    return invalid("claim names must differ from each other and from iat/exp");
  }
  // Written by hand to keep the claim order (principal, iat, exp, scope) and the number
  // format stable; strings go through nlohmann's escaping.
  std::string claims = "{" + json(spec.principal_claim).dump() + ":" + json(spec.principal).dump() +
                       ",\"iat\":" + seconds_text(spec.issued_at) +
                       ",\"exp\":" + seconds_text(spec.issued_at + spec.lifetime);
  if (!spec.scopes.empty())
    claims += "," + json(spec.scope_claim).dump() + ":" + json(spec.scopes).dump();
  claims += "}";
  return base64url_encode(std::string_view("{\"alg\":\"none\"}")) + "." + base64url_encode(claims) +
         ".";
}

Result<UnsecuredJwtConfig> parse_unsecured_jwt_config(std::string_view text) {
  auto invalid = [](std::string_view why) {
    return Error{kafkit::errc::invalid_argument, "sasl.oauthbearer.config: " + std::string(why)};
  };
  UnsecuredJwtConfig out;
  std::size_t start = 0;
  while (start < text.size()) {
    if (text[start] == ' ') {
      ++start;
      continue;
    }
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    start = end;
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
      return invalid("expected name=value, got '" + std::string(item) + "'");
    }
    std::string_view name = item.substr(0, eq);
    std::string_view value = item.substr(eq + 1);
    if (name == "principal") {
      out.spec.principal = std::string(value);
    } else if (name == "principalClaimName") {
      out.spec.principal_claim = std::string(value);
    } else if (name == "scopeClaimName") {
      out.spec.scope_claim = std::string(value);
    } else if (name == "scope") {
      out.spec.scopes = split_scope(value, ',');
    } else if (name == "lifeSeconds") {
      long long seconds = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc{} || p != value.data() + value.size() || seconds <= 0 ||
          seconds > 100LL * 365 * 24 * 3600) {
        return invalid("lifeSeconds must be a positive number of seconds");
      }
      out.spec.lifetime = std::chrono::seconds(seconds);
    } else if (name.starts_with("extension_")) {
      out.extensions[std::string(name.substr(10))] = std::string(value);
    } else {
      return invalid("unknown name '" + std::string(name) + "'");
    }
  }
  if (out.spec.principal.empty()) return invalid("principal=<name> is required");
  if (auto ok = validate_oauthbearer_extensions(out.extensions); !ok) {
    return invalid(ok.error().message);
  }
  return out;
}

Result<ValidatedToken> validate_unsecured_jwt(std::string_view token,
                                              const UnsecuredJwtPolicy& policy, SystemTime now) {
  if (token.size() > kMaxOAuthBearerMessage) return bad_encoding("token too long");
  std::size_t dot1 = token.find('.');
  std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return bad_encoding("a JWS needs exactly three dot-separated parts");
  }
  if (dot2 + 1 != token.size())
    return invalid_token("an unsecured JWS must have an empty signature");
  auto header = decode_part(token.substr(0, dot1), "header");
  if (!header) return header.error();
  auto claims = decode_part(token.substr(dot1 + 1, dot2 - dot1 - 1), "claims");
  if (!claims) return claims.error();

  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "none") {
    return invalid_token("header alg must be \"none\" for an unsecured token");
  }
  ValidatedToken out;
  const json& c = *claims;
  auto exp = c.find("exp");
  if (exp == c.end()) return invalid_token("no exp claim");
  auto expires = numeric_date(*exp);
  if (!expires) return invalid_token("exp is not a number of seconds");
  out.expires_at = *expires;
  if (auto iat = c.find("iat"); iat != c.end()) {
    auto issued = numeric_date(*iat);
    if (!issued) return invalid_token("iat is not a number of seconds");
    if (*issued > now + policy.allowable_clock_skew) return invalid_token("iat is in the future");
    if (*issued > out.expires_at) return invalid_token("iat is after exp");
    out.issued_at = issued;
  }
  if (out.expires_at + policy.allowable_clock_skew <= now)
    return invalid_token("the token has expired");
  auto principal = c.find(policy.principal_claim);
  if (principal == c.end() || !principal->is_string() || principal->get<std::string>().empty()) {
    return invalid_token("no non-empty string '" + policy.principal_claim + "' claim");
  }
  out.principal = principal->get<std::string>();
  if (auto scope = c.find(policy.scope_claim); scope != c.end()) {
    if (scope->is_string()) {
      out.scopes = split_scope(scope->get<std::string>(), ' ');
    } else if (scope->is_array()) {
      for (const auto& item : *scope) {
        if (!item.is_string()) return invalid_token("scope array holds a non-string");
        out.scopes.push_back(item.get<std::string>());
      }
    } else {
      return invalid_token("scope must be a string or an array of strings");
    }
  }
  for (const auto& required : policy.required_scopes) {
    if (std::find(out.scopes.begin(), out.scopes.end(), required) == out.scopes.end()) {
      return Error{errc::authentication_failed,
                   "insufficient_scope: missing scope '" + required + "'"};
    }
  }
  out.lifetime = std::chrono::duration_cast<std::chrono::milliseconds>(out.expires_at - now);
  if (out.lifetime.count() < 0) out.lifetime = std::chrono::milliseconds(0);
  return out;
}

}  // namespace kafkit::net::sasl
