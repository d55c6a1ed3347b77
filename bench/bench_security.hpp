#pragma once
// The benches' --security modes: what the broker under test is started with and what both
// clients (kafkit and librdkafka, which share the property names) are given, per
// security.protocol. TLS modes use a throwaway PKI made at run time, as the TLS tests do;
// SASL modes authenticate with SCRAM-SHA-512, the costliest mechanism Kafka offers (PBKDF2
// once per connection, then nothing per request).
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../tests/integration/net/tls_certs.hpp"

namespace kafkit::bench {

struct SecuritySetup {
  std::string mode;                      // plaintext, ssl, sasl_plaintext or sasl_ssl
  std::vector<std::string> broker_args;  // after the broker binary: --listen ... --set ...
  std::vector<std::pair<std::string, std::string>> client_properties;
};

inline bool is_security_mode(std::string_view m) {
  return m == "plaintext" || m == "ssl" || m == "sasl_plaintext" || m == "sasl_ssl";
}

/// "plaintext,sasl_ssl" into `out`; false on an unknown mode or an empty list.
inline bool parse_security_list(std::string_view text, std::vector<std::string>& out) {
  std::vector<std::string> modes;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view mode = text.substr(0, comma);
    if (!is_security_mode(mode)) return false;
    modes.emplace_back(mode);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  if (modes.empty()) return false;
  out = std::move(modes);
  return true;
}

/// `pki_dir` (the cell's temporary directory) must exist; TLS modes write a fresh PKI there.
inline SecuritySetup security_setup(const std::string& mode, const std::string& pki_dir) {
  SecuritySetup s{mode, {}, {}};
  bool tls = mode == "ssl" || mode == "sasl_ssl";
  bool sasl = mode == "sasl_plaintext" || mode == "sasl_ssl";
  std::string scheme = mode;
  for (char& c : scheme) c = char(std::toupper(static_cast<unsigned char>(c)));
  s.broker_args = {"--listen", scheme + "://127.0.0.1:0"};
  s.client_properties = {{"security.protocol", mode}};
  if (tls) {
    test::tls::TestPki pki(pki_dir);
    for (std::string set : {"ssl.certificate.location=" + pki.path("server.pem"),
                            "ssl.key.location=" + pki.path("server.key")}) {
      s.broker_args.push_back("--set");
      s.broker_args.push_back(set);
    }
    s.client_properties.emplace_back("ssl.ca.location", pki.path("ca.pem"));
  }
  if (sasl) {
    for (std::string set : {std::string("sasl.enabled.mechanisms=SCRAM-SHA-512"),
                            std::string("sasl.users=bench:bench-secret")}) {
      s.broker_args.push_back("--set");
      s.broker_args.push_back(set);
    }
    s.client_properties.insert(s.client_properties.end(), {{"sasl.mechanism", "SCRAM-SHA-512"},
                                                           {"sasl.username", "bench"},
                                                           {"sasl.password", "bench-secret"}});
  }
  return s;
}

}  // namespace kafkit::bench
