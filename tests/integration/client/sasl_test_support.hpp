#pragma once
// Shared by the SASL test files (with security_support.hpp): the broker's SASL listener
// properties and client configurations for each mechanism.
#include <string>

#include "../broker/broker_fixture.hpp"
#include "kafkit/config.hpp"
#include "security_support.hpp"

namespace kafkit::test {

inline Properties sasl_broker_properties() {
  return {{"listeners", "SASL_PLAINTEXT://127.0.0.1:0"},
          {"sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER"},
          {"sasl.users", "alice:alice-secret,bob:bob:with:colons"},
          {"sasl.oauthbearer.unsecure", "true"}};
}

/// A client of `b` over `protocol` (sasl_plaintext or sasl_ssl) authenticating with
/// `mechanism` as `user`; OAUTHBEARER uses the unsecured development token.
inline Config sasl_client_config(const broker::test::RunningBroker& b, const std::string& protocol,
                                 const std::string& mechanism, const std::string& user = "alice",
                                 const std::string& password = "alice-secret") {
  Config c{{"bootstrap.servers", b.cluster->bootstrap_servers()},
           {"security.protocol", protocol},
           {"sasl.mechanism", mechanism}};
  if (mechanism == "OAUTHBEARER") {
    c.set("enable.sasl.oauthbearer.unsecure.jwt", "true");
    c.set("sasl.oauthbearer.config", "principal=" + user);
  } else {
    c.set("sasl.username", user);
    c.set("sasl.password", password);
  }
  return c;
}

inline Config client_config(const broker::test::RunningBroker& b, const std::string& mechanism,
                            const std::string& user = "alice",
                            const std::string& password = "alice-secret") {
  return sasl_client_config(b, "sasl_plaintext", mechanism, user, password);
}

}  // namespace kafkit::test
