#include "request_builder.hpp"

#include <algorithm>

#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"

namespace kafkit::fuzz {

using namespace kafkit::protocol;

namespace {

// Fields that make a correct broker wait: bounded so a valid request is answered quickly
// and only a broken broker misses the answer limit.
void calm(ProduceRequest& r) {
  r.timeout_ms = std::clamp(r.timeout_ms, 0, 100);
}
void calm(FetchRequest& r) {
  r.max_wait_ms = std::clamp(r.max_wait_ms, 0, 100);
}
void calm(JoinGroupRequest& r) {
  r.rebalance_timeout_ms = std::clamp(r.rebalance_timeout_ms, -1, 100);
}
template <class R>
void calm(R&) {}

void set_records(ProduceRequest& r, const Bytes& records) {
  if (r.topic_data.empty()) r.topic_data.emplace_back().name = "fuzz";
  for (auto& t : r.topic_data) {
    if (t.partition_data.empty()) t.partition_data.emplace_back();
    for (auto& p : t.partition_data) p.records = records;
  }
}
template <class R>
void set_records(R&, const Bytes&) {}

}  // namespace

Bytes frame_raw(const RequestHeader& header, int16_t header_version, ByteView body) {
  size_t n = header.encoded_size(header_version) + body.size();
  Bytes out;
  out.reserve(4 + n);
  Writer w(out);
  w.i32(static_cast<int32_t>(n));
  header.encode(w, header_version);
  w.raw(body);
  return out;
}

BuiltRequest build_request(int16_t api_key, int16_t version, int32_t correlation_id,
                           RandomSource& g, const BuildOptions& options) {
  BuiltRequest out;
  g.set_hostile(options.hostile);
  visit_api(api_key, [&](auto api) {
    using A = decltype(api);
    typename A::Request req;
    req.randomize(g, version);
    calm(req);
    if (options.records) set_records(req, *options.records);
    out.flexible = A::Request::is_flexible(version);
    if (out.flexible)
      for (const auto& t : options.body_tags) req.unknown_tagged_fields.push_back(t);
    out.api_name = std::string(A::info.name);
    out.may_park =
        api_key == A::info.key && (api_key == 1 || api_key == 11 || api_key == 14 || api_key == 68);
    Bytes body = encode_message(req, version);
    RequestHeader h;
    h.api_key = api_key;
    h.api_version = version;
    h.correlation_id = correlation_id;
    h.client_id = g.chance(8) ? std::optional<std::string>() : std::string("kafkit-fuzz");
    int16_t hv = options.header_version.value_or(request_header_version(api_key, version));
    out.frame = frame_raw(h, hv, body);
    out.body_offset = out.frame.size() - body.size();
  });
  g.set_hostile(false);
  return out;
}

}  // namespace kafkit::fuzz
