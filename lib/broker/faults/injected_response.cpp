#include "broker/faults/injected_response.hpp"

#include "broker/faults/fault_state.hpp"
#include "protocol/messages/apis.hpp"

namespace kafkit::broker {
namespace {

template <class Response>
constexpr bool kHasTopLevelError = requires(Response r) {
  r.error_code = int16_t{};
};

}  // namespace

bool can_inject_error(int16_t api_key) {
  if (handler_applies_injected_errors(api_key)) return true;
  bool has_error = false;
  protocol::visit_api(
      api_key, [&](auto api) { has_error = kHasTopLevelError<typename decltype(api)::Response>; });
  return has_error;
}

bool answer_injected_error(FaultState& faults, const Request& req, const Responder& responder) {
  const int16_t key = req.header.api_key;
  if (handler_applies_injected_errors(key)) return false;
  bool answered = false;
  protocol::visit_api(key, [&](auto api) {
    using Response = typename decltype(api)::Response;
    // Only APIs with a top-level error can be armed (can_inject_error), so an injection
    // is never taken without an answer that shows it.
    if constexpr (kHasTopLevelError<Response>) {
      if (std::optional<int16_t> error = faults.take_error(key)) {
        Response resp;
        resp.error_code = *error;
        responder.send(resp);
        answered = true;
      }
    }
  });
  return answered;
}

}  // namespace kafkit::broker
