#include "net/outbound_request.hpp"

#include <memory>

#include "protocol/messages/apis.hpp"

namespace kafkit::net {

OutboundRequest make_raw_request(RawRequest request, RawCallback callback) {
  OutboundRequest out;
  out.api_key = request.api_key;
  const protocol::ApiInfo* info = protocol::find_api(request.api_key);
  out.api_name =
      info != nullptr ? std::string(info->name) : "API key " + std::to_string(request.api_key);
  out.versions = VersionRange{request.api_version, request.api_version};
  out.negotiate = false;
  out.expect_response = request.expect_response;
  out.timeout = request.timeout;
  auto body = std::make_shared<protocol::Bytes>(std::move(request.body));
  out.encode_body = [body](std::int16_t) { return *body; };
  out.complete = [callback = std::move(callback)](Result<RawResponse> raw,
                                                  const std::string&) -> Completion {
    return Completion{[callback, raw = std::move(raw)]() mutable { callback(std::move(raw)); }, {}};
  };
  return out;
}

}  // namespace kafkit::net
