// Admin routing against two scripted brokers (tests/integration/net/scripted_broker.hpp):
// answers the reference broker never gives — NOT_CONTROLLER from a broker that stopped
// being the controller, NOT_COORDINATOR from a former group coordinator — must send the
// call on to the broker that metadata / FindCoordinator name next, within one call.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../net/scripted_broker.hpp"
#include "client/group/consumer_protocol.hpp"
#include "kafkit/admin.hpp"
#include "protocol/messages/create_topics.hpp"
#include "protocol/messages/describe_groups.hpp"
#include "protocol/messages/error_codes.hpp"
#include "protocol/messages/find_coordinator.hpp"
#include "protocol/messages/incremental_alter_configs.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::test {
namespace {

using net::test::ReceivedRequest;
using net::test::ScriptedBroker;
using protocol::ErrorCode;

constexpr std::int16_t code(ErrorCode c) {
  return static_cast<std::int16_t>(c);
}

/// Two scripted brokers (ids 1 and 2) on one loop thread. Metadata names `named_controller`
/// and FindCoordinator `named_coordinator`, which may be stale: a broker that is not the
/// real `controller` / `coordinator` answers NOT_CONTROLLER / NOT_COORDINATOR, and from
/// then on Metadata / FindCoordinator name the real one (as after a failover).
class TwoBrokers {
 public:
  TwoBrokers() {
    auto loop = net::EventLoop::create();
    REQUIRE(loop.ok());
    loop_ = std::move(loop.value());
    for (int i = 0; i < 2; ++i) {
      brokers_.push_back(std::make_unique<ScriptedBroker>(*loop_));
      const std::int32_t id = i + 1;
      brokers_.back()->on_request = [this, id](ScriptedBroker::Peer& p, const ReceivedRequest& r) {
        serve(id, p, r);
      };
    }
    thread_ = std::thread([this] { loop_->run(); });
  }
  ~TwoBrokers() {
    loop_->stop();
    thread_.join();
    brokers_.clear();
  }
  std::string bootstrap() const { return brokers_[0]->name(); }

  std::atomic<std::int32_t> controller{1};
  std::atomic<std::int32_t> named_controller{1};
  std::atomic<std::int32_t> coordinator{1};
  std::atomic<std::int32_t> named_coordinator{1};
  std::atomic<int> create_topics_at[3] = {0, 0, 0};
  std::atomic<int> describe_groups_at[3] = {0, 0, 0};
  /// IncrementalAlterConfigs requests as each broker decoded them.
  std::mutex alters_mutex;
  std::vector<protocol::IncrementalAlterConfigsRequest> alters_at[3];  /// guarded by alters_mutex

 private:
  void serve(std::int32_t id, ScriptedBroker::Peer& p, const ReceivedRequest& r) {
    if (r.api_key == protocol::MetadataRequest::api_key) {
      protocol::MetadataResponse resp;
      for (int i = 0; i < 2; ++i) {
        protocol::MetadataResponse::MetadataResponseBroker b;
        b.node_id = i + 1;
        b.host = "127.0.0.1";
        b.port = brokers_[static_cast<size_t>(i)]->port();
        resp.brokers.push_back(b);
      }
      resp.cluster_id = "scripted";
      resp.controller_id = named_controller;
      p.respond(r, resp);
    } else if (r.api_key == protocol::FindCoordinatorRequest::api_key) {
      protocol::FindCoordinatorResponse resp;
      resp.node_id = named_coordinator;
      resp.host = "127.0.0.1";
      resp.port = brokers_[static_cast<size_t>(named_coordinator - 1)]->port();
      p.respond(r, resp);
    } else if (r.api_key == protocol::CreateTopicsRequest::api_key) {
      ++create_topics_at[id];
      auto req = protocol::decode_message<protocol::CreateTopicsRequest>(r.body, r.api_version);
      REQUIRE(req.ok());
      protocol::CreateTopicsResponse resp;
      for (const auto& t : req->topics) {
        protocol::CreateTopicsResponse::CreatableTopicResult res;
        res.name = t.name;
        res.error_code = id == controller ? 0 : code(ErrorCode::NotController);
        resp.topics.push_back(res);
      }
      if (id != controller) named_controller = controller.load();
      p.respond(r, resp);
    } else if (r.api_key == protocol::DescribeGroupsRequest::api_key) {
      ++describe_groups_at[id];
      protocol::DescribeGroupsResponse resp;
      protocol::DescribeGroupsResponse::DescribedGroup g;
      g.group_id = "g";
      if (id != coordinator) {
        g.error_code = code(ErrorCode::NotCoordinator);
        named_coordinator = coordinator.load();
      } else {
        g.group_state = "Stable";
        g.protocol_type = "consumer";
        g.protocol_data = "range";
        protocol::DescribeGroupsResponse::DescribedGroupMember m;
        m.member_id = "m-1";
        m.client_id = "c";
        m.client_host = "/127.0.0.1";
        client::ConsumerAssignment a;
        a.partitions = {{"t", 0}, {"t", 2}};
        m.member_assignment = client::encode_assignment(a);
        g.members.push_back(m);
      }
      resp.groups.push_back(g);
      p.respond(r, resp);
    } else if (r.api_key == protocol::IncrementalAlterConfigsRequest::api_key) {
      auto req =
          protocol::decode_message<protocol::IncrementalAlterConfigsRequest>(r.body, r.api_version);
      REQUIRE(req.ok());
      protocol::IncrementalAlterConfigsResponse resp;
      for (const auto& res : req->resources) {
        protocol::IncrementalAlterConfigsResponse::AlterConfigsResourceResponse out;
        out.resource_type = res.resource_type;
        out.resource_name = res.resource_name;
        if (res.resource_name == "bad") {
          out.error_code = code(ErrorCode::InvalidConfig);
          out.error_message = "no such config";
        } else {
          out.error_message = std::nullopt;
        }
        resp.responses.push_back(out);
      }
      {
        std::lock_guard lock(alters_mutex);
        alters_at[id].push_back(std::move(*req));
      }
      p.respond(r, resp);
    } else {
      p.close();
    }
  }

