#pragma once
// The answer to a request for an API (or version) this broker does not serve.
#include "broker/request.hpp"

namespace kafkit::broker {

/// Sends the API's response with its top-level error code set to UNSUPPORTED_VERSION.
/// Returns false for APIs whose response has no top-level error code; Kafka closes the
/// connection for requests it has not enabled, and so does the caller then.
bool answer_unsupported(const Request& req, const Responder& responder);

}  // namespace kafkit::broker
