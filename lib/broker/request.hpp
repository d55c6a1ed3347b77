#pragma once
// Request and Responder: what an API handler receives, and the handle it answers through —
// at once, or later (a long-polling Fetch parks its Responder until data arrives).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "broker/server/outgoing_frame.hpp"
#include "common/result.hpp"
#include "protocol/header.hpp"
#include "protocol/message.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

class Server;
using SessionId = uint64_t;

struct Request {
  protocol::RequestHeader header;
  protocol::Bytes frame;   // the whole frame after its size prefix
  size_t body_offset = 0;  // where the body starts in `frame`
  int32_t node_id = -1;    // the node whose listener received it
  std::string peer;        // "host:port" of the client, for log lines
  /// The connection's authenticated principal name (SASL user name, "alice"; or on an SSL
  /// listener the client certificate's subject DN, "CN=client,O=Example"; empty: not
  /// authenticated, e.g. a PLAINTEXT listener), for authorization (handlers/authorization.hpp
  /// makes it "User:alice" / "User:ANONYMOUS").
  std::string principal;
  /// Which of the node's listeners (BrokerConfig::listeners index) the client came in on:
  /// metadata answers advertise that listener's endpoints.
  size_t listener = 0;

  protocol::ByteView body() const { return protocol::ByteView(frame).subspan(body_offset); }
  int16_t version() const noexcept { return header.api_version; }
  template <class M>
  Result<M> decode() const {
    return protocol::decode_message<M>(body(), header.api_version, body_offset);
  }
};

/// frame_response() (protocol/message.hpp) with the records fields `splicer` claims sent
/// from their files instead of copied into the frame.
template <class R>
OutgoingFrame encode_spliced(int32_t correlation_id, int16_t api_version, const R& body,
                             FileSliceSplicer& splicer) {
  int16_t hv = protocol::response_header_version(R::api_key, api_version);
  protocol::ResponseHeader h{correlation_id, {}};
  protocol::Bytes out;
  // encoded_size() counts the (empty) placeholders: a close upper bound of what is written
  // here, give or take a few bytes of compact length prefix per slice.
  out.reserve(4 + h.encoded_size(hv) + body.encoded_size(api_version));
  protocol::Writer w(out);
  w.set_splicer(&splicer);
  w.i32(0);  // fixed below, once the spliced bytes are known
  h.encode(w, hv);
  body.encode(w, api_version);
  const auto size = static_cast<uint32_t>(w.size() + w.spliced_bytes() - 4);
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = std::byte(size >> (24 - 8 * i));
  std::vector<protocol::SplicePoint> splices = w.splices();
  return OutgoingFrame(std::move(out), splices, splicer);
}

/// Answers one request. Copyable; a Responder whose session has gone away drops the
/// answer silently (the client is gone, nobody is waiting for it).
class Responder {
 public:
  Responder() = default;
  Responder(std::weak_ptr<Server> server, SessionId session, int32_t correlation_id,
            int16_t version)
      : server_(std::move(server)),
        session_(session),
        correlation_id_(correlation_id),
        version_(version) {}

  template <class R>
  void send(const R& body) const {
    deliver(protocol::frame_response(correlation_id_, version_, body));
  }
  /// Answers at a version other than the request's (ApiVersions' v0 fallback reply).
  template <class R>
  void send_at_version(const R& body, int16_t version) const {
    deliver(protocol::frame_response(correlation_id_, version, body));
  }
  /// Answers with `body` whose records fields claimed by `splicer` are sent from their
  /// segment files (sendfile) rather than copied; only when zero_copy().
  template <class R>
  void send_spliced(const R& body, FileSliceSplicer& splicer) const {
    send_frame(encode_spliced(correlation_id_, version_, body, splicer));
  }
  /// Queues a ready frame (its size prefix included) on the session.
  void send_frame(OutgoingFrame frame) const;
  /// The client's connection sends file parts with sendfile (plaintext). When false a
  /// handler should read records into memory: a spliced frame would be copied anyway.
  bool zero_copy() const;
  /// The request gets no response (Produce with acks=0).
  void none() const;
  /// Closes the client's connection: what Kafka does with a request it cannot parse.
  void close(const std::string& reason) const;
  bool connected() const;
  /// Holds this request's response back by `delay` (Cluster::delay_responses). The session
  /// stays muted meanwhile, so later requests on the connection are answered after it.
  void delay_by(std::chrono::milliseconds delay) { delay_ = delay; }

 private:
  void deliver(protocol::Bytes frame) const;

  std::weak_ptr<Server> server_;
  SessionId session_ = 0;
  int32_t correlation_id_ = 0;
  int16_t version_ = 0;
  std::chrono::milliseconds delay_{0};
};

}  // namespace kafkit::broker
