#include "net/api_versions_handshake.hpp"

#include <algorithm>
#include <optional>

#include "net/net_errors.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/error_codes.hpp"
#include "protocol/reader.hpp"

namespace kafkit::net {
namespace {

using protocol::ApiVersionsRequest;
using protocol::ApiVersionsResponse;
constexpr std::int16_t kUnsupported =
    static_cast<std::int16_t>(protocol::ErrorCode::UnsupportedVersion);

ApiVersionTable table_of(const ApiVersionsResponse& response) {
  std::map<std::int16_t, VersionRange> ranges;
  for (const auto& key : response.api_keys) {
    ranges[key.api_key] = VersionRange{key.min_version, key.max_version};
  }
  return ApiVersionTable(std::move(ranges));
}

}  // namespace

ApiVersionsHandshake::ApiVersionsHandshake(std::string software_name, std::string software_version,
                                           std::string broker)
    : software_name_(std::move(software_name)),
      software_version_(std::move(software_version)),
      broker_(std::move(broker)),
      version_(ApiVersionsRequest::max_version) {}

protocol::Bytes ApiVersionsHandshake::request_body() const {
  ApiVersionsRequest request;
  request.client_software_name = software_name_;
  request.client_software_version = software_version_;
  return protocol::encode_message(request, version_);
}

ApiVersionsHandshake::Outcome ApiVersionsHandshake::on_response(protocol::ByteView body) {
  const std::int16_t sent = version_;
  auto parsed = protocol::decode_message<ApiVersionsResponse>(body, sent);
  if (parsed.ok() && parsed->error_code == 0) return table_of(*parsed);

  // A broker that refused our version answered in the v0 layout, which the parse at `sent`
  // may have rejected (Java re-parses as v0 on failure; so do we). Every layout starts with
  // the INT16 error code, so a refusal is recognisable even when neither parse works (the
  // librdkafka 2.0.2 mock cluster sends such a body): then we step down by one version.
  protocol::Reader peek(body);
  const bool refused = peek.i16("ApiVersionsResponse.ErrorCode") == kUnsupported && peek.ok();
  if (refused) {
    std::optional<Result<ApiVersionsResponse>> v0;
    if (sent != 0) v0.emplace(protocol::decode_message<ApiVersionsResponse>(body, 0));
    const ApiVersionsResponse* refusal = nullptr;
    if (v0 && v0->ok()) {
      refusal = &**v0;
    } else if (parsed.ok()) {
      refusal = &*parsed;
    }
    std::int16_t next = static_cast<std::int16_t>(sent - 1);
    if (refusal != nullptr) {
      for (const auto& key : refusal->api_keys) {
        if (key.api_key == ApiVersionsRequest::api_key) next = std::min(next, key.max_version);
      }
    }
    if (next < 0) {
      return Error{kUnsupported, "broker " + broker_ + " refused ApiVersions v" +
                                     std::to_string(sent) +
                                     " with UNSUPPORTED_VERSION and offers no older version"};
    }
    version_ = next;
    return Retry{next};
  }
  if (!parsed.ok()) {
    return Error{errc::protocol_error, "undecodable ApiVersions v" + std::to_string(sent) +
                                           " response from broker " + broker_ + ": " +
                                           parsed.error().message};
  }
  return Error{parsed->error_code, "broker " + broker_ + " refused ApiVersions v" +
                                       std::to_string(sent) + ": " +
                                       std::string(protocol::error_name(parsed->error_code))};
}

}  // namespace kafkit::net
