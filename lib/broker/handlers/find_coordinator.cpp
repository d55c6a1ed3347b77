// FindCoordinator (key 10): which node coordinates a consumer group (key type 0) or a
// transactional id (key type 1). Advertised 0-6: librdkafka 2.0.2 turns its group
// coordinator support and LZ4 off unless FindCoordinator 0 is advertised (protocol-facts
// §1.3). v0-3 carry one key (key type from v1); v4+ a batch of CoordinatorKeys.
//
// Kafka maps a key to a partition of __consumer_offsets / __transaction_state by
// abs(String.hashCode(key)) % partitions and answers with that partition's leader. This
// broker has no internal topics, so it hashes straight onto the node list:
// nodes[abs(hashCode(key)) % nodes.size()], with Java's String.hashCode over UTF-16 code
// units and Kafka's Utils.abs (INT_MIN maps to 0). The answer is stable per key for a
// given cluster size, which is what clients rely on.
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/cluster_state.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "protocol/messages/find_coordinator.hpp"

namespace kafkit::broker {
namespace {

using protocol::FindCoordinatorRequest;
using protocol::FindCoordinatorResponse;

constexpr int8_t kGroupKey = 0;
constexpr int8_t kTransactionKey = 1;
constexpr int16_t kFirstBatchedVersion = 4;

/// Java's String.hashCode of the UTF-16 form of a UTF-8 string: h = 31*h + unit, in
/// wrapping 32-bit arithmetic. Malformed UTF-8 bytes count as U+FFFD, as Java's decoder
/// replaces them.
int32_t java_string_hash(std::string_view s) {
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  size_t i = 0;
  while (i < s.size()) {
    auto b0 = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (b0 < 0x80) {
      cp = b0;
    } else {
      size_t need = (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 0;
      if (need != 0 && i + need <= s.size()) {
        uint32_t v = b0 & (0x7F >> need);
        bool ok = true;
        for (size_t k = 1; k < need; ++k) {
          auto b = static_cast<unsigned char>(s[i + k]);
          if ((b & 0xC0) != 0x80) {
            ok = false;
            break;
          }
          v = (v << 6) | (b & 0x3F);
        }
        static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (ok && v >= kMin[need] && v <= 0x10FFFF && (v < 0xD800 || v > 0xDFFF)) {
          cp = v;
          len = need;
        }
      }
    }
    if (cp >= 0x10000) {
      add(0xD800 + ((cp - 0x10000) >> 10));
      add(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      add(cp);
    }
    i += len;
  }
  return static_cast<int32_t>(h);
}

const NodeInfo* coordinator_for(const ClusterState& cluster, std::string_view key) {
  if (cluster.nodes.empty()) return nullptr;
  int32_t h = java_string_hash(key);
  uint32_t positive = h == INT32_MIN ? 0u : static_cast<uint32_t>(h < 0 ? -h : h);
  return &cluster.nodes[positive % cluster.nodes.size()];
}

struct Answer {
  int16_t error = 0;
  std::optional<std::string> message;
  int32_t node_id = -1;
  std::string host;
  int32_t port = -1;
};

Answer answer(const ClusterState& cluster, int8_t key_type, std::string_view key) {
  Answer a;
  if (key_type != kGroupKey && key_type != kTransactionKey) {
    a.error = code(ErrorCode::InvalidRequest);
    a.message = "Unknown coordinator key type " + std::to_string(key_type) +
                " (0 = group, 1 = transaction)";
    return a;
  }
  const NodeInfo* node = coordinator_for(cluster, key);
  if (node == nullptr) {
    a.error = code(ErrorCode::CoordinatorNotAvailable);
    a.message = "No broker node is available";
    return a;
  }
  if (cluster.faults.stopped(node->id)) {
    // Its coordinator partition has no leader while the node is down (Cluster::stop_node).
    a.error = code(ErrorCode::CoordinatorNotAvailable);
    a.message = "The coordinator is not available";
    return a;
  }
  a.node_id = node->id;
  a.host = node->host;
  a.port = node->port;
  return a;
}

void handle_find_coordinator(HandlerContext& ctx) {
  auto req = ctx.request.decode<FindCoordinatorRequest>();
  if (!req) return ctx.responder.close("cannot parse FindCoordinator: " + req.error().message);

  FindCoordinatorResponse resp;
  resp.throttle_time_ms = 0;
  // An error a test injected (Cluster::inject_errors) answers every key of the request.
  std::optional<int16_t> injected = ctx.cluster.faults.take_error(FindCoordinatorRequest::api_key);
  auto answer_key = [&](const std::string& key) {
    return injected ? Answer{*injected, std::nullopt, -1, "", -1}
                    : answer(ctx.cluster, req->key_type, key);
  };
  if (ctx.request.version() < kFirstBatchedVersion) {
    Answer a = answer_key(req->key);
    resp.error_code = a.error;
    resp.error_message = std::move(a.message);
    resp.node_id = a.node_id;
    resp.host = std::move(a.host);
    resp.port = a.port;
  } else {
    for (const std::string& key : req->coordinator_keys) {
      Answer a = answer_key(key);
      FindCoordinatorResponse::Coordinator c;
      c.key = key;
      c.node_id = a.node_id;
      c.host = std::move(a.host);
      c.port = a.port;
      c.error_code = a.error;
      c.error_message = std::move(a.message);
      resp.coordinators.push_back(std::move(c));
    }
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler find_coordinator_api{FindCoordinatorRequest::api_key, 0, 6,
                                      &handle_find_coordinator};

}  // namespace kafkit::broker
