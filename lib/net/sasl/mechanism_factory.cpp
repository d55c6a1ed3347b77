#include "net/sasl/mechanism_factory.hpp"

#include "net/sasl/sasl_errors.hpp"

namespace kafkit::net::sasl {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

Error unsupported(std::string_view name, const std::vector<std::string>& available,
                  std::string_view what) {
  std::string message = "unsupported SASL mechanism '" + std::string(name) + "'";
  if (name == "GSSAPI") message += " (Kerberos is not implemented by kafkit)";
  return Error{errc::unsupported_mechanism,
               message + "; " + std::string(what) + ": " + join(available)};
}

}  // namespace

const std::vector<std::string>& supported_mechanisms() {
  static const std::vector<std::string> names{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512",
                                              "OAUTHBEARER"};
  return names;
}

Result<std::unique_ptr<ClientMechanism>> make_client_mechanism(
    std::string_view name, const ClientCredentials& credentials) {
  std::unique_ptr<ClientMechanism> out;
  if (name == "PLAIN") {
    out = std::make_unique<PlainClient>(credentials.username, credentials.password);
  } else if (name == "SCRAM-SHA-256") {
    out = std::make_unique<ScramClient>(ScramHash::sha256, credentials.username,
                                        credentials.password, credentials.scram);
  } else if (name == "SCRAM-SHA-512") {
    out = std::make_unique<ScramClient>(ScramHash::sha512, credentials.username,
                                        credentials.password, credentials.scram);
  } else if (name == "OAUTHBEARER") {
    out = std::make_unique<OAuthBearerClient>(credentials.oauthbearer_token,
                                              credentials.oauthbearer_extensions);
  } else {
    return unsupported(name, supported_mechanisms(), "kafkit supports");
  }
  return out;
}

std::vector<std::string> enabled_mechanisms(const ServerAuthenticators& authenticators) {
  std::vector<std::string> out;
  if (authenticators.plain) out.emplace_back("PLAIN");
  if (authenticators.scram_sha_256) out.emplace_back("SCRAM-SHA-256");
  if (authenticators.scram_sha_512) out.emplace_back("SCRAM-SHA-512");
  if (authenticators.oauthbearer) out.emplace_back("OAUTHBEARER");
  return out;
}

Result<std::unique_ptr<ServerMechanism>> make_server_mechanism(
    std::string_view name, const ServerAuthenticators& authenticators) {
  std::unique_ptr<ServerMechanism> out;
  if (name == "PLAIN" && authenticators.plain) {
    out = std::make_unique<PlainServer>(authenticators.plain);
  } else if (name == "SCRAM-SHA-256" && authenticators.scram_sha_256) {
    out = std::make_unique<ScramServer>(ScramHash::sha256, authenticators.scram_sha_256);
  } else if (name == "SCRAM-SHA-512" && authenticators.scram_sha_512) {
    out = std::make_unique<ScramServer>(ScramHash::sha512, authenticators.scram_sha_512);
  } else if (name == "OAUTHBEARER" && authenticators.oauthbearer) {
    out = std::make_unique<OAuthBearerServer>(authenticators.oauthbearer);
  } else {
    return unsupported(name, enabled_mechanisms(authenticators), "enabled mechanisms");
  }
  return out;
}

}  // namespace kafkit::net::sasl
