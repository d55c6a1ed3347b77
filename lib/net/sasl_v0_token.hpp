#pragma once
// The SaslHandshake v0 form (pre-KIP-152, Kafka before 1.0): after a SaslHandshake v0 the
// SASL tokens travel as bare frames, an INT32 size and the token, with no request or
// response header, and the broker answers each with a bare frame the same way. A broker
// that lists no SaslAuthenticate in ApiVersions only understands this form. A refused
// authentication has no error response there: the broker closes the connection.
#include <functional>
#include <string>

#include "common/result.hpp"
#include "net/outbound_request.hpp"

namespace kafkit::net {

/// A headerless request carrying `token`; `on_reply` gets the broker's token (the whole
/// answering frame) or the failure.
OutboundRequest make_sasl_v0_token(std::string token,
                                   std::function<void(Result<std::string>)> on_reply);

}  // namespace kafkit::net
