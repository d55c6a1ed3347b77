// SaslAuthenticate (KIP-152) once a connection needs no (more) authentication: on a
// PLAINTEXT listener, or after SASL authentication succeeded. Kafka answers
// ILLEGAL_SASL_STATE there; unauthenticated SASL sessions never reach this handler (their
// SaslGate answers, broker/sasl/sasl_gate.hpp), and a KIP-368 re-authentication is taken
// over by the server before dispatch (broker/server/server_sasl.cpp); what reaches this handler
// is a session that cannot re-authenticate (a PLAINTEXT listener, the SaslHandshake v0 form).
#include "protocol/messages/sasl_authenticate.hpp"
#include "broker/handlers/handler_list.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::broker {
namespace {

void handle(HandlerContext& ctx) {
  protocol::SaslAuthenticateResponse resp;
  resp.error_code = static_cast<int16_t>(protocol::ErrorCode::IllegalSaslState);
  resp.error_message = "SaslAuthenticate request received after successful authentication";
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler sasl_authenticate_api{36, 0, 2, &handle};

}  // namespace kafkit::broker
