// OffsetFetch (key 9): a group's committed offsets. Advertised 1-9 as Kafka 4.x does (v0
// read ZooKeeper-stored offsets; librdkafka 2.0.2 asks for 0-7 and settles on 7). v1 names
// topics and partitions; v2+ may send null topics for "every committed offset of the
// group" and carries a top-level ErrorCode; v5+ the leader epoch; v6+ is flexible; v7+
// RequireStable (KIP-447: answered normally here, as no transactional offset commit is ever
// pending in this broker); v8+ a batch of groups, each with its own ErrorCode; v9 (KIP-848)
// a member id and epoch, which Kafka does not check for classic groups.
//
// As Kafka answers: a partition without a committed offset (or of a group that does not
// exist, or of a topic that does not exist) gets offset -1, leader epoch -1, metadata ""
// and no error. A group-level error (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE) goes in
// the top-level / per-group ErrorCode from v2 and, before v2, in every requested partition.
#include <optional>
#include <string>
#include <vector>

#include "broker/cluster_state.hpp"
#include "broker/group/coordinator_node.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "protocol/messages/offset_fetch.hpp"

namespace kafkit::broker {
namespace {

using protocol::OffsetFetchRequest;
using protocol::OffsetFetchResponse;

constexpr int16_t kFirstTopLevelErrorVersion = 2;
constexpr int16_t kFirstBatchedVersion = 8;

// One partition of the answer, in the v8+ shape (converted for older versions).
struct Row {
  int32_t partition = 0;
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int16_t error = 0;
};
struct TopicRows {
  std::string name;
  std::vector<Row> rows;
};
struct GroupAnswer {
  int16_t error = 0;
  std::vector<TopicRows> topics;
};

Row row_for(const CommittedOffset* c, int32_t partition) {
  Row r;
  r.partition = partition;
  if (c != nullptr) {
    r.offset = c->offset;
    r.leader_epoch = c->leader_epoch;
    r.metadata = c->metadata;
  }
  return r;
}

// The response partition of either layout (v0-7 or v8+) for `r`.
template <class P>
P to_partition(Row& r) {
  P p;
  p.partition_index = r.partition;
  p.committed_offset = r.offset;
  p.committed_leader_epoch = r.leader_epoch;
  p.metadata = std::move(r.metadata);
  p.error_code = r.error;
  return p;
}

// `topics` null = every topic the group has offsets for. Authorization as in Kafka: READ on
// the group (else GROUP_AUTHORIZATION_FAILED for the group), then DESCRIBE on each named
// topic (else TOPIC_AUTHORIZATION_FAILED per partition); an all-topics answer leaves out
// the topics the principal may not describe.
GroupAnswer answer_group(
    const HandlerContext& ctx, const std::string& group,
    const std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>>& topics) {
  ClusterState& cluster = ctx.cluster;
  GroupAnswer a;
  if (!group_authorized(ctx, authz::Operation::read, group)) {
    a.error = code(ErrorCode::GroupAuthorizationFailed);
    return a;
  }
  a.error = check_coordinator(cluster, ctx.request.node_id, group);
  if (a.error != 0) return a;
  const OffsetStore& store = *cluster.offsets;
  if (!topics) {
    if (const GroupOffsets* all = store.group_offsets(group)) {
      for (const auto& [topic, partitions] : *all) {
        if (!topic_authorized(ctx, authz::Operation::describe, topic, false)) continue;
        TopicRows t{topic, {}};
        for (const auto& [partition, value] : partitions)
          t.rows.push_back(row_for(&value, partition));
        a.topics.push_back(std::move(t));
      }
    }
    return a;
  }
  for (const auto& [topic, partitions] : *topics) {
    TopicRows t{topic, {}};
    const bool allowed = topic_authorized(ctx, authz::Operation::describe, topic);
    for (int32_t p : partitions) {
      t.rows.push_back(row_for(allowed ? store.find(group, topic, p) : nullptr, p));
      if (!allowed) t.rows.back().error = code(ErrorCode::TopicAuthorizationFailed);
    }
    a.topics.push_back(std::move(t));
  }
  return a;
}

void handle_offset_fetch(HandlerContext& ctx) {
  auto req = ctx.request.decode<OffsetFetchRequest>();
  if (!req) return ctx.responder.close("cannot parse OffsetFetch: " + req.error().message);
  int16_t version = ctx.request.version();
  using TopicList = std::vector<std::pair<std::string, std::vector<int32_t>>>;
  OffsetFetchResponse resp;
  resp.throttle_time_ms = 0;

  if (version >= kFirstBatchedVersion) {
    for (const auto& g : req->groups) {
      std::optional<TopicList> topics;
      if (g.topics) {
        topics.emplace();
        for (const auto& t : *g.topics) topics->emplace_back(t.name, t.partition_indexes);
      }
      GroupAnswer a = answer_group(ctx, g.group_id, topics);
      OffsetFetchResponse::OffsetFetchResponseGroup rg;
      rg.group_id = g.group_id;
      rg.error_code = a.error;
      for (TopicRows& t : a.topics) {
        OffsetFetchResponse::OffsetFetchResponseTopics rt;
        rt.name = std::move(t.name);
        for (Row& r : t.rows)
          rt.partitions.push_back(
              to_partition<OffsetFetchResponse::OffsetFetchResponsePartitions>(r));
        rg.topics.push_back(std::move(rt));
      }
      resp.groups.push_back(std::move(rg));
    }
    return ctx.responder.send(resp);
  }

  std::optional<TopicList> topics;
  if (req->topics) {
    topics.emplace();
    for (const auto& t : *req->topics) topics->emplace_back(t.name, t.partition_indexes);
  }
  GroupAnswer a = answer_group(ctx, req->group_id, topics);
  if (a.error != 0 && version < kFirstTopLevelErrorVersion && topics) {
    // No top-level error field yet: every requested partition carries it.
    for (const auto& [name, partitions] : *topics) {
      TopicRows t{name, {}};
      for (int32_t p : partitions) {
        Row r = row_for(nullptr, p);
        r.error = a.error;
        t.rows.push_back(std::move(r));
      }
      a.topics.push_back(std::move(t));
    }
  }
  resp.error_code = a.error;
  for (TopicRows& t : a.topics) {
    OffsetFetchResponse::OffsetFetchResponseTopic rt;
    rt.name = std::move(t.name);
    for (Row& r : t.rows)
      rt.partitions.push_back(to_partition<OffsetFetchResponse::OffsetFetchResponsePartition>(r));
    resp.topics.push_back(std::move(rt));
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler offset_fetch_api{OffsetFetchRequest::api_key, 1, 9, &handle_offset_fetch};

}  // namespace kafkit::broker