  std::unique_ptr<net::EventLoop> loop_;
  std::vector<std::unique_ptr<ScriptedBroker>> brokers_;
  std::thread thread_;
};

}  // namespace

TEST_SUITE("admin") {
  TEST_CASE("admin: NOT_CONTROLLER sends topic changes on to the new controller") {
    TwoBrokers cluster;
    Admin admin({{"bootstrap.servers", cluster.bootstrap()}, {"retry.backoff.ms", "10"}});
    auto created = admin.create_topics({{"t", 3, 1}}, false, std::chrono::seconds(10));
    REQUIRE(created.ok());
    CHECK(created->at(0).error.ok());
    CHECK(cluster.create_topics_at[1] == 1);  // the controller Metadata names: served
    CHECK(cluster.create_topics_at[2] == 0);

    // The controller moves to broker 2; Metadata still names 1 until 1 says NOT_CONTROLLER.
    cluster.controller = 2;
    auto again = admin.create_topics({{"u", 1, 1}}, false, std::chrono::seconds(10));
    REQUIRE(again.ok());
    CHECK(again->at(0).error.ok());
    CHECK(cluster.create_topics_at[1] == 2);
    CHECK(cluster.create_topics_at[2] == 1);
  }

  TEST_CASE("admin: NOT_COORDINATOR finds the group's coordinator again") {
    TwoBrokers cluster;
    Admin admin({{"bootstrap.servers", cluster.bootstrap()}, {"retry.backoff.ms", "10"}});
    auto first = admin.describe_groups({"g"}, std::chrono::seconds(10));
    REQUIRE(first.ok());
    CHECK(first->at(0).error.ok());
    CHECK(cluster.describe_groups_at[1] == 1);

    // The group moves to broker 2; FindCoordinator still names 1 until 1 says so.
    cluster.coordinator = 2;
    auto moved = admin.describe_groups({"g"}, std::chrono::seconds(10));
    REQUIRE(moved.ok());
    REQUIRE(moved->at(0).error.ok());
    CHECK(cluster.describe_groups_at[1] == 2);
    CHECK(cluster.describe_groups_at[2] == 1);
    const auto& g = moved->at(0);
    CHECK(g.state == "Stable");
    CHECK(g.protocol == "range");
    REQUIRE(g.members.size() == 1);
    CHECK(g.members[0].member_id == "m-1");
    CHECK(g.members[0].assignment == std::vector<TopicPartition>{{"t", 0}, {"t", 2}});
  }

  TEST_CASE(
      "admin: incremental_alter_configs sends each operation, broker resources to their broker") {
    TwoBrokers cluster;
    Admin admin({{"bootstrap.servers", cluster.bootstrap()}, {"retry.backoff.ms", "10"}});
    auto r = admin.incremental_alter_configs(
        {{{ConfigResourceType::topic, "t"},
          {{"retention.ms", AlterConfigOp::set, "1000"},
           {"cleanup.policy", AlterConfigOp::remove, "ignored"},
           {"follower.replication.throttled.replicas", AlterConfigOp::append, "0:1"},
           {"leader.replication.throttled.replicas", AlterConfigOp::subtract, "0:2"}}},
         {{ConfigResourceType::topic, "bad"}, {{"x", AlterConfigOp::set, "1"}}},
         {{ConfigResourceType::broker, "2"}, {{"log.cleaner.threads", AlterConfigOp::set, "2"}}}},
        /*validate_only=*/true, std::chrono::seconds(10));
    REQUIRE(r.ok());
    REQUIRE(r->size() == 3);
    CHECK(r->at(0).error.ok());
    CHECK(r->at(1).error.code == code(ErrorCode::InvalidConfig));
    CHECK(r->at(1).error.message == "INVALID_CONFIG: no such config");
    CHECK(r->at(2).error.ok());

    // The broker resource went to broker 2 alone; the topic ones to some broker, together.
    std::lock_guard lock(cluster.alters_mutex);
    REQUIRE(cluster.alters_at[2].size() + cluster.alters_at[1].size() == 2);
    const protocol::IncrementalAlterConfigsRequest* topics = nullptr;
    const protocol::IncrementalAlterConfigsRequest* broker = nullptr;
    for (int id = 1; id <= 2; ++id)
      for (const auto& req : cluster.alters_at[id]) {
        CHECK(req.validate_only);
        if (req.resources.at(0).resource_type == 4) {
          CHECK(id == 2);
          broker = &req;
        } else {
          topics = &req;
        }
      }
    REQUIRE(broker != nullptr);
    REQUIRE(topics != nullptr);
    CHECK(broker->resources.size() == 1);
    CHECK(broker->resources[0].resource_name == "2");
    REQUIRE(topics->resources.size() == 2);
    const auto& ops = topics->resources[0].configs;
    REQUIRE(ops.size() == 4);
    CHECK(topics->resources[0].resource_type == 2);
    CHECK(ops[0].config_operation == 0);
    CHECK(ops[0].value == "1000");
    CHECK(ops[1].config_operation == 1);
    CHECK_FALSE(ops[1].value.has_value());  // DELETE carries no value
    CHECK(ops[2].config_operation == 2);
    CHECK(ops[3].config_operation == 3);
    CHECK(ops[3].value == "0:2");
  }
}

}  // namespace kafkit::test
