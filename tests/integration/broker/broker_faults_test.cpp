// The fault-injection hooks of broker::Cluster, seen by a client over real sockets: each
// fault shows its effect and the cluster recovers from it (cluster.hpp documents them).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "broker_fixture.hpp"
#include "protocol/messages/describe_cluster.hpp"
#include "protocol/messages/find_coordinator.hpp"
#include "protocol/messages/init_producer_id.hpp"
#include "protocol/messages/list_offsets.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::broker::test {
namespace {

using protocol::FetchResponse;
using protocol::MetadataResponse;
using protocol::ProduceResponse;
using Clock = std::chrono::steady_clock;

constexpr int16_t kLeaderNotAvailable = 5;
constexpr int16_t kNotLeader = 6;
constexpr int16_t kRequestTimedOut = 7;
constexpr int16_t kCoordinatorNotAvailable = 15;
constexpr int16_t kFencedLeaderEpoch = 74;

MetadataResponse metadata(uint16_t port, const std::string& topic) {
  TestClient c(port);
  protocol::MetadataRequest req;
  req.topics = std::vector<protocol::MetadataRequest::MetadataRequestTopic>{{{}, topic, {}}};
  return c.call<MetadataResponse>(req, 12);
}

int16_t produce_error(TestClient& c, const std::string& topic, int32_t partition = 0) {
  auto resp = c.call<ProduceResponse>(produce_request(topic, partition, make_batch({"v"})), 9);
  return resp.responses.at(0).partition_responses.at(0).error_code;
}

int64_t log_end(uint16_t port, const std::string& topic, int32_t partition = 0) {
  TestClient c(port);
  protocol::ListOffsetsRequest req;
  req.replica_id = -1;
  req.topics.push_back({topic, {{partition, -1, -1, 1, {}}}, {}});
  auto resp = c.call<protocol::ListOffsetsResponse>(req, 7);
  REQUIRE(resp.topics.at(0).partitions.at(0).error_code == 0);
  return resp.topics[0].partitions[0].offset;
}

bool can_connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

size_t index_of(const Cluster& cluster, int32_t node_id) {
  const auto& ids = cluster.node_ids();
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == node_id) return i;
  FAIL("no node " << node_id);
  return 0;
}

TEST_CASE("inject_errors: the next Produce requests fail and append nothing, then it recovers") {
  RunningBroker b(Properties{{"num.partitions", "2"}});
  metadata(b.port(), "p");
  REQUIRE(b.cluster->inject_errors(0, kNotLeader, 2).ok());
  TestClient c(b.port());
  CHECK(produce_error(c, "p") == kNotLeader);
  CHECK(produce_error(c, "p") == kNotLeader);
  CHECK(log_end(b.port(), "p") == 0);
  CHECK(produce_error(c, "p") == 0);
  CHECK(log_end(b.port(), "p") == 1);

  SUBCASE("a partition filter fails only that partition and counts only requests naming it") {
    REQUIRE(b.cluster->inject_errors(0, kRequestTimedOut, 1, "p", 1).ok());
    CHECK(produce_error(c, "p", 0) == 0);  // does not name p-1: not counted
    auto req = produce_request("p", 0, make_batch({"a"}));
    req.topic_data[0].partition_data.push_back({1, make_batch({"b"}), {}});
    auto resp = c.call<ProduceResponse>(req, 9);
    const auto& parts = resp.responses.at(0).partition_responses;
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].error_code == 0);
    CHECK(parts[1].error_code == kRequestTimedOut);
    CHECK(log_end(b.port(), "p", 0) == 3);
    CHECK(log_end(b.port(), "p", 1) == 0);
    CHECK(produce_error(c, "p", 1) == 0);  // used up
  }
}

