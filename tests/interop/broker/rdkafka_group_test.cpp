// librdkafka 2.0.2's high-level consumer (rd_kafka_subscribe) against the reference
// broker's group coordinator: several consumers in one group share the partitions of a
// topic, each partition owned by exactly one member, with the eager `range` and the
// cooperative `cooperative-sticky` assignors; when one member closes (LeaveGroup) the
// others take its partitions over.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../../integration/broker/broker_fixture.hpp"
#include "protocol/messages/create_topics.hpp"

namespace kafkit::broker::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPartitions = 6;

struct Consumer {
  rd_kafka_t* rk = nullptr;
  bool closed = false;
  int assigned_events = 0;

  std::set<int> assignment() const {
    std::set<int> out;
    rd_kafka_topic_partition_list_t* list = nullptr;
    if (rd_kafka_assignment(rk, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
    for (int i = 0; i < list->cnt; ++i) out.insert(list->elems[i].partition);
    rd_kafka_topic_partition_list_destroy(list);
    return out;
  }
};

// Applies each assignment change the way an application must for the protocol in use.
void rebalance_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                  void* opaque) {
  auto* c = static_cast<Consumer*>(opaque);
  const bool cooperative = std::string(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    ++c->assigned_events;
    if (cooperative) {
      rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts);
      if (e) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, parts);
    }
  } else {
    if (cooperative) {
      rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts);
      if (e) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }
}

std::unique_ptr<Consumer> make_consumer(const std::string& bootstrap, const std::string& group,
                                        const std::string& topic, const std::string& strategy) {
  auto c = std::make_unique<Consumer>();
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> props{
      {"bootstrap.servers", bootstrap},
      {"group.id", group},
      {"partition.assignment.strategy", strategy},
      {"enable.auto.commit", "false"},
      {"session.timeout.ms", "6000"},
      {"heartbeat.interval.ms", "100"},
      // Sent as the JoinGroup rebalance timeout: bounds how long a rebalance can wait.
      {"max.poll.interval.ms", "10000"},
      {"auto.offset.reset", "earliest"},
      {"log_level", "3"}};
  if (const char* debug = std::getenv("KAFKIT_RDKAFKA_DEBUG")) {
    props.emplace_back("debug", debug);
    props.emplace_back("log_level", "7");
  }
  for (auto& [k, v] : props)
    REQUIRE_MESSAGE(
        rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK, err);
  rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
  rd_kafka_conf_set_opaque(conf, c.get());
  c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  REQUIRE_MESSAGE(c->rk != nullptr, err);
  rd_kafka_poll_set_consumer(c->rk);
  rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, topic.c_str(), RD_KAFKA_PARTITION_UA);
  REQUIRE(rd_kafka_subscribe(c->rk, sub) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(sub);
  return c;
}

void close_consumer(Consumer& c) {
  if (c.closed) return;
  rd_kafka_consumer_close(c.rk);
  rd_kafka_destroy(c.rk);
  c.closed = true;
}

/// Polls every open consumer until each partition is owned by exactly one of them and
/// each has at least one, or the deadline passes. Returns the owners found last.
bool wait_for_split(std::vector<std::unique_ptr<Consumer>>& cs, std::string& why) {
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    for (auto& c : cs)
      if (!c->closed) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(c->rk, 20);
        if (m) rd_kafka_message_destroy(m);
      }
    std::map<int, int> owners;
    bool every_member_has_some = true;
    size_t open = 0;
    for (auto& c : cs) {
      if (c->closed) continue;
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
  std::vector<std::unique_ptr<Consumer>> cs;
  for (int i = 0; i < 3; ++i)
    cs.push_back(make_consumer(b.cluster->bootstrap_servers(), "rd-" + strategy, topic, strategy));
  std::string why;
  CHECK_MESSAGE(wait_for_split(cs, why), why);
  // One member leaves (LeaveGroup on close): the other two take its partitions over.
  close_consumer(*cs[1]);
  CHECK_MESSAGE(wait_for_split(cs, why), why);
  close_consumer(*cs[0]);
  CHECK_MESSAGE(wait_for_split(cs, why), why);
  CHECK(cs[2]->assignment().size() == kPartitions);
  for (auto& c : cs) close_consumer(*c);
}

TEST_CASE("librdkafka consumers share a topic with the range assignor and take over on leave") {
  share_and_take_over("range");
}

TEST_CASE("librdkafka consumers share a topic with cooperative-sticky and take over on leave") {
  share_and_take_over("cooperative-sticky");
}

}  // namespace
}  // namespace kafkit::broker::test
