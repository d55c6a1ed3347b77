#include "broker/sasl/broker_sasl_config.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "common/property_values.hpp"
#include "net/sasl/scram_credential.hpp"
#include "net/sasl/scram_crypto.hpp"
#include "net/sasl/secret.hpp"
#include "net/sasl/unsecured_jwt.hpp"

namespace kafkit::broker {
namespace {

namespace sasl = net::sasl;

constexpr std::string_view kMechanisms = "sasl.enabled.mechanisms";
constexpr std::string_view kUsers = "sasl.users";
constexpr std::string_view kUnsecure = "sasl.oauthbearer.unsecure";

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

Result<std::vector<std::string>> parse_mechanisms(std::string_view value) {
  auto names = split(value);
  const auto& known = sasl::supported_mechanisms();
  for (const auto& n : names)
    if (std::find(known.begin(), known.end(), n) == known.end())
      return bad_property_value(kMechanisms, value,
                                "a list of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER");
  if (names.empty()) return bad_property_value(kMechanisms, value, "at least one mechanism");
  return names;
}

// user:password pairs; the password may contain ':' (split at the first one).
Result<std::map<std::string, std::string, std::less<>>> parse_users(std::string_view value) {
  std::map<std::string, std::string, std::less<>> users;
  for (const auto& item : split(value)) {
    size_t colon = item.find(':');
    if (colon == 0 || colon == std::string::npos || colon + 1 == item.size())
      return Error{errc::invalid_argument,
                   std::string(kUsers) + ": expected user:password[,user:password...]"};
    users[item.substr(0, colon)] = item.substr(colon + 1);
  }
  return users;
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

bool is_sasl_property(std::string_view key) noexcept {
  return key == kMechanisms || key == kUsers || key == kUnsecure;
}

Result<void> validate_sasl_property(std::string_view key, std::string_view value) {
  if (key == kMechanisms) {
    if (auto r = parse_mechanisms(value); !r) return r.error();
  } else if (key == kUsers) {
    if (auto r = parse_users(value); !r) return r.error();
  } else if (key == kUnsecure) {
    if (auto r = parse_bool_property(key, value); !r) return r.error();
  }
  return {};
}

Result<std::shared_ptr<const sasl::ServerAuthenticators>> make_server_authenticators(
    const Properties& properties) {
  auto get = [&](std::string_view key, std::string_view fallback) -> std::string {
    auto it = properties.find(key);
    return it == properties.end() ? std::string(fallback) : it->second;
  };
  auto mechanisms = parse_mechanisms(get(kMechanisms, "PLAIN"));
  if (!mechanisms) return mechanisms.error();
  auto users = parse_users(get(kUsers, ""));
  if (!users) return users.error();
  auto unsecure = parse_bool_property(kUnsecure, get(kUnsecure, "false"));
  if (!unsecure) return unsecure.error();

  auto auth = std::make_shared<sasl::ServerAuthenticators>();
  for (const auto& name : *mechanisms) {
    if (name == "OAUTHBEARER") {
      if (!*unsecure)
        return Error{errc::invalid_argument,
                     std::string(kMechanisms) +
                         " enables OAUTHBEARER, which needs sasl.oauthbearer.unsecure=true "
                         "(kafkit-broker validates unsecured development tokens only)"};
      auth->oauthbearer = sasl::unsecured_jwt_validator(sasl::UnsecuredJwtPolicy{});
      continue;
    }
    if (users->empty())
      return Error{errc::invalid_argument,
                   std::string(kMechanisms) + " enables " + name + ", which needs sasl.users"};
    if (name == "PLAIN") {
      // Only a digest of each password is kept; the check compares digests in constant time.
      auto digests = std::make_shared<std::map<std::string, sasl::SecretBytes, std::less<>>>();
      for (const auto& [user, password] : *users) {
        auto digest = sasl::scram_hash(sasl::ScramHash::sha256, bytes_of(password));
        if (!digest) return digest.error();
        (*digests)[user] = std::move(*digest);
      }
      auth->plain = [digests](std::string_view user, std::string_view password) {
        auto candidate = sasl::scram_hash(sasl::ScramHash::sha256, bytes_of(password));
        auto it = digests->find(user);
        if (!candidate || it == digests->end()) return false;
        return sasl::constant_time_equal(candidate->view(), it->second.view());
      };
      continue;
    }
    auto hash = name == "SCRAM-SHA-256" ? sasl::ScramHash::sha256 : sasl::ScramHash::sha512;
    auto credentials =
        std::make_shared<std::map<std::string, sasl::ScramCredential, std::less<>>>();
    for (const auto& [user, password] : *users) {
      auto credential = sasl::derive_scram_credential(hash, password);
      if (!credential) return credential.error();
      (*credentials)[user] = std::move(*credential);
    }
    sasl::ScramCredentialLookup lookup =
        [credentials](std::string_view user) -> std::optional<sasl::ScramCredential> {
      auto it = credentials->find(user);
      if (it == credentials->end()) return std::nullopt;
      return it->second;
    };
    (hash == sasl::ScramHash::sha256 ? auth->scram_sha_256 : auth->scram_sha_512) =
        std::move(lookup);
  }
  // The plain-text copies in `users` go out of scope here; wipe them first.
  for (auto& entry : *users) sasl::wipe(entry.second);
  return std::shared_ptr<const sasl::ServerAuthenticators>(std::move(auth));
}

}  // namespace kafkit::broker
