#pragma once
// Request builders and a member helper for the group coordinator tests: raw JoinGroup /
// SyncGroup / Heartbeat / LeaveGroup over TestClient, one connection per member (a parked
// JoinGroup holds its connection, as in Kafka).
#include <memory>
#include <string>
#include <vector>

#include "broker_fixture.hpp"
#include "protocol/messages/delete_groups.hpp"
#include "protocol/messages/describe_groups.hpp"
#include "protocol/messages/heartbeat.hpp"
#include "protocol/messages/join_group.hpp"
#include "protocol/messages/leave_group.hpp"
#include "protocol/messages/list_groups.hpp"
#include "protocol/messages/sync_group.hpp"

namespace kafkit::broker::test {

constexpr int16_t kErrNotCoordinator = 16, kErrCoordinatorNotAvailable = 15,
                  kErrIllegalGeneration = 22, kErrInconsistentProtocol = 23,
                  kErrInvalidGroupId = 24, kErrUnknownMember = 25, kErrInvalidSessionTimeout = 26,
                  kErrRebalanceInProgress = 27, kErrNonEmptyGroup = 68, kErrGroupIdNotFound = 69,
                  kErrMemberIdRequired = 79, kErrGroupMaxSize = 81, kErrFencedInstance = 82;

/// ConsumerProtocolSubscription v0: version, topics, null user data.
inline protocol::Bytes subscription(const std::vector<std::string>& topics) {
  protocol::Bytes b;
  auto put = [&b](uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) b.push_back(std::byte(v >> (8 * i)));
  };
  put(0, 2);
  put(topics.size(), 4);
  for (const auto& t : topics) {
    put(t.size(), 2);
    for (char c : t) b.push_back(std::byte(c));
  }
  put(0xFFFFFFFF, 4);
  return b;
}

struct Member {
  explicit Member(uint16_t port) : client(std::make_unique<TestClient>(port)) {}
  std::unique_ptr<TestClient> client;
  std::string group;
  std::string id;
  std::optional<std::string> instance;
  int32_t generation = -1;
  int32_t session_timeout_ms = 10000;
  int32_t rebalance_timeout_ms = 10000;
  std::vector<std::string> protocols{"range"};
  std::string protocol_type = "consumer";
  int16_t version = 9;
  int32_t pending = -1;  // correlation id of a JoinGroup sent and not read yet

  protocol::JoinGroupRequest join_request() const {
    protocol::JoinGroupRequest r;
    r.group_id = group;
    r.session_timeout_ms = session_timeout_ms;
    r.rebalance_timeout_ms = rebalance_timeout_ms;
    r.member_id = id;
    r.group_instance_id = instance;
    r.protocol_type = protocol_type;
    for (const auto& p : protocols) r.protocols.push_back({p, subscription({"t1", "t2"}), {}});
    return r;
  }
  void send_join() { pending = client->send(join_request(), version); }
  protocol::JoinGroupResponse receive_join() {
    auto r = client->receive<protocol::JoinGroupResponse>(pending, version);
    pending = -1;
    if (r.error_code == 0) {
      id = r.member_id;
      generation = r.generation_id;
    }
    return r;
  }
  protocol::JoinGroupResponse join() {
    send_join();
    return receive_join();
  }
  /// JoinGroup until past MEMBER_ID_REQUIRED (v4+): the answer with the member id taken.
  protocol::JoinGroupResponse join_with_id() {
    auto r = join();
    if (r.error_code == kErrMemberIdRequired) {
      id = r.member_id;
      r = join();
    }
    return r;
  }
  /// Sends JoinGroup; reads MEMBER_ID_REQUIRED at once and resends, leaving the real
  /// join parked (read it with receive_join()).
  void start_join() {
    send_join();
    if (version < 4 || !id.empty() || instance) return;  // static members skip KIP-394
    auto r = receive_join();
    REQUIRE(r.error_code == kErrMemberIdRequired);
    id = r.member_id;
    send_join();
  }
  protocol::SyncGroupRequest sync_request(
      std::vector<std::pair<std::string, std::string>> assignments = {}) const {
    protocol::SyncGroupRequest r;
    r.group_id = group;
    r.generation_id = generation;
    r.member_id = id;
    r.group_instance_id = instance;
    for (auto& [m, a] : assignments)
      r.assignments.push_back(
          {m,
           protocol::Bytes(reinterpret_cast<const std::byte*>(a.data()),
                           reinterpret_cast<const std::byte*>(a.data()) + a.size()),
           {}});
    return r;
  }
  int32_t send_sync(std::vector<std::pair<std::string, std::string>> assignments = {},
                    int16_t v = 5) {
    return client->send(sync_request(std::move(assignments)), v);
  }
  protocol::SyncGroupResponse receive_sync(int32_t corr, int16_t v = 5) {
    return client->receive<protocol::SyncGroupResponse>(corr, v);
  }
  int16_t heartbeat(int16_t v = 4) {
    protocol::HeartbeatRequest r;
    r.group_id = group;
    r.generation_id = generation;
    r.member_id = id;
    r.group_instance_id = instance;
    return client->call<protocol::HeartbeatResponse>(r, v).error_code;
  }
  int16_t leave(int16_t v = 5) {
    protocol::LeaveGroupRequest r;
    r.group_id = group;
    if (v < 3) {
      r.member_id = id;
      return client->call<protocol::LeaveGroupResponse>(r, v).error_code;
    }
    r.members.push_back({id, instance, std::nullopt, {}});
    auto resp = client->call<protocol::LeaveGroupResponse>(r, v);
    REQUIRE(resp.error_code == 0);
    REQUIRE(resp.members.size() == 1);
    return resp.members[0].error_code;
  }
};

inline std::string text(const protocol::Bytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

inline protocol::DescribeGroupsResponse::DescribedGroup describe(TestClient& c,
                                                                 const std::string& group,
                                                                 int16_t v = 5) {
  protocol::DescribeGroupsRequest r;
  r.groups.push_back(group);
  auto resp = c.call<protocol::DescribeGroupsResponse>(r, v);
  REQUIRE(resp.groups.size() == 1);
  return resp.groups[0];
}

}  // namespace kafkit::broker::test
