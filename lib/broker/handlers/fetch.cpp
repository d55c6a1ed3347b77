// Fetch: reads whole batches from the partition logs, within the partition and response
// byte limits, and long-polls (fetch.max.wait.ms) until fetch.min.bytes are available.
// Sessionless only (KIP-227): a request asking for a new session gets session id 0, which
// tells the client that no session was created, so it keeps sending full requests.
#include <memory>

#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "protocol/messages/fetch.hpp"

namespace kafkit::broker {
namespace {

using protocol::FetchRequest;
using protocol::FetchResponse;

constexpr int16_t kFirstTopicIdVersion = 13;
constexpr int8_t kReadCommitted = 1;

struct Built {
  FetchResponse response;
  size_t bytes = 0;
  bool any_error = false;
};

Built build(ClusterState& cluster, int32_t node_id, int16_t version, const FetchRequest& req) {
  Built out;
  bool by_id = version >= kFirstTopicIdVersion;
  // The response limit is soft for the first batch: a batch larger than max.bytes is still
  // returned when it is the first data of the response, so a consumer can always progress.
  size_t budget = req.max_bytes < 0 ? 0 : static_cast<size_t>(req.max_bytes);
  for (const auto& topic : req.topics) {
    FetchResponse::FetchableTopicResponse tr;
    tr.topic = topic.topic;
    tr.topic_id = topic.topic_id;
    for (const auto& fp : topic.partitions) {
      FetchResponse::PartitionData pd;
      pd.partition_index = fp.partition;
      if (req.isolation_level != kReadCommitted) pd.aborted_transactions = std::nullopt;
      PartitionLookup found = lookup_partition(cluster, node_id, by_id, topic.topic, topic.topic_id,
                                               fp.partition, fp.current_leader_epoch);
      if (!found.ok()) {
        pd.error_code = code(found.error);
        pd.high_watermark = -1;
        out.any_error = true;
        tr.partitions.push_back(std::move(pd));
        continue;
      }
      PartitionLog& log = *found.partition->log;
      size_t limit = fp.partition_max_bytes < 0 ? 0 : static_cast<size_t>(fp.partition_max_bytes);
      limit = std::min(limit, budget);
      auto read = log.read(fp.fetch_offset, limit, out.bytes == 0 && fp.partition_max_bytes > 0);
      pd.high_watermark = log.log_end_offset();
      pd.last_stable_offset = log.log_end_offset();
      pd.log_start_offset = log.log_start_offset();
      if (!read) {
        pd.error_code = wire_code(read.error());
        out.any_error = true;
      } else {
        size_t n = read->records.size();
        out.bytes += n;
        budget -= std::min(budget, n);
        pd.records = std::move(read->records);
      }
      tr.partitions.push_back(std::move(pd));
    }
    out.response.responses.push_back(std::move(tr));
  }
  return out;
}

void handle(HandlerContext& ctx) {
  auto req = ctx.request.decode<FetchRequest>();
  if (!req) return ctx.responder.close("bad Fetch request: " + req.error().message);
  int16_t v = ctx.request.version();
  int32_t node_id = ctx.request.node_id;
  // KIP-227 session rules for a broker that never creates sessions.
  if (req->session_id != 0 || (req->session_epoch != 0 && req->session_epoch != -1)) {
    FetchResponse resp;
    resp.error_code = code(req->session_id != 0 ? ErrorCode::FetchSessionIdNotFound
                                                : ErrorCode::InvalidFetchSessionEpoch);
    return ctx.responder.send(resp);
  }
  Built first = build(ctx.cluster, node_id, v, *req);
  bool satisfied = first.any_error || req->max_wait_ms <= 0 ||
                   first.bytes >= static_cast<size_t>(std::max(req->min_bytes, 0)) ||
                   req->topics.empty();
  if (satisfied) return ctx.responder.send(first.response);

  // Park until an append to one of the partitions brings enough bytes, or the wait ends.
  std::vector<DelayedFetches::PartitionKey> watched;
  for (const auto& topic : req->topics) {
    const Topic* t = v >= kFirstTopicIdVersion ? ctx.cluster.topics->find(topic.topic_id)
                                               : ctx.cluster.topics->find(topic.topic);
    if (t == nullptr) continue;
    for (const auto& fp : topic.partitions) watched.emplace_back(t->name, fp.partition);
  }
  auto parked = std::make_shared<FetchRequest>(std::move(*req));
  ClusterState& cluster = ctx.cluster;
  Responder responder = ctx.responder;
  cluster.fetches.add(std::move(watched), parked->max_wait_ms,
                      [&cluster, node_id, v, parked, responder](bool expired) {
                        if (!responder.connected()) return true;  // nobody is waiting
                        Built again = build(cluster, node_id, v, *parked);
                        if (!expired && !again.any_error &&
                            again.bytes < static_cast<size_t>(std::max(parked->min_bytes, 0)))
                          return false;
                        responder.send(again.response);
                        return true;
                      });
}

}  // namespace

const ApiHandler fetch_api{1, 4, 17, &handle};

}  // namespace kafkit::broker
