#include "broker/handlers/unsupported.hpp"

#include "protocol/messages/apis.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::broker {

bool answer_unsupported(const Request& req, const Responder& responder) {
  bool answered = false;
  protocol::visit_api(req.header.api_key, [&](auto api) {
    using Response = typename decltype(api)::Response;
    if constexpr (requires(Response r) { r.error_code = int16_t{}; }) {
      Response resp;
      resp.error_code = static_cast<int16_t>(protocol::ErrorCode::UnsupportedVersion);
      responder.send(resp);
      answered = true;
    }
  });
  return answered;
}

}  // namespace kafkit::broker
