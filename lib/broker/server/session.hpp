#pragma once
// Session: the broker's side of one client connection. Reads size-prefixed frames, hands
// them to the dispatcher one at a time and writes the responses back in request order.
//
// Like Kafka's SocketServer, a session is muted while one of its requests is being
// handled: it stops reading from the socket until the response is queued (or the request
// turned out to need none, acks=0). That keeps responses in order without a reorder
// buffer and makes a client that pipelines faster than the broker answers wait in its own
// socket buffer instead of in broker memory. A frame larger than socket.request.max.bytes
// closes the session from its size prefix alone, before any payload is buffered.
//
// Responses are OutgoingFrames: owned bytes are written with send(), file slices (Fetch
// record batches) with sendfile(2) when the session is zero-copy (a plaintext listener),
// resuming after partial writes when the socket becomes writable again. The queue holds
// the slices — and so their segment files' descriptors — until they are written.
//
// The socket is a net::Transport: plain TCP, or TLS on an SSL listener, whose handshake the
// session drives from its readiness events before reading any frame (a client that does
// not speak TLS fails the handshake and is closed; nobody else is affected).
//
// Owned by the Server; every member runs on the loop thread.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "broker/server/outgoing_frame.hpp"
#include "net/event_loop.hpp"
#include "net/frame_decoder.hpp"
#include "net/transport.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

using SessionId = uint64_t;

class Session {
 public:
  /// Called with each complete request frame (without its size prefix). The handler must
  /// eventually call `respond()` or `finish_without_response()` (or the session closes).
  using FrameHandler = std::function<void(Session&, protocol::Bytes frame)>;
  using CloseHandler = std::function<void(SessionId, const std::string& reason)>;

  /// `zero_copy`: the socket carries plain TCP, so file parts may go out with sendfile.
  /// A TLS session must pass false; file parts are then read into memory first.
  Session(net::EventLoop& loop, std::unique_ptr<net::Transport> transport, SessionId id,
          std::string peer, size_t max_request_bytes, FrameHandler on_frame, CloseHandler on_close,
          bool zero_copy = false);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Starts watching the socket.
  bool start();
  /// Queues a complete response frame and resumes reading.
  void respond(protocol::Bytes frame);
  void respond(OutgoingFrame frame);
  /// The current request needs no response (Produce acks=0): resume reading.
  void finish_without_response();
  /// Closes the socket; the close handler runs later on the loop (never re-entrantly).
  void close(const std::string& reason);

  /// Changes the largest request frame accepted from now on (SASL: 512 KiB until
  /// authenticated, socket.request.max.bytes afterwards).
  void set_max_request_bytes(size_t bytes) noexcept { decoder_.set_max_frame_size(bytes); }
  /// The authenticated principal's name, for authorization: the SASL user, or on an SSL
  /// listener the client certificate's subject DN; empty: none (e.g. a PLAINTEXT listener).
  const std::string& principal() const noexcept { return principal_; }
  void set_principal(std::string principal) { principal_ = std::move(principal); }
  /// The index of the listener (BrokerConfig::listeners) the session was accepted on.
  size_t listener() const noexcept { return listener_; }
  void set_listener(size_t index) noexcept { listener_ = index; }

  SessionId id() const noexcept { return id_; }
  const std::string& peer() const noexcept { return peer_; }
  bool closed() const noexcept { return closed_; }
  bool zero_copy() const noexcept { return zero_copy_; }
  /// The transport ("plaintext", "ssl"): TLS details for handlers that need them.
  net::Transport& transport() noexcept { return *transport_; }

 private:
  void on_events(net::IoEvents ev);
  void continue_handshake();
  void read_some();
  void write_some();
  void dispatch_next();
  void update_interest();

  net::EventLoop& loop_;
  std::unique_ptr<net::Transport> transport_;
  SessionId id_;
  std::string peer_;
  std::string principal_;
  size_t listener_ = 0;
  net::FrameDecoder decoder_;
  FrameHandler on_frame_;
  CloseHandler on_close_;
  /// Write one part of the front frame; false when the socket is full or closed.
  bool write_part();

  std::deque<OutgoingFrame> out_;  // responses not yet (completely) written
  size_t out_part_ = 0;            // the front frame's first unwritten part
  size_t out_done_ = 0;            // bytes of that part already written
  bool zero_copy_ = false;
  net::Interest interest_ = net::Interest::read;  // what the loop watches now (start())
  bool busy_ = false;                             // a request is being handled: muted
  bool handshaking_ = true;                       // the transport's handshake is not done
  net::Want handshake_want_ = net::Want::read;    // what it waits for
  net::Want read_want_ = net::Want::read;         // what the last read waited for (TLS)
  net::Want write_want_ = net::Want::write;       // what the last write waited for (TLS)
  bool closed_ = false;
  bool peer_closed_ = false;  // EOF seen; finish answering what was read, then close
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for posted tasks
};

}  // namespace kafkit::broker
