// DescribeCluster (key 60), advertised 0-2: cluster id, controller and every broker.
// Follows Kafka's AuthHelper.computeDescribeClusterResponse on a broker listener:
//   - EndpointType (v1+) 1 = brokers is served; 2 = controllers is a valid type this
//     endpoint is not (MISMATCHED_ENDPOINT_TYPE, 114); any other value is
//     UNSUPPORTED_ENDPOINT_TYPE (115). (A v0 request always means brokers.)
//   - ClusterAuthorizedOperations is INT32_MIN unless asked for; with no authorizer Kafka
//     reports every operation the CLUSTER resource supports (AclEntry.supportedOperations):
//     CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10,
//     ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12, as a bit field.
//   - No broker is ever fenced here, so IncludeFencedBrokers (v2) changes nothing.
//   - Rack is null: this broker has no broker.rack.
#include <climits>
#include <string>

#include "broker/cluster_state.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "protocol/messages/describe_cluster.hpp"

namespace kafkit::broker {
namespace {

using protocol::DescribeClusterRequest;
using protocol::DescribeClusterResponse;

constexpr int8_t kBrokerEndpoint = 1;
constexpr int8_t kControllerEndpoint = 2;

// AclOperation codes.
constexpr int kCreate = 5, kAlter = 7, kDescribe = 8, kClusterAction = 9, kDescribeConfigs = 10,
              kAlterConfigs = 11, kIdempotentWrite = 12;
constexpr int32_t kClusterOperations = (1 << kCreate) | (1 << kAlter) | (1 << kDescribe) |
                                       (1 << kClusterAction) | (1 << kDescribeConfigs) |
                                       (1 << kAlterConfigs) | (1 << kIdempotentWrite);

void handle_describe_cluster(HandlerContext& ctx) {
  auto req = ctx.request.decode<DescribeClusterRequest>();
  if (!req) return ctx.responder.close("cannot parse DescribeCluster: " + req.error().message);

  DescribeClusterResponse resp;
  resp.throttle_time_ms = 0;
  resp.endpoint_type = kBrokerEndpoint;
  if (req->endpoint_type != kBrokerEndpoint) {
    bool controllers = req->endpoint_type == kControllerEndpoint;
    resp.error_code =
        code(controllers ? ErrorCode::MismatchedEndpointType : ErrorCode::UnsupportedEndpointType);
    resp.error_message = controllers
                             ? std::string(
                                   "This is a broker endpoint; the cluster's controllers are not "
                                   "reachable through it (endpoint type 2 was asked for)")
                             : "Unsupported endpoint type " + std::to_string(req->endpoint_type);
    return ctx.responder.send(resp);
  }
  resp.error_code = code(ErrorCode::None);
  resp.error_message = std::nullopt;
  resp.cluster_id = ctx.cluster.topics->cluster_id();
  resp.controller_id = ctx.cluster.controller_id();
  for (const NodeInfo& n : ctx.cluster.nodes) {
    if (ctx.cluster.faults.stopped(n.id)) continue;  // Cluster::stop_node: not registered
    DescribeClusterResponse::DescribeClusterBroker b;
    b.broker_id = n.id;
    b.host = n.host;
    b.port = n.port(ctx.request.listener);
    b.rack = std::nullopt;
    b.is_fenced = false;
    resp.brokers.push_back(std::move(b));
  }
  resp.cluster_authorized_operations =
      req->include_cluster_authorized_operations ? kClusterOperations : INT32_MIN;
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler describe_cluster_api{DescribeClusterRequest::api_key, 0, 2,
                                      &handle_describe_cluster};

}  // namespace kafkit::broker
