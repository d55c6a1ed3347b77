#pragma once
// make_request: turns a generated request struct and a typed callback into an
// OutboundRequest. The response is decoded with the generated response type of the same
// API (ResponseFor), at the version the request went out with.
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include "net/net_errors.hpp"
#include "net/outbound_request.hpp"
#include "net/response_for.hpp"
#include "protocol/message.hpp"

namespace kafkit::net {

template <class Req>
using ResponseOf = typename ResponseFor<Req>::type;

template <class Req>
using TypedCallback = std::function<void(Result<ResponseOf<Req>>)>;

/// True when the broker sends no response to `request`: only Produce with acks=0.
template <class Req>
bool expects_response(const Req& request) {
  if constexpr (std::is_same_v<Req, protocol::ProduceRequest>) return request.acks != 0;
  return true;
}

/// A request whose version is negotiated. For Produce acks=0 the callback receives an empty
/// ProduceResponse once the request was written to the socket.
template <class Req>
OutboundRequest make_request(Req request, TypedCallback<Req> callback,
                             std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
  using Api = typename ResponseFor<Req>::api;
  using Resp = ResponseOf<Req>;
  OutboundRequest out;
  out.api_key = Api::info.key;
  out.api_name = std::string(Api::info.name);
  out.versions = VersionRange{Api::info.min_version, Api::info.max_version};
  out.expect_response = expects_response(request);
  out.timeout = timeout;
  // Shared: encode_body and complete are separate closures over the same request state.
  auto body = std::make_shared<Req>(std::move(request));
  out.encode_body = [body](std::int16_t version) {
    return protocol::encode_message(*body, version);
  };
  out.complete = [callback = std::move(callback), expect = out.expect_response](
                     Result<RawResponse> raw, const std::string& broker) -> Completion {
    if (!raw.ok()) return Completion{[callback, error = raw.error()] { callback(error); }, {}};
    if (!expect) return Completion{[callback] { callback(Resp{}); }, {}};
    const RawResponse& r = raw.value();
    auto decoded = protocol::decode_message<Resp>(r.body, r.api_version);
    if (!decoded.ok()) {
      Error error{errc::protocol_error, "undecodable " + std::string(Api::info.name) + " v" +
                                            std::to_string(r.api_version) +
                                            " response (correlation id " +
                                            std::to_string(r.correlation_id) + ") from broker " +
                                            broker + ": " + decoded.error().message};
      return Completion{[callback, error] { callback(error); }, error};
    }
    return Completion{[callback, response = std::move(decoded.value())]() mutable {
                        callback(std::move(response));
                      },
                      {}};
  };
  return out;
}

}  // namespace kafkit::net
