// Several nodes in one process, and storage maintenance seen from a client: leaders spread
// over the nodes with NOT_LEADER_OR_FOLLOWER from the others, and retention advancing the
// log start offset while the broker runs.
#include <chrono>
#include <set>
#include <thread>

#include "broker/cluster_state.hpp"
#include "broker_fixture.hpp"
#include "protocol/messages/list_offsets.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::broker::test {
namespace {

using protocol::FetchResponse;
using protocol::MetadataResponse;
using protocol::ProduceResponse;

MetadataResponse topic_metadata(uint16_t port, const std::string& topic) {
  TestClient c(port);
  protocol::MetadataRequest req;
  req.topics = std::vector<protocol::MetadataRequest::MetadataRequestTopic>{{{}, topic, {}}};
  return c.call<MetadataResponse>(req, 12);
}

int64_t earliest_offset(uint16_t port, const std::string& topic) {
  TestClient c(port);
  protocol::ListOffsetsRequest req;
  req.replica_id = -1;
  req.topics.push_back({topic, {{0, -1, -2, 1, {}}}, {}});
  auto resp = c.call<protocol::ListOffsetsResponse>(req, 7);
  REQUIRE(resp.topics.at(0).partitions.at(0).error_code == 0);
  return resp.topics[0].partitions[0].offset;
}

TEST_CASE("three nodes: leaders spread, replicas everywhere, only the leader serves") {
  RunningBroker b(Properties{{"num.partitions", "6"}, {"default.replication.factor", "3"}}, 3);
  auto md = topic_metadata(b.port(0), "spread");
  REQUIRE(md.brokers.size() == 3);
  std::set<int32_t> ports;
  for (const auto& n : md.brokers) ports.insert(n.port);
  CHECK(ports.size() == 3);
  const auto& t = md.topics.at(0);
  REQUIRE(t.partitions.size() == 6);
  std::set<int32_t> leaders;
  for (const auto& p : t.partitions) {
    leaders.insert(p.leader_id);
    CHECK(p.replica_nodes.size() == 3);
    CHECK(p.isr_nodes == p.replica_nodes);
    CHECK(p.replica_nodes.front() == p.leader_id);
  }
  CHECK(leaders.size() == 3);

  for (const auto& p : t.partitions) {
    for (size_t node = 0; node < 3; ++node) {
      bool leads = md.brokers[node].node_id == p.leader_id;
      TestClient c(b.port(node));
      auto resp = c.call<ProduceResponse>(
          produce_request("spread", p.partition_index, make_batch({"v"})), 9);
      CHECK(resp.responses[0].partition_responses[0].error_code == (leads ? 0 : 6));
      auto f = c.call<FetchResponse>(fetch_request("spread", p.partition_index, 0), 11);
      CHECK(f.responses[0].partitions[0].error_code == (leads ? 0 : 6));
    }
  }
}

TEST_CASE("retention.bytes deletes old segments while the broker runs") {
  RunningBroker b(Properties{{"log.segment.bytes", "4096"},
                             {"log.retention.bytes", "8192"},
                             {"log.retention.check.interval.ms", "100"}});
  topic_metadata(b.port(), "short");
  TestClient c(b.port());
  // Current timestamps: with old ones retention.ms (7 days) would delete everything too.
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  for (int i = 0; i < 40; ++i) {
    auto resp = c.call<ProduceResponse>(
        produce_request("short", 0, make_batch({std::string(900, char('a' + i % 26))}, now)), 9);
    REQUIRE(resp.responses[0].partition_responses[0].error_code == 0);
  }
  int64_t start = 0;
  for (int i = 0; i < 100 && start == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    start = earliest_offset(b.port(), "short");
  }
  CHECK(start > 0);
  CHECK(start < 40);
  auto gone = c.call<FetchResponse>(fetch_request("short", 0, 0), 11);
  CHECK(gone.responses[0].partitions[0].error_code == 1);  // OFFSET_OUT_OF_RANGE
  auto kept = c.call<FetchResponse>(fetch_request("short", 0, start), 11);
  CHECK(kept.responses[0].partitions[0].error_code == 0);
  CHECK(kept.responses[0].partitions[0].log_start_offset == start);
  // The advanced start survives a restart.
  b.restart(Properties{{"log.segment.bytes", "4096"}, {"log.retention.bytes", "8192"}});
  CHECK(earliest_offset(b.port(), "short") >= start);
}

}  // namespace
}  // namespace kafkit::broker::test

namespace kafkit::broker::test {
namespace {

size_t parked_fetches(RunningBroker& b) {
  size_t n = 0;
  b.cluster->run_on_loop([&](ClusterState& s) { n = s.fetches.size(); });
  return n;
}

TEST_CASE("a long poll whose client disconnects is forgotten, not kept for its whole wait") {
  RunningBroker b;
  topic_metadata(b.port(), "idle");
  {
    TestClient c(b.port());
    c.send(fetch_request("idle", 0, 0, 600000, 1), 11);  // ten minutes
    for (int i = 0; i < 100 && parked_fetches(b) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(parked_fetches(b) == 1);
  }
  for (int i = 0; i < 50 && parked_fetches(b) != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(parked_fetches(b) == 0);
}

}  // namespace
}  // namespace kafkit::broker::test
