// Admin::metadata against the reference broker, in-process: one Metadata answer as it
// came (brokers, controller, topics in the broker's order, partitions by id), which
// connection answered (what kafkit -L prints as kcat's "from broker"), and that a
// missing topic is reported, never created.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "../broker/broker_fixture.hpp"
#include "kafkit/admin.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;

TEST_CASE("Admin::metadata: one answer as the broker gave it, and who gave it") {
  RunningBroker b({}, 3);
  std::string first = "127.0.0.1:" + std::to_string(b.cluster->port(0));
  Admin admin(Config{{"bootstrap.servers", first}});
  auto created = admin.create_topics({{"md-b", 3, 1}, {"md-a", 2, 1}});
  REQUIRE(created.ok());

  auto all = admin.metadata(std::nullopt, 10s);
  REQUIRE(all.ok());
  // The only connection so far is the bootstrap server's, which node 1 advertises.
  CHECK(all->answered_by == first);
  REQUIRE(all->brokers.size() == 3);
  CHECK(all->brokers[0].id == 1);
  CHECK(all->brokers[0].port == b.cluster->port(0));
  CHECK(all->controller >= 1);
  CHECK(all->controller <= 3);
  std::vector<std::string> names;
  for (const auto& t : all->topics) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"md-a", "md-b"});
  const auto& mb = all->topics[1];
  REQUIRE(mb.partitions.size() == 3);
  for (std::int32_t p = 0; p < 3; ++p) {
    CHECK(mb.partitions[p].partition == p);
    CHECK(mb.partitions[p].leader >= 1);
    CHECK(mb.partitions[p].replicas.size() == 1);
  }

  SUBCASE("a missing topic is listed with its error and not created") {
    auto one = admin.metadata(std::vector<std::string>{"md-missing"}, 10s);
    REQUIRE(one.ok());
    REQUIRE(one->topics.size() == 1);
    CHECK(one->topics[0].name == "md-missing");
    CHECK(one->topics[0].error.code == 3);  // UNKNOWN_TOPIC_OR_PARTITION
    CHECK(one->topics[0].partitions.empty());
    auto again = admin.metadata(std::nullopt, 10s);
    REQUIRE(again.ok());
    CHECK(again->topics.size() == 2);
  }
}

TEST_CASE("Admin::metadata: an unreachable bootstrap server fails within the timeout") {
  Admin admin(Config{{"bootstrap.servers", "127.0.0.1:1"}});
  auto start = std::chrono::steady_clock::now();
  auto r = admin.metadata(std::nullopt, 500ms);
  CHECK_FALSE(r.ok());
  CHECK(std::chrono::steady_clock::now() - start < 3s);
}

}  // namespace
}  // namespace kafkit::test
