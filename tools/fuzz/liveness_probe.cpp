#include "liveness_probe.hpp"

#include "protocol/message.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::fuzz {

using namespace kafkit::protocol;

namespace {

// Sends one request and reads frames until the answer to it; the body on success.
template <class Req>
Result<Bytes> call(WireConnection& c, const Req& req, int16_t version, int32_t correlation,
                   std::chrono::milliseconds timeout, const char* what) {
  RequestHeader h;
  h.api_key = Req::api_key;
  h.api_version = version;
  h.correlation_id = correlation;
  h.client_id = "kafkit-fuzz-probe";
  auto deadline = Clock::now() + timeout;
  if (!c.send(frame_request(h, req), deadline))
    return Error{errc::io, std::string("connection lost sending ") + what};
  Bytes frame;
  for (;;) {
    switch (c.read_frame(frame, deadline)) {
      case ReadStatus::frame:
        break;
      case ReadStatus::closed:
        return Error{errc::io, std::string("closed instead of answering ") + what};
      case ReadStatus::timeout:
        return Error{errc::timed_out, std::string("no answer to ") + what + " within " +
                                          std::to_string(timeout.count()) + " ms"};
      case ReadStatus::bad_frame:
        return Error{errc::malformed, std::string("bad frame size answering ") + what};
    }
    Reader r(frame);
    if (r.i32("correlation_id") == correlation) return frame;
  }
}

}  // namespace

Result<std::vector<AdvertisedApi>> fetch_api_versions(const Endpoint& broker,
                                                      std::chrono::milliseconds timeout) {
  // v3 first (what current clients send); a broker without it answers UNSUPPORTED_VERSION
  // in a v0 body, so v0 is the fallback.
  for (int16_t version : {int16_t(3), int16_t(0)}) {
    WireConnection c;
    if (!c.connect(broker, timeout)) return Error{errc::io, "cannot connect"};
    ApiVersionsRequest req;
    req.client_software_name = "kafkit-fuzz";
    req.client_software_version = "1";
    auto frame = call(c, req, version, 1, timeout, "ApiVersions");
    if (!frame) return frame.error();
    Reader r(*frame);
    ResponseHeader rh;
    if (auto ok = rh.decode(r, 0); !ok) return ok.error();
    auto resp = decode_message<ApiVersionsResponse>(ByteView(*frame).subspan(r.offset()), version);
    if (!resp && version == 3) continue;
    if (!resp) return resp.error();
    if (resp->error_code != 0 && version == 3) continue;
    std::vector<AdvertisedApi> out;
    for (const auto& k : resp->api_keys) out.push_back({k.api_key, k.min_version, k.max_version});
    return out;
  }
  return Error{errc::malformed, "no usable ApiVersions answer"};
}

ProbeResult probe_liveness(const Endpoint& broker, std::chrono::milliseconds timeout) {
  WireConnection c;
  if (!c.connect(broker, timeout)) return {false, "cannot connect"};
  ApiVersionsRequest av;
  av.client_software_name = "kafkit-fuzz";
  av.client_software_version = "1";
  if (auto r = call(c, av, 3, 1, timeout, "ApiVersions"); !r) return {false, r.error().message};
  MetadataRequest md;  // no topics: brokers and cluster id only
  md.allow_auto_topic_creation = false;
  if (auto r = call(c, md, 12, 2, timeout, "Metadata"); !r) return {false, r.error().message};
  return {true, {}};
}

}  // namespace kafkit::fuzz
