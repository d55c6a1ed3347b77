// InitProducerId (key 22), v0-5: producer ids for idempotent producers (KIP-98).
//
// Without a transactional id Kafka's TransactionCoordinator "blindly" hands out a fresh
// producer id with epoch 0 — also when a v3+ request names its current id and epoch
// (KIP-360): the epoch-bump path exists for transactional ids only, and an idempotent
// producer that needs a new epoch is equally served by a new id. This broker answers the
// same, so a client's recovery path is exercised exactly as against Kafka.
//
// Transactions are not implemented yet. An empty transactional id is INVALID_REQUEST (as
// in Kafka); any other is answered COORDINATOR_NOT_AVAILABLE: no node of this cluster can
// coordinate transactions, which is retriable — a transactional client keeps looking for a
// coordinator until its own timeout and then reports that, instead of a misleading fatal
// error such as TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
//
// Authorization (issue 8): an idempotent producer needs IDEMPOTENT_WRITE on the cluster or,
// since KIP-679, WRITE on any topic (authz::may_write_any_topic); else
// CLUSTER_AUTHORIZATION_FAILED, which clients treat as fatal.
//
// Advertised from v0: librdkafka 2.0.2 enables idempotence only when InitProducerId 0 is
// in the broker's range (protocol-facts §1.3).
#include "protocol/messages/init_producer_id.hpp"
#include "broker/cluster_state.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/kafka_error.hpp"

namespace kafkit::broker {
namespace {

using protocol::InitProducerIdRequest;
using protocol::InitProducerIdResponse;

void handle_init_producer_id(HandlerContext& ctx) {
  auto req = ctx.request.decode<InitProducerIdRequest>();
  if (!req) return ctx.responder.close("cannot parse InitProducerId: " + req.error().message);
  InitProducerIdResponse resp;
  resp.throttle_time_ms = 0;
  // Errors carry no id, as Kafka's initTransactionError does.
  resp.producer_id = -1;
  resp.producer_epoch = -1;
  auto fail = [&](ErrorCode e) {
    resp.error_code = static_cast<int16_t>(e);
    ctx.responder.send(resp);
  };
  if (req->transactional_id) {
    if (req->transactional_id->empty()) return fail(ErrorCode::InvalidRequest);
    return fail(ErrorCode::CoordinatorNotAvailable);
  }
  if (!may_be_idempotent(ctx)) return fail(ErrorCode::ClusterAuthorizationFailed);
  auto id = ctx.cluster.topics->producer_ids().next();
  if (!id) {
    ctx.cluster.log("cannot allocate a producer id: " + id.error().message);
    // Retriable, like Kafka's ProducerIdManager while it has no block of ids.
    return fail(ErrorCode::CoordinatorLoadInProgress);
  }
  resp.error_code = 0;
  resp.producer_id = *id;
  resp.producer_epoch = 0;
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler init_producer_id_api{InitProducerIdRequest::api_key, 0, 5,
                                      &handle_init_producer_id};

}  // namespace kafkit::broker
