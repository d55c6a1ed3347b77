// The public OAUTHBEARER token provider (kafkit/oauthbearer.hpp, issue 8): one callback on
// the Config serves producer, consumer and admin client; the broker sees the principal of the
// tokens it returns; its failures (an error, an expired token) refuse the authentication
// quickly, naming the broker, and are not retried for the waiting requests.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "broker/cluster_state.hpp"
#include "kafkit/admin.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"
#include "net/sasl/unsecured_jwt.hpp"
#include "sasl_test_support.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;

Config oauth_config(const RunningBroker& b, OAuthBearerTokenProvider provider) {
  Config c{{"bootstrap.servers", b.cluster->bootstrap_servers()},
           {"security.protocol", "sasl_plaintext"},
           {"sasl.mechanism", "OAUTHBEARER"}};
  c.set_oauthbearer_token_provider(std::move(provider));
  return c;
}

/// A provider of unsecured JWTs (the broker accepts them with sasl.oauthbearer.unsecure) for
/// `principal`, counting its calls.
OAuthBearerTokenProvider jwt_provider(std::string principal,
                                      std::shared_ptr<std::atomic<int>> calls,
                                      std::map<std::string, std::string> extensions = {}) {
  return [principal, calls, extensions]() -> Result<OAuthBearerToken> {
    ++*calls;
    net::sasl::UnsecuredJwtSpec spec;
    spec.principal = principal;
    spec.issued_at = std::chrono::system_clock::now();
    spec.lifetime = std::chrono::seconds(300);
    auto jwt = net::sasl::build_unsecured_jwt(spec);
    if (!jwt.ok()) return jwt.error();
    return OAuthBearerToken{jwt.value(), spec.issued_at + spec.lifetime, principal, extensions};
  };
}

int64_t authentications_of(RunningBroker& b, const std::string& principal) {
  int64_t n = 0;
  b.cluster->run_on_loop([&n, &principal](broker::ClusterState& s) {
    auto it = s.sasl_stats.by_principal.find(principal);
    n = it == s.sasl_stats.by_principal.end() ? 0 : it->second;
  });
  return n;
}

TEST_CASE("sasl token provider: producer, consumer and admin use the application's tokens") {
  RunningBroker b(sasl_broker_properties());
  auto calls = std::make_shared<std::atomic<int>>(0);
  Config config = oauth_config(b, jwt_provider("frank", calls, {{"traceid", "abc-123"}}));
  round_trip_with(config, "provided", "v");
  // Every connection asked the provider, and the broker saw the token's principal.
  CHECK(calls->load() >= 3);
  CHECK(authentications_of(b, "frank") == calls->load());
  CHECK(authentications_of(b, "alice") == 0);
}

TEST_CASE("sasl token provider: failures are clear and not retried") {
  RunningBroker b(sasl_broker_properties());
  std::string broker = b.cluster->bootstrap_servers();
  SUBCASE("the provider returns an error") {
    Error e = refused_admin_call(oauth_config(b, []() -> Result<OAuthBearerToken> {
      return Error{-1, "identity provider unreachable"};
    }));
    CHECK(e.code == 58);
    CHECK_MESSAGE(contains(e.message, "token provider failed: identity provider unreachable"),
                  e.message);
    CHECK_MESSAGE(contains(e.message, broker), e.message);
  }
  SUBCASE("the provider returns an expired token") {
    Error e = refused_admin_call(oauth_config(b, []() -> Result<OAuthBearerToken> {
      return OAuthBearerToken{"abc.def.", std::chrono::system_clock::now() - 1min, "old", {}};
    }));
    CHECK(e.code == 58);
    CHECK_MESSAGE(contains(e.message, "expired"), e.message);
    CHECK_MESSAGE(contains(e.message, broker), e.message);
  }
  SUBCASE("the broker refuses the token") {
    Error e = refused_admin_call(oauth_config(b, []() -> Result<OAuthBearerToken> {
      return OAuthBearerToken{"not-a-jwt", std::chrono::system_clock::now() + 1h, "x", {}};
    }));
    CHECK(e.code == 58);
    CHECK_MESSAGE(contains(e.message, broker), e.message);
  }
  SUBCASE("a provider and the unsecured JWT together are a configuration error") {
    Config c = oauth_config(b, jwt_provider("x", std::make_shared<std::atomic<int>>(0)));
    c.set("enable.sasl.oauthbearer.unsecure.jwt", "true");
    CHECK_THROWS_WITH_AS(Admin{c}, doctest::Contains("token provider"), std::invalid_argument);
  }
}

}  // namespace
}  // namespace kafkit::test
