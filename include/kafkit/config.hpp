#pragma once
// Config: a client's properties, by the names librdkafka and the Java client use
// ("bootstrap.servers", "linger.ms", "acks", ...). Values are strings, as in a
// properties file; each client checks them when it is constructed, and an unknown name or
// an invalid value is an error there that names the property and what it accepts.
//
// Besides the string properties, a Config carries the callbacks that every client kind
// takes alike (today: the OAUTHBEARER token provider), so producer, consumer and admin
// client are configured in one place.
//
// Thread-safety: a plain value type; clients copy what they need at construction.
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "kafkit/oauthbearer.hpp"
#include "kafkit/result.hpp"

namespace kafkit {

class Config {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;

  Config() = default;
  Config(std::initializer_list<std::pair<const std::string, std::string>> entries)
      : entries_(entries) {}
  explicit Config(Map entries) : entries_(std::move(entries)) {}

  /// Sets (or replaces) one property.
  Config& set(std::string name, std::string value) {
    entries_[std::move(name)] = std::move(value);
    return *this;
  }
  std::optional<std::string> get(std::string_view name) const {
    auto it = entries_.find(name);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  const Map& entries() const noexcept { return entries_; }

  /// Reads a Java-style properties file (`name=value` lines, `#` comments) and adds its
  /// entries to these (the file's values win). Errors name the file and line.
  Result<void> load_file(const std::string& path);

  /// Where sasl.mechanism=OAUTHBEARER gets its tokens (kafkit/oauthbearer.hpp for when it is
  /// called and what its errors do). Replaces enable.sasl.oauthbearer.unsecure.jwt, which
  /// must then stay unset. An empty function removes the provider.
  Config& set_oauthbearer_token_provider(OAuthBearerTokenProvider provider) {
    oauthbearer_token_provider_ = std::move(provider);
    return *this;
  }
  const OAuthBearerTokenProvider& oauthbearer_token_provider() const noexcept {
    return oauthbearer_token_provider_;
  }

 private:
  Map entries_;
  OAuthBearerTokenProvider oauthbearer_token_provider_;
};

}  // namespace kafkit