TEST_CASE("inject_errors: Fetch, ListOffsets and Metadata answer the code per partition") {
  RunningBroker b;
  metadata(b.port(), "f");
  TestClient c(b.port());
  REQUIRE(produce_error(c, "f") == 0);

  REQUIRE(b.cluster->inject_errors(1, kNotLeader, 1).ok());
  auto f = c.call<FetchResponse>(fetch_request("f", 0, 0), 11);
  CHECK(f.responses.at(0).partitions.at(0).error_code == kNotLeader);
  f = c.call<FetchResponse>(fetch_request("f", 0, 0), 11);
  CHECK(f.responses.at(0).partitions.at(0).error_code == 0);
  CHECK(f.responses[0].partitions[0].high_watermark == 1);

  REQUIRE(b.cluster->inject_errors(2, kLeaderNotAvailable, 1, "f").ok());
  protocol::ListOffsetsRequest lo;
  lo.replica_id = -1;
  lo.topics.push_back({"f", {{0, -1, -1, 1, {}}}, {}});
  auto l = c.call<protocol::ListOffsetsResponse>(lo, 7);
  CHECK(l.topics.at(0).partitions.at(0).error_code == kLeaderNotAvailable);
  CHECK(log_end(b.port(), "f") == 1);

  // Topic level: the topic is listed with the error and no partitions.
  REQUIRE(b.cluster->inject_errors(3, kLeaderNotAvailable, 1, "f").ok());
  auto md = metadata(b.port(), "f");
  CHECK(md.topics.at(0).error_code == kLeaderNotAvailable);
  CHECK(md.topics[0].partitions.empty());
  // Partition level: the leader is unknown.
  REQUIRE(b.cluster->inject_errors(3, kLeaderNotAvailable, 1, "f", 0).ok());
  md = metadata(b.port(), "f");
  CHECK(md.topics.at(0).error_code == 0);
  CHECK(md.topics[0].partitions.at(0).error_code == kLeaderNotAvailable);
  CHECK(md.topics[0].partitions[0].leader_id == -1);
  md = metadata(b.port(), "f");
  CHECK(md.topics.at(0).partitions.at(0).error_code == 0);
  CHECK(md.topics[0].partitions[0].leader_id == b.cluster->node_ids()[0]);
}

TEST_CASE("inject_errors: APIs with a top-level error code, served or not") {
  RunningBroker b;
  TestClient c(b.port());
  // InitProducerId: answered with the injected code even where the broker does not serve it.
  REQUIRE(b.cluster->inject_errors(22, kCoordinatorNotAvailable, 1).ok());
  protocol::InitProducerIdRequest ip;
  ip.transactional_id = std::nullopt;
  auto r = c.call<protocol::InitProducerIdResponse>(ip, 1);
  CHECK(r.error_code == kCoordinatorNotAvailable);
  CHECK(c.call<protocol::InitProducerIdResponse>(ip, 1).error_code != kCoordinatorNotAvailable);

  REQUIRE(b.cluster->inject_errors(60, kRequestTimedOut, 1).ok());
  CHECK(
      c.call<protocol::DescribeClusterResponse>(protocol::DescribeClusterRequest{}, 0).error_code ==
      kRequestTimedOut);
  CHECK(
      c.call<protocol::DescribeClusterResponse>(protocol::DescribeClusterRequest{}, 0).error_code ==
      0);

  // FindCoordinator: every key of a batched request.
  REQUIRE(b.cluster->inject_errors(10, kCoordinatorNotAvailable, 1).ok());
  protocol::FindCoordinatorRequest fc;
  fc.coordinator_keys = {"g1", "g2"};
  auto fr = c.call<protocol::FindCoordinatorResponse>(fc, 4);
  REQUIRE(fr.coordinators.size() == 2);
  CHECK(fr.coordinators[0].error_code == kCoordinatorNotAvailable);
  CHECK(fr.coordinators[1].error_code == kCoordinatorNotAvailable);
  fr = c.call<protocol::FindCoordinatorResponse>(fc, 4);
  CHECK(fr.coordinators.at(0).error_code == 0);

  // CreateTopics has no top-level error; DescribeCluster names no partitions.
  CHECK_FALSE(b.cluster->inject_errors(19, kRequestTimedOut, 1).ok());
  CHECK_FALSE(b.cluster->inject_errors(60, kRequestTimedOut, 1, "t").ok());
  CHECK_FALSE(b.cluster->inject_errors(10, kRequestTimedOut, 1, "t").ok());
  CHECK_FALSE(b.cluster->inject_errors(0, kRequestTimedOut, 0).ok());
}

