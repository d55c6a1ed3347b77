#include "net/sasl_v0_token.hpp"

#include <memory>
#include <utility>

namespace kafkit::net {

OutboundRequest make_sasl_v0_token(std::string token,
                                   std::function<void(Result<std::string>)> on_reply) {
  OutboundRequest out;
  out.api_key = -1;  // not a Kafka API: nothing identifies it on the wire
  out.api_name = "SASL token (SaslHandshake v0 form)";
  out.versions = VersionRange{0, 0};
  out.negotiate = false;
  out.headerless = true;
  auto body = std::make_shared<protocol::Bytes>();
  const auto* p = reinterpret_cast<const std::byte*>(token.data());
  body->assign(p, p + token.size());
  out.encode_body = [body](std::int16_t) { return *body; };
  out.complete = [on_reply = std::move(on_reply)](Result<RawResponse> raw,
                                                  const std::string&) -> Completion {
    Result<std::string> reply =
        raw.ok()
            ? Result<std::string>(std::string(
                  reinterpret_cast<const char*>(raw.value().body.data()), raw.value().body.size()))
            : Result<std::string>(raw.error());
    return Completion{
        [on_reply, reply = std::move(reply)]() mutable { on_reply(std::move(reply)); }, {}};
  };
  return out;
}

}  // namespace kafkit::net
