#include "dumper.hpp"

#include "common/json_writer.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::dump {

using namespace kafkit::protocol;

namespace {

// Position in the frame's file of the first byte where two encodings differ.
size_t first_difference(ByteView a, ByteView b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return i;
  return n;
}

template <class Header>
std::string reencode_mismatch(const Header& h, int16_t hv, ByteView original, size_t body_start,
                              size_t file_offset, const auto& body, int16_t version) {
  Bytes again;
  Writer w(again);
  h.encode(w, hv);
  size_t header_size = again.size();
  body.encode(w, version);
  if (header_size != body_start || again.size() != original.size() ||
      !std::equal(again.begin(), again.end(), original.begin())) {
    size_t at = first_difference(original, again);
    return "re-encoding differs at byte " + std::to_string(file_offset + 4 + at) + " (" +
           std::to_string(original.size()) + " bytes read, " + std::to_string(again.size()) +
           " written)";
  }
  return {};
}

// A response body known only by its leading error code.
struct ErrorCodeOnly {
  ErrorCode code;
  ByteView rest;
  void to_json(JsonWriter& j, int16_t) const {
    j.begin_object().key("ErrorCode").value(int16_t(code)).key("_undecoded").base64(rest);
    j.end_object();
  }
};

// One output line: where the frame is, what it is, its header and body.
template <class Header, class Body>
std::string frame_json(const Frame& f, const char* type, std::string_view api, int16_t version,
                       const Header& h, int16_t hv, const Body& body, size_t trailing) {
  JsonWriter j;
  j.begin_object();
  j.key("frame").value(uint64_t(f.index)).key("offset").value(uint64_t(f.offset));
  j.key("type").value(type).key("api").value(api).key("version").value(version);
  if (trailing > 0) j.key("trailing_bytes").value(uint64_t(trailing));
  j.key("header");
  h.to_json(j, hv);
  j.key("body");
  body.to_json(j, version);
  j.end_object();
  return j.take();
}

}  // namespace

std::string Dumper::where(const std::string& name, const Frame& f) {
  return name + ": frame " + std::to_string(f.index) + " at byte " + std::to_string(f.offset) +
         ": ";
}

void Dumper::report(const std::string& name, const Frame& f, const std::string& what) {
  ++errors_;
  err_(where(name, f) + what);
}

void Dumper::dump_requests(ByteView stream, const std::string& name) {
  FrameSplitter split(stream);
  while (auto f = split.next()) {
    ++frames_;
    Reader r(f->payload, f->offset + 4);
    int16_t key = r.i16("RequestHeader.RequestApiKey");
    int16_t version = r.i16("RequestHeader.RequestApiVersion");
    if (!r.ok()) {
      report(name, *f, r.error().message);
      continue;
    }
    int16_t hv = request_header_version(key, version);
    Reader hr(f->payload, f->offset + 4);
    RequestHeader h;
    if (auto res = h.decode(hr, hv); !res) {
      report(name, *f, res.error().message);
      continue;
    }
    pending_[h.correlation_id] = RequestKey{key, version};
    size_t body_start = hr.offset() - f->offset - 4;
    bool known = visit_api(key, [&](auto api) {
      using Req = typename decltype(api)::Request;
      // Like a Kafka broker, accept bytes after a complete body (librdkafka 2.0.2 sends one
      // extra byte after ListGroups v4), but show them.
      Reader br(f->payload.subspan(body_start), hr.offset());
      Req body;
      if (auto res = body.decode(br, version); !res) return report(name, *f, res.error().message);
      size_t trailing = br.remaining();
      out_(frame_json(*f, "request", api.info.name, version, h, hv, body, trailing));
      if (trailing > 0)
        warn_(where(name, *f) + std::to_string(trailing) + " bytes after the " + Req::type_name +
              " body (ignored)");
      if (opts_.reencode) {
        auto diff = reencode_mismatch(h, hv, f->payload.first(f->payload.size() - trailing),
                                      body_start, f->offset, body, version);
        if (!diff.empty()) report(name, *f, diff);
      }
    });
    if (!known) report(name, *f, "unknown API key " + std::to_string(key));
  }
  if (!split.error().empty()) {
    ++errors_;
    err_(name + ": " + split.error());
  }
}

void Dumper::dump_responses(ByteView stream, const std::string& name) {
  FrameSplitter split(stream);
  while (auto f = split.next()) {
    ++frames_;
    Reader peek(f->payload, f->offset + 4);
    int32_t correlation_id = peek.i32("ResponseHeader.CorrelationId");
    auto it = pending_.find(correlation_id);
    if (!peek.ok() || it == pending_.end()) {
      report(name, *f,
             peek.ok() ? "no request with correlation id " + std::to_string(correlation_id)
                       : peek.error().message);
      continue;
    }
    RequestKey rk = it->second;
    pending_.erase(it);
    int16_t hv = response_header_version(rk.api_key, rk.api_version);
    Reader hr(f->payload, f->offset + 4);
    ResponseHeader h;
    if (auto res = h.decode(hr, hv); !res) {
      report(name, *f, res.error().message);
      continue;
    }
    size_t body_start = hr.offset() - f->offset - 4;
    ByteView body_bytes = f->payload.subspan(body_start);
    int16_t version = rk.api_version;
    // A broker that does not know the ApiVersions version answers in the v0 layout
    // with UNSUPPORTED_VERSION, so a client can learn the supported range. Clients act on
    // the error code alone (then retry lower), so a reply in neither layout (librdkafka
    // 2.0.2's mock writes one) is shown by its error code with a warning.
    if (rk.api_key == api::ApiVersions::info.key && body_bytes.size() >= 2) {
      Reader er(body_bytes);
      if (er.i16("ErrorCode") == int16_t(ErrorCode::UnsupportedVersion)) {
        if (decode_message<ApiVersionsResponse>(body_bytes, 0).ok()) {
          version = 0;
        } else if (!decode_message<ApiVersionsResponse>(body_bytes, version).ok()) {
          out_(frame_json(*f, "response", "ApiVersions", version, h, hv,
                          ErrorCodeOnly{ErrorCode::UnsupportedVersion, body_bytes.subspan(2)}, 0));
          warn_(where(name, *f) +
                "ApiVersions UNSUPPORTED_VERSION reply in neither the v0 nor the v" +
                std::to_string(version) + " layout; only its error code is meaningful");
          continue;
        }
      }
    }
    visit_api(rk.api_key, [&](auto api) {
      using Resp = typename decltype(api)::Response;
      auto body = decode_message<Resp>(body_bytes, version, hr.offset());
      if (!body) return report(name, *f, body.error().message);
      out_(frame_json(*f, "response", api.info.name, version, h, hv, *body, 0));
      if (opts_.reencode) {
        auto diff = reencode_mismatch(h, hv, f->payload, body_start, f->offset, *body, version);
        if (!diff.empty()) report(name, *f, diff);
      }
    });
  }
  if (!split.error().empty()) {
    ++errors_;
    err_(name + ": " + split.error());
  }
}

}  // namespace kafkit::dump
