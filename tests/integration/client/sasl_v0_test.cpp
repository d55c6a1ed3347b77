// The SaslHandshake v0 form (issue 8): against a broker whose ApiVersions lists no
// SaslAuthenticate (as before Kafka 1.0; the reference broker poses as one through
// FaultState::hide_api), kafkit's clients send SaslHandshake v0 and then the SASL tokens as
// bare size-prefixed frames, with PLAIN and SCRAM alike.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "broker/cluster_state.hpp"
#include "kafkit/admin.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"
#include "protocol/messages/sasl_authenticate.hpp"
#include "sasl_test_support.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;

int64_t v0_authentications(RunningBroker& b) {
  int64_t n = 0;
  b.cluster->run_on_loop([&n](broker::ClusterState& s) { n = s.sasl_stats.v0_form; });
  return n;
}

void round_trip_v0(RunningBroker& b, const std::string& mechanism, const std::string& user,
                   const std::string& password) {
  round_trip_with(client_config(b, mechanism, user, password), "v0-" + mechanism, "v0");
}

TEST_CASE("sasl v0: without SaslAuthenticate in ApiVersions, tokens go as bare frames") {
  RunningBroker b(sasl_broker_properties());
  b.cluster->run_on_loop([](broker::ClusterState& s) {
    s.faults.hide_api(protocol::SaslAuthenticateRequest::api_key);
  });
  SUBCASE("PLAIN") {
    round_trip_v0(b, "PLAIN", "alice", "alice-secret");
  }
  SUBCASE("SCRAM-SHA-256") {
    round_trip_v0(b, "SCRAM-SHA-256", "alice", "alice-secret");
  }
  SUBCASE("SCRAM-SHA-512") {
    round_trip_v0(b, "SCRAM-SHA-512", "bob", "bob:with:colons");
  }
  // Admin, producer and consumer connections: all authenticated in the v0 form.
  CHECK(v0_authentications(b) >= 3);
}

TEST_CASE("sasl v0: a wrong password closes the connection; nothing is served") {
  RunningBroker b(sasl_broker_properties());
  b.cluster->run_on_loop([](broker::ClusterState& s) {
    s.faults.hide_api(protocol::SaslAuthenticateRequest::api_key);
  });
  Admin admin(client_config(b, "PLAIN", "alice", "wrong"));
  auto r = admin.describe_topics({"anything"}, false, 3s);
  CHECK_FALSE(r.ok());
  CHECK(v0_authentications(b) == 0);
}

}  // namespace
}  // namespace kafkit::test