TEST_CASE("move_leader: the old leader refuses, Metadata shows the new leader and epoch") {
  RunningBroker b(Properties{{"default.replication.factor", "2"}}, 2);
  auto md = metadata(b.port(0), "m");
  const auto& p0 = md.topics.at(0).partitions.at(0);
  const int32_t old_leader = p0.leader_id;
  const int32_t old_epoch = p0.leader_epoch;
  const int32_t new_leader =
      old_leader == b.cluster->node_ids()[0] ? b.cluster->node_ids()[1] : b.cluster->node_ids()[0];
  TestClient on_old(b.port(index_of(*b.cluster, old_leader)));
  TestClient on_new(b.port(index_of(*b.cluster, new_leader)));
  REQUIRE(produce_error(on_old, "m") == 0);

  // A fetch parked on the old leader is answered at the move, not after its 5 s wait.
  auto start = Clock::now();
  int32_t corr = on_old.send(fetch_request("m", 0, 1, 5000), 11);
  REQUIRE(b.cluster->move_leader("m", 0, new_leader).ok());
  auto parked = on_old.receive<FetchResponse>(corr, 11);
  CHECK(parked.responses.at(0).partitions.at(0).error_code == kNotLeader);
  CHECK(Clock::now() - start < std::chrono::seconds(4));

  CHECK(produce_error(on_old, "m") == kNotLeader);
  for (size_t node = 0; node < 2; ++node) {
    auto after = metadata(b.port(node), "m");
    CHECK(after.topics.at(0).partitions.at(0).leader_id == new_leader);
    CHECK(after.topics[0].partitions[0].leader_epoch == old_epoch + 1);
  }
  auto leader = b.cluster->leader_of("m", 0);
  REQUIRE(leader.has_value());
  CHECK(leader->leader == new_leader);
  CHECK(leader->leader_epoch == old_epoch + 1);

  // Same log: the new leader continues at offset 1 and serves the earlier record.
  auto resp = on_new.call<ProduceResponse>(produce_request("m", 0, make_batch({"x"})), 9);
  CHECK(resp.responses.at(0).partition_responses.at(0).error_code == 0);
  CHECK(resp.responses[0].partition_responses[0].base_offset == 1);
  auto fetched = on_new.call<FetchResponse>(fetch_request("m", 0, 0), 11);
  CHECK(fetched.responses.at(0).partitions.at(0).high_watermark == 2);
  // KIP-320: a client still on the old epoch is fenced.
  auto stale = fetch_request("m", 0, 0);
  stale.topics[0].partitions[0].current_leader_epoch = old_epoch;
  fetched = on_new.call<FetchResponse>(stale, 11);
  CHECK(fetched.responses.at(0).partitions.at(0).error_code == kFencedLeaderEpoch);

  CHECK_FALSE(b.cluster->move_leader("m", 7, new_leader).ok());
  CHECK_FALSE(b.cluster->move_leader("m", 0, 99).ok());

  b.cluster->rotate_leaders();
  auto rotated = b.cluster->leader_of("m", 0);
  REQUIRE(rotated.has_value());
  CHECK(rotated->leader == old_leader);
  CHECK(rotated->leader_epoch == old_epoch + 2);
  CHECK(produce_error(on_old, "m") == 0);
}

