// Fetch: reads whole batches from the partition logs, within the partition and response
// byte limits, and long-polls (fetch.max.wait.ms) until fetch.min.bytes are available.
// Sessionless only (KIP-227): a request asking for a new session gets session id 0, which
// tells the client that no session was created, so it keeps sending full requests.
//
// On a plaintext connection the records are not read at all: each partition's batches are
// a FileSlice of its segment file, the response is encoded with empty placeholders whose
// length prefixes say the slices' sizes, and the session sends the slices with sendfile
// (issue 4). Elsewhere (TLS, later) the batches are read into the response as before.
#include <memory>
#include <tuple>
#include <vector>

#include "broker/faults/injected_errors.hpp"
#include "broker/handlers/authorization.hpp"
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
  /// Zero-copy: the records of response.responses[topic].partitions[partition], from disk.
  std::vector<std::tuple<size_t, size_t, FileSlice>> slices;
  size_t bytes = 0;
  bool any_error = false;
};

/// `injected`: errors a test injected into this request; `denied`: per topic of the request,
/// whether its principal may not read it (only its first build: a request with errors is
/// answered at once, never parked).
Built build(ClusterState& cluster, int32_t node_id, int16_t version, const FetchRequest& req,
            bool zero_copy, const InjectedErrors* injected = nullptr,
            const std::vector<bool>* denied = nullptr) {
  Built out;
  bool by_id = version >= kFirstTopicIdVersion;
  // The response limit is soft for the first batch: a batch larger than max.bytes is still
  // returned when it is the first data of the response, so a consumer can always progress.
  size_t budget = req.max_bytes < 0 ? 0 : static_cast<size_t>(req.max_bytes);
  for (const auto& topic : req.topics) {
    FetchResponse::FetchableTopicResponse tr;
    tr.topic = topic.topic;
    tr.topic_id = topic.topic_id;
    const bool refused = denied != nullptr && (*denied)[out.response.responses.size()];
    for (const auto& fp : topic.partitions) {
      FetchResponse::PartitionData pd;
      pd.partition_index = fp.partition;
      if (req.isolation_level != kReadCommitted) pd.aborted_transactions = std::nullopt;
      PartitionLookup found = lookup_partition(cluster, node_id, by_id, topic.topic, topic.topic_id,
                                               fp.partition, fp.current_leader_epoch);
      auto forced = refused    ? std::optional<int16_t>(code(ErrorCode::TopicAuthorizationFailed))
                    : injected ? injected->error_for(topic.topic, topic.topic_id, fp.partition)
                               : std::nullopt;
      if (forced || !found.ok()) {
        pd.error_code = forced ? *forced : code(found.error);
        pd.high_watermark = -1;
        out.any_error = true;
        tr.partitions.push_back(std::move(pd));
        continue;
      }
      PartitionLog& log = *found.partition->log;
      size_t limit = fp.partition_max_bytes < 0 ? 0 : static_cast<size_t>(fp.partition_max_bytes);
      limit = std::min(limit, budget);
      const bool min_one_batch = out.bytes == 0 && fp.partition_max_bytes > 0;
      pd.high_watermark = log.log_end_offset();
      pd.last_stable_offset = log.log_end_offset();
      pd.log_start_offset = log.log_start_offset();
      size_t n = 0;
      if (zero_copy) {
        auto read = log.read_slice(fp.fetch_offset, limit, min_one_batch);
        if (!read) {
          pd.error_code = wire_code(read.error());
          out.any_error = true;
        } else {
          n = read->slice.length;
          pd.records = protocol::Bytes{};  // the placeholder the slice's bytes replace
          if (n > 0)
            out.slices.emplace_back(out.response.responses.size(), tr.partitions.size(),
                                    std::move(read->slice));
        }
      } else {
        auto read = log.read(fp.fetch_offset, limit, min_one_batch);
        if (!read) {
          pd.error_code = wire_code(read.error());
          out.any_error = true;
        } else {
          n = read->records.size();
          pd.records = std::move(read->records);
        }
      }
      out.bytes += n;
      budget -= std::min(budget, n);
      tr.partitions.push_back(std::move(pd));
    }
    out.response.responses.push_back(std::move(tr));
  }
  return out;
}

void send(const Responder& responder, const Built& built) {
  if (built.slices.empty()) return responder.send(built.response);
  // Registered now that the response is complete: the splicer knows fields by address.
  FileSliceSplicer splicer;
  for (const auto& [topic, partition, slice] : built.slices)
    splicer.add(built.response.responses[topic].partitions[partition].records, slice);
  responder.send_spliced(built.response, splicer);
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
  auto injected = InjectedErrors::for_request(ctx.cluster, *req, v >= kFirstTopicIdVersion);
  std::vector<bool> denied;
  for (const auto& topic : req->topics)
    denied.push_back(!topic_authorized(ctx, authz::Operation::read, v >= kFirstTopicIdVersion,
                                       topic.topic, topic.topic_id));
  Built first = build(ctx.cluster, node_id, v, *req, ctx.responder.zero_copy(), &injected, &denied);
  bool satisfied = first.any_error || req->max_wait_ms <= 0 ||
                   first.bytes >= static_cast<size_t>(std::max(req->min_bytes, 0)) ||
                   req->topics.empty();
  if (satisfied) return send(ctx.responder, first);

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
  cluster.fetches.add(
      std::move(watched), parked->max_wait_ms,
      [&cluster, node_id, v, parked, responder](bool expired) {
        if (!responder.connected()) return true;  // nobody is waiting
        Built again = build(cluster, node_id, v, *parked, responder.zero_copy());
        if (!expired && !again.any_error &&
            again.bytes < static_cast<size_t>(std::max(parked->min_bytes, 0)))
          return false;
        send(responder, again);
        return true;
      },
      [responder] { return responder.connected(); });
}

}  // namespace

const ApiHandler fetch_api{1, 4, 17, &handle};

}  // namespace kafkit::broker
