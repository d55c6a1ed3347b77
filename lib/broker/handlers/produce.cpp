// Produce: validates each partition's batch, appends it to the partition log and answers
// with the assigned base offset (acks 1 and all), or not at all (acks 0). Served from v3
// (RecordBatch v2); v0-2 are advertised only so that librdkafka 2.0.2 enables compression
// (protocol-facts §1.3) and are answered with UNSUPPORTED_VERSION, as Kafka 4 does.
#include <algorithm>

#include "broker/faults/injected_errors.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/handlers/produce_validation.hpp"
#include "broker/topic_config.hpp"
#include "protocol/messages/produce.hpp"
#include "protocol/records/record_batch.hpp"

namespace kafkit::broker {
namespace {

using protocol::ProduceRequest;
using protocol::ProduceResponse;
using PartitionResponse = ProduceResponse::PartitionProduceResponse;

constexpr int16_t kMinServedVersion = 3;
constexpr int16_t kFirstTopicIdVersion = 13;

PartitionResponse produce_partition(HandlerContext& ctx, const ProduceRequest& req,
                                    const ProduceRequest::TopicProduceData& topic,
                                    ProduceRequest::PartitionProduceData& data) {
  PartitionResponse out;
  out.index = data.index;
  out.base_offset = -1;
  auto error = [&](ErrorCode e, std::string message = {}) {
    out.error_code = code(e);
    if (!message.empty()) out.error_message = std::move(message);
    if (e == ErrorCode::InvalidRecord && out.error_message)
      out.record_errors.push_back({0, out.error_message, {}});
    return out;
  };
  int16_t v = ctx.request.version();
  if (v < kMinServedVersion)
    return error(ErrorCode::UnsupportedVersion,
                 "Produce v" + std::to_string(v) + " is not supported; use v3 or later");
  if (req.acks != 0 && req.acks != 1 && req.acks != -1)
    return error(ErrorCode::InvalidRequiredAcks);

  PartitionLookup found =
      lookup_partition(ctx.cluster, ctx.request.node_id, v >= kFirstTopicIdVersion, topic.name,
                       topic.topic_id, data.index);
  // KIP-951: a broker that is not (or no longer) the leader names the one it knows, so the
  // producer can go there without a Metadata round trip.
  if (found.partition != nullptr)
    out.current_leader = {found.partition->leader, found.partition->leader_epoch, {}};
  if (!found.ok()) return error(found.error);
  Partition& p = *found.partition;
  if (!data.records || data.records->empty())
    return error(ErrorCode::InvalidRecord,
                 "Produce requests with version 3 and above are only allowed to contain "
                 "exactly one record batch");
  const LogConfig& lc = p.log->config();
  RecordsCheck check = validate_produce_records(*data.records, lc.max_message_bytes);
  if (!check.ok()) return error(check.error, check.message);

  auto header = protocol::parse_batch_header(*data.records);
  if (header->is_transactional())
    return error(ErrorCode::InvalidTxnState,
                 "transactional batch without an ongoing transaction (transactions are not "
                 "supported by this broker yet)");
  if (req.acks == -1) {
    auto min_isr = effective_topic_config(*find_topic_config("min.insync.replicas"),
                                          found.topic->configs, ctx.cluster.config.properties);
    if (std::stoll(min_isr.value) > static_cast<long long>(p.replicas.size()))
      return error(ErrorCode::NotEnoughReplicas,
                   "The size of the current ISR " + std::to_string(p.replicas.size()) +
                       " is insufficient to satisfy the min.isr requirement of " + min_isr.value);
  }
  // KIP-98: an idempotent batch is checked against its producer's state on this partition;
  // a retry of a batch the log already has is answered with the original offsets.
  const bool idempotent = header->producer_id >= 0;
  if (idempotent) {
    SequenceVerdict verdict = p.producers.check(*header);
    if (verdict.error != ErrorCode::None) return error(verdict.error, verdict.message);
    if (verdict.duplicate) {
      out.base_offset = verdict.duplicate->first_offset;
      out.log_start_offset = p.log->log_start_offset();
      return out;
    }
  }
  auto appended = p.log->append(*data.records, p.leader_epoch, ClusterState::now_ms());
  if (!appended) {
    ctx.cluster.log("append to " + found.topic->name + "-" + std::to_string(p.index) +
                    " failed: " + appended.error().message);
    out.error_code = wire_code(appended.error());
    return out;
  }
  if (idempotent)
    p.producers.record(
        *header, appended->base_offset, appended->last_offset,
        appended->log_append_time >= 0 ? appended->log_append_time : header->max_timestamp);
  out.base_offset = appended->base_offset;
  out.log_append_time_ms = appended->log_append_time;
  out.log_start_offset = appended->log_start_offset;
  ctx.cluster.fetches.on_append(found.topic->name, p.index);
  return out;
}

// A partition failed on purpose (Cluster::inject_errors) or refused (authorization): nothing
// is appended.
PartitionResponse injected_response(int32_t partition, int16_t error) {
  PartitionResponse out;
  out.index = partition;
  out.error_code = error;
  out.base_offset = -1;
  return out;
}

// KIP-951: the endpoints of the leaders named in partitions that failed because leadership
// moved (v10+ carry them; older versions drop the field when encoding).
void add_leader_endpoints(const ClusterState& cluster, size_t listener, ProduceResponse& resp) {
  std::vector<int32_t> ids;
  for (const auto& t : resp.responses)
    for (const auto& p : t.partition_responses)
      if ((p.error_code == code(ErrorCode::NotLeaderOrFollower) ||
           p.error_code == code(ErrorCode::FencedLeaderEpoch)) &&
          p.current_leader.leader_id >= 0 &&
          std::find(ids.begin(), ids.end(), p.current_leader.leader_id) == ids.end())
        ids.push_back(p.current_leader.leader_id);
  for (int32_t id : ids)
    if (const NodeInfo* n = cluster.node(id))
      resp.node_endpoints.push_back({id, n->host, n->port(listener), std::nullopt, {}});
}

void handle(HandlerContext& ctx) {
  auto req = ctx.request.decode<ProduceRequest>();
  if (!req) return ctx.responder.close("bad Produce request: " + req.error().message);
  ProduceResponse resp;
  bool any_error = false;
  auto injected =
      InjectedErrors::for_request(ctx.cluster, *req, ctx.request.version() >= kFirstTopicIdVersion);
  for (auto& topic : req->topic_data) {
    ProduceResponse::TopicProduceResponse tr;
    tr.name = topic.name;
    tr.topic_id = topic.topic_id;
    const bool allowed =
        topic_authorized(ctx, authz::Operation::write,
                         ctx.request.version() >= kFirstTopicIdVersion, topic.name, topic.topic_id);
    for (auto& data : topic.partition_data) {
      if (!allowed)
        tr.partition_responses.push_back(
            injected_response(data.index, code(ErrorCode::TopicAuthorizationFailed)));
      else if (auto e = injected.error_for(topic.name, topic.topic_id, data.index))
        tr.partition_responses.push_back(injected_response(data.index, *e));
      else
        tr.partition_responses.push_back(produce_partition(ctx, *req, topic, data));
      any_error |= tr.partition_responses.back().error_code != 0;
    }
    resp.responses.push_back(std::move(tr));
  }
  add_leader_endpoints(ctx.cluster, ctx.request.listener, resp);
  if (req->acks == 0) {
    // With acks=0 nothing is answered; Kafka closes the connection after a failed write so
    // that the producer notices (and refreshes its metadata) instead of losing silently.
    if (any_error) return ctx.responder.close("acks=0 produce failed");
    return ctx.responder.none();
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler produce_api{0, 0, 13, &handle};

}  // namespace kafkit::broker