TEST_CASE("stop_node / start_node: refused, shown offline, back on the same port") {
  RunningBroker b(Properties{{"num.partitions", "2"}}, 2);
  const int32_t a = b.cluster->node_ids()[0];
  const int32_t down = b.cluster->node_ids()[1];
  const uint16_t down_port = b.port(1);
  auto md = metadata(b.port(0), "s");
  int32_t led = -1;  // a partition the stopped node leads
  for (const auto& p : md.topics.at(0).partitions)
    if (p.leader_id == down) led = p.partition_index;
  REQUIRE(led >= 0);

  TestClient connected(down_port);
  REQUIRE(produce_error(connected, "s", led) == 0);
  REQUIRE(b.cluster->stop_node(down).ok());
  CHECK(connected.closed_by_peer());
  CHECK_FALSE(can_connect(down_port));

  md = metadata(b.port(0), "s");
  REQUIRE(md.brokers.size() == 1);
  CHECK(md.brokers[0].node_id == a);
  const auto& offline = md.topics.at(0).partitions.at(static_cast<size_t>(led));
  CHECK(offline.error_code == kLeaderNotAvailable);
  CHECK(offline.leader_id == -1);
  CHECK(offline.offline_replicas == std::vector<int32_t>{down});
  CHECK(b.cluster->leader_of("s", led)->leader == -1);
  // The coordinator of a key hashed to the stopped node is not available either.
  protocol::FindCoordinatorRequest fc;
  fc.coordinator_keys = {"g0", "g1", "g2", "g3", "g4", "g5"};
  TestClient on_a(b.port(0));
  auto fr = on_a.call<protocol::FindCoordinatorResponse>(fc, 4);
  for (const auto& co : fr.coordinators)
    CHECK((co.error_code == kCoordinatorNotAvailable || co.node_id == a));

  REQUIRE(b.cluster->start_node(down).ok());
  CHECK(b.port(1) == down_port);
  TestClient again(down_port);
  CHECK(produce_error(again, "s", led) == 0);
  md = metadata(b.port(0), "s");
  CHECK(md.brokers.size() == 2);
  CHECK(md.topics.at(0).partitions.at(static_cast<size_t>(led)).leader_id == down);
  CHECK(md.topics[0].partitions[static_cast<size_t>(led)].error_code == 0);
  CHECK(log_end(down_port, "s", led) == 2);

  SUBCASE("stopping the controller hands the role on") {
    REQUIRE(b.cluster->stop_node(a).ok());
    auto other = metadata(down_port, "s");
    CHECK(other.controller_id == down);
    REQUIRE(other.brokers.size() == 1);
    CHECK(other.brokers[0].node_id == down);
    TestClient c(down_port);
    auto dc = c.call<protocol::DescribeClusterResponse>(protocol::DescribeClusterRequest{}, 0);
    CHECK(dc.controller_id == down);
    CHECK(dc.brokers.size() == 1);
    REQUIRE(b.cluster->start_node(a).ok());
    CHECK(metadata(down_port, "s").controller_id == a);
  }

  SUBCASE("with elect_new_leaders the partitions move to a running node") {
    const int32_t epoch = b.cluster->leader_of("s", led)->leader_epoch;
    REQUIRE(b.cluster->stop_node(down, true).ok());
    auto moved = b.cluster->leader_of("s", led);
    CHECK(moved->leader == a);
    CHECK(moved->leader_epoch == epoch + 1);
    TestClient c(b.port(0));
    CHECK(produce_error(c, "s", led) == 0);
    CHECK(log_end(b.port(0), "s", led) == 3);
  }
}

TEST_CASE("delay_responses: answered late, in order, served at once") {
  RunningBroker b;
  metadata(b.port(), "d");
  constexpr auto kDelay = std::chrono::milliseconds(400);
  b.cluster->delay_responses(0, kDelay, 1);
  TestClient c(b.port());
  auto start = Clock::now();
  int32_t first = c.send(produce_request("d", 0, make_batch({"late"})), 9);
  protocol::MetadataRequest mr;
  int32_t second = c.send(mr, 12);
  // The record is in the log before its producer hears of it.
  CHECK(log_end(b.port(), "d") == 1);
  auto produced = c.receive<ProduceResponse>(first, 9);
  CHECK(Clock::now() - start >= kDelay);
  CHECK(produced.responses.at(0).partition_responses.at(0).base_offset == 0);
  c.receive<MetadataResponse>(second, 12);  // behind the delayed one, in order

  start = Clock::now();
  CHECK(produce_error(c, "d") == 0);
  CHECK(Clock::now() - start < kDelay);  // only one was delayed
}

TEST_CASE("drop_connections: clients are disconnected, the listener stays") {
  RunningBroker b;
  TestClient c(b.port());
  REQUIRE(b.cluster->drop_connections(b.cluster->node_ids()[0]).ok());
  CHECK(c.closed_by_peer());
  TestClient again(b.port());
  CHECK_FALSE(metadata(b.port(), "x").brokers.empty());
  CHECK_FALSE(b.cluster->drop_connections(42).ok());
}

}  // namespace
}  // namespace kafkit::broker::test
