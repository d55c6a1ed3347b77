#pragma once
// Request and Responder: what an API handler receives, and the handle it answers through —
// at once, or later (a long-polling Fetch parks its Responder until data arrives).
#include <cstdint>
#include <memory>
#include <string>

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

  protocol::ByteView body() const { return protocol::ByteView(frame).subspan(body_offset); }
  int16_t version() const noexcept { return header.api_version; }
  template <class M>
  Result<M> decode() const {
    return protocol::decode_message<M>(body(), header.api_version, body_offset);
  }
};

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
  /// The request gets no response (Produce with acks=0).
  void none() const;
  /// Closes the client's connection: what Kafka does with a request it cannot parse.
  void close(const std::string& reason) const;
  bool connected() const;

 private:
  void deliver(protocol::Bytes frame) const;

  std::weak_ptr<Server> server_;
  SessionId session_ = 0;
  int32_t correlation_id_ = 0;
  int16_t version_ = 0;
};

}  // namespace kafkit::broker
