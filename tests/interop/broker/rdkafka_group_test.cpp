// librdkafka 2.0.2's high-level consumer (rd_kafka_subscribe) against the reference
// broker's group coordinator: several consumers in one group share the partitions of a
// topic, each partition owned by exactly one member, with the eager `range` and the
// cooperative `cooperative-sticky` assignors; when one member closes (LeaveGroup) the
// others take its partitions over.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "../../integration/broker/broker_fixture.hpp"
#include "../group/rdkafka_group_member.hpp"
#include "protocol/messages/create_topics.hpp"

namespace kafkit::broker::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPartitions = 6;

using kafkit::test::RdKafkaGroupMember;

/// Polls every open member until each partition is owned by exactly one of them and each
/// has at least one, or the deadline passes.
bool wait_for_split(std::vector<std::unique_ptr<RdKafkaGroupMember>>& cs, std::string& why) {
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    for (auto& c : cs) c->poll(20);
    std::map<int, int> owners;
    bool every_member_has_some = true;
    size_t open = 0;
    for (auto& c : cs) {
      if (c->closed()) continue;
      ++open;
      auto a = c->assignment();
      if (a.empty()) every_member_has_some = false;
      for (int p : a) ++owners[p];
    }
    bool exact = owners.size() == kPartitions;
    for (const auto& o : owners) exact = exact && o.second == 1;
    why = "partitions owned: " + std::to_string(owners.size()) + " by " + std::to_string(open) +
          " members";
    if (exact && every_member_has_some) return true;
  }
  return false;
}

void create_topic(uint16_t port, const std::string& topic) {
  TestClient c(port);
  protocol::CreateTopicsRequest req;
  protocol::CreateTopicsRequest::CreatableTopic t;
  t.name = topic;
  t.num_partitions = kPartitions;
  t.replication_factor = 1;
  req.topics.push_back(t);
  req.timeout_ms = 5000;
  REQUIRE(c.call<protocol::CreateTopicsResponse>(req, 5).topics.at(0).error_code == 0);
}

void share_and_take_over(const std::string& strategy) {
  RunningBroker b(Properties{{"group.initial.rebalance.delay.ms", "0"}});
  const std::string topic = "groups-" + strategy;
  create_topic(b.port(), topic);
  std::vector<std::unique_ptr<RdKafkaGroupMember>> cs;
  for (int i = 0; i < 3; ++i)
    cs.push_back(std::make_unique<RdKafkaGroupMember>(
        b.cluster->bootstrap_servers(), "rd-" + strategy, topic, strategy,
        std::vector<std::pair<std::string, std::string>>{{"enable.auto.commit", "false"},
                                                         {"heartbeat.interval.ms", "100"}}));
  std::string why;
  CHECK_MESSAGE(wait_for_split(cs, why), why);
  // One member leaves (LeaveGroup on close): the other two take its partitions over.
  cs[1]->close();
  CHECK_MESSAGE(wait_for_split(cs, why), why);
  cs[0]->close();
  CHECK_MESSAGE(wait_for_split(cs, why), why);
  CHECK(cs[2]->assignment().size() == kPartitions);
  for (auto& c : cs) c->close();
}

TEST_CASE("librdkafka consumers share a topic with the range assignor and take over on leave") {
  share_and_take_over("range");
}

TEST_CASE("librdkafka consumers share a topic with cooperative-sticky and take over on leave") {
  share_and_take_over("cooperative-sticky");
}

}  // namespace
}  // namespace kafkit::broker::test
