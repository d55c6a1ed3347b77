// Metadata: brokers, cluster id, controller and the topics asked for (all of them for a
// null list, or an empty list at v0), creating unknown topics when the client allows it
// (v4+ AllowAutoTopicCreation, implied before) and auto.create.topics.enable is on.
#include "protocol/messages/metadata.hpp"
#include "broker/faults/injected_errors.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/topic_name.hpp"

namespace kafkit::broker {
namespace {

using protocol::MetadataResponse;

MetadataResponse::MetadataResponseTopic describe(const ClusterState& cluster, const Topic& t) {
  MetadataResponse::MetadataResponseTopic out;
  out.name = t.name;
  out.topic_id = t.id;
  // Names starting with "__" are Kafka's internal topics (offsets, transactions).
  out.is_internal =
      t.name.starts_with("__consumer_offsets") || t.name.starts_with("__transaction_state");
  for (const Partition& p : t.partitions) {
    MetadataResponse::MetadataResponsePartition mp;
    mp.partition_index = p.index;
    mp.leader_id = p.leader;
    mp.leader_epoch = p.leader_epoch;
    mp.replica_nodes = p.replicas;
    // Replicas share one log in this broker, so every running replica is always in sync;
    // a stopped one (Cluster::stop_node) is offline and out of the ISR, as in Kafka.
    for (int32_t r : p.replicas)
      (cluster.faults.stopped(r) ? mp.offline_replicas : mp.isr_nodes).push_back(r);
    if (cluster.faults.stopped(p.leader)) {
      // Kafka's answer for a partition whose leader is offline and not yet replaced.
      mp.error_code = code(ErrorCode::LeaderNotAvailable);
      mp.leader_id = -1;
    }
    out.partitions.push_back(std::move(mp));
  }
  return out;
}

// Errors a test injected (Cluster::inject_errors): at topic level, listing no partitions,
// or for the matching partitions, whose leader is then unknown for LEADER_NOT_AVAILABLE.
void apply_injected_errors(ClusterState& cluster, MetadataResponse& resp) {
  InjectedErrors::Named named;
  for (const auto& t : resp.topics)
    for (const auto& p : t.partitions) named.emplace_back(t.name.value_or(""), p.partition_index);
  InjectedErrors injected(cluster, protocol::MetadataRequest::api_key, named);
  for (auto& t : resp.topics) {
    const std::string name = t.name.value_or("");
    if (auto e = injected.topic_error_for(name)) {
      t.error_code = *e;
      t.partitions.clear();
      continue;
    }
    for (auto& p : t.partitions)
      if (auto e = injected.error_for(name, p.partition_index)) {
        p.error_code = *e;
        if (*e == code(ErrorCode::LeaderNotAvailable)) p.leader_id = -1;
      }
  }
}

void handle(HandlerContext& ctx) {
  auto req = ctx.request.decode<protocol::MetadataRequest>();
  if (!req) return ctx.responder.close("bad Metadata request: " + req.error().message);
  int16_t v = ctx.request.version();
  ClusterState& cluster = ctx.cluster;

  MetadataResponse resp;
  for (const NodeInfo& n : cluster.nodes)
    // A stopped node (Cluster::stop_node) is not registered: not listed.
    if (!cluster.faults.stopped(n.id))
      resp.brokers.push_back({n.id, n.host, n.port(ctx.request.listener), std::nullopt, {}});
  resp.cluster_id = cluster.topics->cluster_id();
  resp.controller_id = cluster.controller_id();

  bool all = !req->topics.has_value() || (v == 0 && req->topics->empty());
  if (all) {
    for (const auto& [name, t] : cluster.topics->topics())
      // Topics the principal may not describe are left out, unlogged (as in Kafka).
      if (topic_authorized(ctx, authz::Operation::describe, name, false))
        resp.topics.push_back(describe(cluster, t));
  } else {
    bool may_create =
        (v < 4 || req->allow_auto_topic_creation) && cluster.config.auto_create_topics;
    for (const auto& wanted : *req->topics) {
      MetadataResponse::MetadataResponseTopic out;
      out.name = wanted.name;
      out.topic_id = wanted.topic_id;
      if (!wanted.name.has_value()) {
        // v10+ lookup by id (KIP-516).
        Topic* t = cluster.topics->find(wanted.topic_id);
        if (t == nullptr) {
          out.error_code = code(ErrorCode::UnknownTopicId);
          resp.topics.push_back(std::move(out));
        } else if (!topic_authorized(ctx, authz::Operation::describe, t->name)) {
          out.error_code = code(ErrorCode::TopicAuthorizationFailed);
          resp.topics.push_back(std::move(out));
        } else {
          resp.topics.push_back(describe(cluster, *t));
        }
        continue;
      }
      const std::string& name = *wanted.name;
      // Authorization first (Kafka): a topic the principal may not describe is answered
      // TOPIC_AUTHORIZATION_FAILED whether it exists or not; auto-creation needs CREATE.
      if (!topic_authorized(ctx, authz::Operation::describe, name) ||
          (may_create && !cluster.topics->find(name) && !invalid_topic_name_reason(name) &&
           !may_create_topic(ctx, name))) {
        out.error_code = code(ErrorCode::TopicAuthorizationFailed);
        resp.topics.push_back(std::move(out));
        continue;
      }
      if (Topic* t = cluster.topics->find(name)) {
        resp.topics.push_back(describe(cluster, *t));
        continue;
      }
      if (invalid_topic_name_reason(name)) {
        out.error_code = code(ErrorCode::InvalidTopicException);
      } else if (!may_create) {
        out.error_code = code(ErrorCode::UnknownTopicOrPartition);
      } else {
        auto created = cluster.topics->create(name, -1, -1, {}, false, cluster.now_ms());
        if (created) {
          cluster.log("auto-created topic " + name + " with " +
                      std::to_string((*created)->partitions.size()) + " partition(s)");
          resp.topics.push_back(describe(cluster, **created));
          continue;
        }
        // Creation is synchronous here, so the creating request already sees the topic
        // (Kafka first answers LEADER_NOT_AVAILABLE); a failure keeps its own code, e.g.
        // INVALID_REPLICATION_FACTOR when default.replication.factor exceeds the nodes.
        out.error_code = wire_code(created.error());
      }
      resp.topics.push_back(std::move(out));
    }
  }
  apply_injected_errors(cluster, resp);
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler metadata_api{3, 0, 13, &handle};

}  // namespace kafkit::broker
