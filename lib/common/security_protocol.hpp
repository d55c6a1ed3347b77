#pragma once
// Kafka's four security protocols, as `security.protocol` (clients) and listener schemes
// (`listeners=SASL_SSL://host:port`, broker) name them: whether a connection is wrapped
// in TLS, and whether it authenticates with SASL before anything else.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace kafkit {

enum class SecurityProtocol { plaintext, ssl, sasl_plaintext, sasl_ssl };

/// Case-insensitive, as Kafka and librdkafka accept "sasl_ssl" and "SASL_SSL" alike.
inline std::optional<SecurityProtocol> parse_security_protocol(std::string_view text) {
  std::string upper;
  for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "PLAINTEXT") return SecurityProtocol::plaintext;
  if (upper == "SSL") return SecurityProtocol::ssl;
  if (upper == "SASL_PLAINTEXT") return SecurityProtocol::sasl_plaintext;
  if (upper == "SASL_SSL") return SecurityProtocol::sasl_ssl;
  return std::nullopt;
}

inline const char* security_protocol_name(SecurityProtocol p) noexcept {
  switch (p) {
    case SecurityProtocol::plaintext:
      return "PLAINTEXT";
    case SecurityProtocol::ssl:
      return "SSL";
    case SecurityProtocol::sasl_plaintext:
      return "SASL_PLAINTEXT";
    case SecurityProtocol::sasl_ssl:
      return "SASL_SSL";
  }
  return "PLAINTEXT";
}

inline bool uses_tls(SecurityProtocol p) noexcept {
  return p == SecurityProtocol::ssl || p == SecurityProtocol::sasl_ssl;
}
inline bool uses_sasl(SecurityProtocol p) noexcept {
  return p == SecurityProtocol::sasl_plaintext || p == SecurityProtocol::sasl_ssl;
}

}  // namespace kafkit
