// Metadata: brokers, cluster id, controller and the topics asked for (all of them for a
// null list, or an empty list at v0), creating unknown topics when the client allows it
// (v4+ AllowAutoTopicCreation, implied before) and auto.create.topics.enable is on.
#include "protocol/messages/metadata.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/topic_name.hpp"

namespace kafkit::broker {
namespace {

using protocol::MetadataResponse;

MetadataResponse::MetadataResponseTopic describe(const Topic& t) {
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
    // Replicas share one log in this broker, so every replica is always in sync.
    mp.isr_nodes = p.replicas;
    out.partitions.push_back(std::move(mp));
  }
  return out;
}

void handle(HandlerContext& ctx) {
  auto req = ctx.request.decode<protocol::MetadataRequest>();
  if (!req) return ctx.responder.close("bad Metadata request: " + req.error().message);
  int16_t v = ctx.request.version();
  ClusterState& cluster = ctx.cluster;

  MetadataResponse resp;
  for (const NodeInfo& n : cluster.nodes)
    resp.brokers.push_back({n.id, n.host, n.port, std::nullopt, {}});
  resp.cluster_id = cluster.topics->cluster_id();
  resp.controller_id = cluster.controller_id();

  bool all = !req->topics.has_value() || (v == 0 && req->topics->empty());
  if (all) {
    for (const auto& [name, t] : cluster.topics->topics()) resp.topics.push_back(describe(t));
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
        } else {
          resp.topics.push_back(describe(*t));
        }
        continue;
      }
      const std::string& name = *wanted.name;
      if (Topic* t = cluster.topics->find(name)) {
        resp.topics.push_back(describe(*t));
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
          resp.topics.push_back(describe(**created));
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
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler metadata_api{3, 0, 13, &handle};

}  // namespace kafkit::broker
