#pragma once
// Answering a request with an injected error instead of handling it, for the APIs whose
// response carries one top-level error code (InitProducerId, DescribeCluster, ...).
#include <cstdint>

#include "broker/request.hpp"

namespace kafkit::broker {

class FaultState;

/// Whether an error can be injected into `api_key` at all: its handler applies injections
/// itself, or its response has a top-level error code.
bool can_inject_error(int16_t api_key);

/// When an injection is armed for the request's API (and its handler does not apply it
/// itself), answers the request with it — every other field at its default — and returns
/// true: the handler must not run.
bool answer_injected_error(FaultState& faults, const Request& req, const Responder& responder);

}  // namespace kafkit::broker
