#include "broker/dispatcher.hpp"

#include "broker/cluster_state.hpp"
#include "broker/faults/injected_response.hpp"
#include "broker/handlers/handler.hpp"
#include "broker/handlers/unsupported.hpp"
#include "broker/server/server.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::broker {
namespace {

// KIP-511: an ApiVersions request newer than the broker knows is answered, never closed,
// in the v0 layout (which every client can read) with UNSUPPORTED_VERSION and the range
// of ApiVersions itself, so the client can retry at a version both sides speak.
void answer_unknown_api_versions(const Request& req, const Responder& responder) {
  protocol::ApiVersionsResponse resp;
  resp.error_code = static_cast<int16_t>(protocol::ErrorCode::UnsupportedVersion);
  const ApiHandler* h = find_handler(protocol::ApiVersionsRequest::api_key);
  resp.api_keys.push_back({h->key, h->min_version, h->max_version, {}});
  Responder v0(responder);
  v0.send_at_version(resp, 0);
  (void)req;
}

}  // namespace

void Responder::none() const {
  if (auto s = server_.lock()) s->finish_without_response(session_);
}

void Responder::close(const std::string& reason) const {
  if (auto s = server_.lock()) s->close_session(session_, reason);
}

bool Responder::connected() const {
  auto s = server_.lock();
  return s && s->has_session(session_);
}

bool Responder::zero_copy() const {
  auto s = server_.lock();
  return s && s->zero_copy(session_);
}

void Responder::send_frame(OutgoingFrame frame) const {
  auto s = server_.lock();
  if (!s) return;
  if (delay_.count() > 0) return s->deliver_later(session_, std::move(frame), delay_);
  s->deliver(session_, std::move(frame));
}

void Responder::deliver(protocol::Bytes frame) const {
  send_frame(OutgoingFrame(std::move(frame)));
}

void dispatch_request(ClusterState& cluster, int32_t node_id, const Session& s,
                      protocol::Bytes frame, std::weak_ptr<Server> server) {
  Request req;
  req.frame = std::move(frame);
  req.node_id = node_id;
  req.peer = s.peer();
  req.principal = s.principal();
  req.listener = s.listener();
  const std::string& peer = req.peer;
  SessionId session = s.id();
  auto close = [&](const std::string& why) {
    cluster.log("closing connection from " + peer + ": " + why);
    if (auto s = server.lock()) s->close_session(session, why);
  };
  protocol::Reader peek(req.frame);
  int16_t key = peek.i16("api_key");
  int16_t version = peek.i16("api_version");
  if (!peek.ok())
    return close("request of " + std::to_string(req.frame.size()) + " bytes has no header");
  const protocol::ApiInfo* api = protocol::find_api(key);
  if (api == nullptr) return close("unknown API key " + std::to_string(key));

  bool known_version = version >= api->min_version && version <= api->max_version;
  // The header's own version follows from the API version; an unknown ApiVersions version
  // is read with header v1, which every version shares up to the client id.
  int16_t header_version =
      known_version ? protocol::request_header_version(key, version) : int16_t{1};
  protocol::Reader r(req.frame);
  if (auto h = req.header.decode(r, header_version); !h)
    return close("bad request header: " + h.error().message);
  req.body_offset = r.offset();
  Responder responder(server, session, req.header.correlation_id, version);

  if (!known_version) {
    if (key == protocol::ApiVersionsRequest::api_key)
      return answer_unknown_api_versions(req, responder);
    return close(std::string(api->name) + " v" + std::to_string(version) +
                 " is not a version this broker can parse");
  }
  // Faults a test armed (Cluster::delay_responses, inject_errors), used by requests that
  // get this far only. Before the handler lookup: an API not served here may fail too.
  if (auto delay = cluster.faults.take_delay(key)) responder.delay_by(*delay);
  if (answer_injected_error(cluster.faults, req, responder)) return;
  const ApiHandler* handler = find_handler(key);
  if (handler == nullptr || version < handler->min_version || version > handler->max_version) {
    if (!answer_unsupported(req, responder))
      close(std::string(api->name) + " v" + std::to_string(version) + " is not supported");
    return;
  }
  HandlerContext ctx{cluster, req, responder};
  handler->fn(ctx);
}

}  // namespace kafkit::broker
