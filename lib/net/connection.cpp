#include "net/connection.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "net/net_errors.hpp"
#include "protocol/header.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/reader.hpp"
#include "protocol/writer.hpp"

namespace kafkit::net {
namespace {

// Reads per readiness event: enough to drain a busy socket, bounded so one connection
// cannot starve the others on the loop (epoll is level-triggered and comes back).
constexpr int kMaxReadsPerEvent = 16;
constexpr std::size_t kReadChunk = 64 * 1024;

std::string describe(const OutboundRequest& r, std::int16_t version, std::int32_t correlation) {
  std::string out = r.api_name;
  if (version >= 0) out += " v" + std::to_string(version);
  out += " request";
  if (correlation >= 0) out += " (correlation id " + std::to_string(correlation) + ")";
  return out;
}

}  // namespace

std::shared_ptr<Connection> Connection::create(EventLoop& loop,
                                               std::unique_ptr<Transport> transport,
                                               std::string broker, ConnectionConfig config,
                                               Callbacks callbacks) {
  config.validate();
  std::shared_ptr<Connection> connection(new Connection(
      loop, std::move(transport), std::move(broker), std::move(config), std::move(callbacks)));
  connection->start();
  return connection;
}

Connection::Connection(EventLoop& loop, std::unique_ptr<Transport> transport, std::string broker,
                       ConnectionConfig config, Callbacks callbacks)
    : loop_(loop),
      transport_(std::move(transport)),
      broker_(std::move(broker)),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      decoder_(config_.receive_message_max_bytes),
      handshake_(config_.software_name, config_.software_version, broker_) {}

Connection::~Connection() {
  callbacks_ = {};
  close(Error{errc::connection_closed, "the connection object was destroyed"});
  if (drain_timer_ != 0) loop_.cancel_timer(drain_timer_);
  if (handshake_timer_ != 0) loop_.cancel_timer(handshake_timer_);
  // No caller is on the stack to run these safely now: the loop runs them later. They hold
  // only the callers' own closures, nothing of this object.
  if (!completions_.empty()) {
    loop_.post([completions = std::move(completions_)]() mutable {
      for (auto& run : completions) run();
    });
  }
}

void Connection::start() {
  auto added = loop_.add_fd(transport_->fd(), Interest::read_write,
                            [this](IoEvents events) { on_io(events); });
  if (!added.ok()) {
    close(Error{added.error().code, "cannot watch the socket: " + added.error().message});
    schedule_drain();
    return;
  }
  registered_ = true;
  interest_ = Interest::read_write;
  continue_handshake();
  if (state_ == State::handshaking) {
    // A peer that accepts TCP and then never answers the TLS handshake (or waits for more
    // bytes than the ClientHello has) must not hold the connection forever.
    handshake_timer_ = loop_.add_timer(config_.request_timeout, [this] {
      handshake_timer_ = 0;
      if (state_ != State::handshaking) return;
      auto self = shared_from_this();
      close(Error{errc::request_timeout, transport_->name() + " handshake did not finish within " +
                                             std::to_string(config_.request_timeout.count()) +
                                             " ms"});
      update_interest();
      drain_completions();
    });
  }
  schedule_drain();
}

// ---- Handshake, negotiation, setup ------------------------------------------------------

void Connection::continue_handshake() {
  auto want = transport_->handshake();
  if (!want.ok()) {
    close(Error{want.error().code,
                transport_->name() + " handshake failed: " + want.error().message});
    return;
  }
  handshake_want_ = want.value();
  if (want.value() == Want::nothing) {
    if (handshake_timer_ != 0) loop_.cancel_timer(std::exchange(handshake_timer_, 0));
    state_ = State::negotiating;
    send_api_versions();
  }
  update_interest();
}

void Connection::send_api_versions() {
  OutboundRequest request;
  request.api_key = protocol::ApiVersionsRequest::api_key;
  request.api_name = protocol::ApiVersionsRequest::api_name;
  request.versions = VersionRange{handshake_.version(), handshake_.version()};
  request.negotiate = false;
  auto body = std::make_shared<protocol::Bytes>(handshake_.request_body());
  request.encode_body = [body](std::int16_t) { return *body; };
  // The completion runs from the drain queue, maybe after this object is gone (then the
  // weak pointer is empty and the failure has nobody left to tell).
  request.complete = [weak = weak_from_this()](Result<RawResponse> response,
                                               const std::string&) -> Completion {
    return Completion{[weak, response = std::move(response)]() mutable {
                        if (auto self = weak.lock()) self->on_api_versions(std::move(response));
                      },
                      {}};
  };
  write_entry(make_entry(std::move(request), Clock::now() + config_.request_timeout));
  flush();
}

void Connection::on_api_versions(Result<RawResponse> response) {
  if (state_ != State::negotiating || !response.ok()) return;  // the close reported it
  auto outcome = handshake_.on_response(response.value().body);
  if (auto* table = std::get_if<ApiVersionTable>(&outcome)) {
    api_versions_ = std::move(*table);
    state_ = State::setting_up;
    run_setup_step(0);
  } else if (std::holds_alternative<ApiVersionsHandshake::Retry>(outcome)) {
    send_api_versions();
  } else {
    close(std::get<Error>(outcome));
  }
  update_interest();
}

void Connection::run_setup_step(std::size_t index) {
  if (index == config_.setup_steps.size()) {
    become_ready();
    return;
  }
  step_ = config_.setup_steps[index]();
  std::string name = step_->name();
  step_->start(*this, [weak = weak_from_this(), index, name](Result<void> result) {
    auto self = weak.lock();
    if (!self || self->state_ != State::setting_up) return;
    if (!result.ok()) {
      self->close(Error{result.error().code, name + " failed: " + result.error().message});
    } else {
      self->note_session_lifetime(index, *self->step_);
      self->run_setup_step(index + 1);
    }
    self->update_interest();
    self->drain_completions();
  });
}

void Connection::send_setup_request(OutboundRequest request) {
  auto deadline = Clock::now() + request.timeout.value_or(config_.request_timeout);
  if (state_ != State::setting_up && state_ != State::reauthenticating) {
    fail_later(std::move(request),
               Error{errc::connection_closed, "setup request outside the setup phase"});
    return;
  }
  Entry entry = make_entry(std::move(request), deadline);
  if (entry.request.negotiate) {
    auto version = api_versions_.choose(entry.request.api_key, entry.request.api_name,
                                        entry.request.versions, broker_);
    if (!version.ok()) {
      loop_.cancel_timer(entry.timer);
      complete(entry, version.error());
      schedule_drain();
      return;
    }
    entry.request.versions = VersionRange{version.value(), version.value()};
  }
  write_entry(std::move(entry));
  flush();
  update_interest();
  schedule_drain();
}

void Connection::become_ready() {
  step_.reset();
  state_ = State::ready;
  // Weak: a destroyed connection posts its leftover completions, and this one must then
  // find nothing. The owner's callback is looked up when it runs, so detach() wins.
  completions_.push_back([weak = weak_from_this()] {
    if (auto self = weak.lock(); self && self->callbacks_.on_ready) self->callbacks_.on_ready();
  });
  schedule_reauth();
  pump();
}

// ---- Submitting, queuing, timing out ----------------------------------------------------

void Connection::submit(OutboundRequest request) {
  auto deadline = Clock::now() + request.timeout.value_or(config_.request_timeout);
  submit(std::move(request), deadline);
}

void Connection::submit(OutboundRequest request, Clock::time_point deadline) {
  if (state_ == State::closed) {
    fail_later(std::move(request),
               Error{errc::connection_closed, "the connection is closed; nothing was sent"});
    return;
  }
  if (state_ == State::ready && request.negotiate) {
    // Refuse before queuing so that the caller learns at once and nothing is sent.
    auto version =
        api_versions_.choose(request.api_key, request.api_name, request.versions, broker_);
    if (!version.ok()) {
      fail_later(std::move(request), version.error());
      return;
    }
  }
  if (queued_.size() >= config_.max_queued) {
    fail_later(std::move(request),
               Error{errc::queue_full, std::to_string(queued_.size()) +
                                           " requests already wait to be sent (limit " +
                                           std::to_string(config_.max_queued) + ")"});
    return;
  }
  queued_.push_back(make_entry(std::move(request), deadline));
  pump();
  update_interest();
  schedule_drain();
}

Connection::Entry Connection::make_entry(OutboundRequest request, Clock::time_point deadline) {
  Entry entry;
  entry.id = next_id_++;
  entry.request = std::move(request);
  entry.deadline = deadline;
  auto delay = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  entry.timer = loop_.add_timer(delay, [this, id = entry.id] { on_request_timeout(id); });
  return entry;
}

void Connection::fail_later(OutboundRequest request, Error error) {
  Entry entry;
  entry.request = std::move(request);
  complete(entry, request_error(entry, error));
  schedule_drain();
}

void Connection::on_request_timeout(std::uint64_t id) {
  auto self = shared_from_this();
  auto timeout_error = [&](const Entry& e, const char* where) {
    auto ms = e.request.timeout.value_or(config_.request_timeout).count();
    return Error{errc::request_timeout, describe(e.request, e.version, e.correlation_id) +
                                            " to broker " + broker_ + " timed out after " +
                                            std::to_string(ms) + " ms " + where};
  };
  auto by_id = [id](const Entry& e) { return e.id == id; };
  if (auto it = std::find_if(queued_.begin(), queued_.end(), by_id); it != queued_.end()) {
    Entry entry = std::move(*it);
    queued_.erase(it);
    entry.timer = 0;
    complete(entry, timeout_error(entry, "waiting to be sent; nothing was sent"));
  } else {
    for (auto* list : {&in_flight_, &unflushed_}) {
      auto found = std::find_if(list->begin(), list->end(), by_id);
      if (found == list->end()) continue;
      Entry entry = std::move(*found);
      list->erase(found);
      entry.timer = 0;
      Error error = timeout_error(entry, "without a response");
      complete(entry, error);
      // The answer may still come; the stream position is lost, so the connection goes
      // (Java's NetworkClient does the same on request.timeout.ms).
      close(Error{
          errc::connection_closed,
          "closed because " + describe(entry.request, entry.version, entry.correlation_id) +
              " got no response within " +
              std::to_string(entry.request.timeout.value_or(config_.request_timeout).count()) +
              " ms"});
      break;
    }
  }
  update_interest();
  drain_completions();
}

// ---- Writing ----------------------------------------------------------------------------

void Connection::pump() {
  while (state_ == State::ready && !queued_.empty() &&
         in_flight_.size() < static_cast<std::size_t>(config_.max_in_flight)) {
    Entry entry = std::move(queued_.front());
    queued_.pop_front();
    if (entry.request.negotiate) {
      auto version = api_versions_.choose(entry.request.api_key, entry.request.api_name,
                                          entry.request.versions, broker_);
      if (!version.ok()) {
        loop_.cancel_timer(std::exchange(entry.timer, 0));
        complete(entry, version.error());
        continue;
      }
      entry.request.versions = VersionRange{version.value(), version.value()};
    }
    write_entry(std::move(entry));
  }
  flush();
}

void Connection::write_entry(Entry entry) {
  entry.version = entry.request.versions.max;
  if (entry.request.headerless) {
    // A SASL v0 token: size and bytes only; no correlation id is used up.
    protocol::Bytes raw = entry.request.encode_body(entry.version);
    std::size_t start = out_.size();
    protocol::Writer w(out_);
    w.i32(static_cast<std::int32_t>(raw.size()));
    w.raw(raw);
    bytes_queued_ += out_.size() - start;
    entry.stream_end = bytes_queued_;
    in_flight_.push_back(std::move(entry));
    return;
  }
  entry.correlation_id = next_correlation_id_;
  // Correlation ids wrap within INT32 >= 0 (Kafka treats them as opaque; negative ones
  // confuse some tools).
  next_correlation_id_ = next_correlation_id_ == INT32_MAX ? 0 : next_correlation_id_ + 1;
  protocol::RequestHeader header;
  header.api_key = entry.request.api_key;
  header.api_version = entry.version;
  header.correlation_id = entry.correlation_id;
  header.client_id = config_.client_id;
  std::int16_t header_version =
      protocol::request_header_version(header.api_key, header.api_version);
  protocol::Bytes body = entry.request.encode_body(entry.version);
  std::size_t before = out_.size();
  protocol::Writer w(out_);
  w.i32(static_cast<std::int32_t>(header.encoded_size(header_version) + body.size()));
  header.encode(w, header_version);
  w.raw(body);
  bytes_queued_ += out_.size() - before;
  entry.stream_end = bytes_queued_;
  if (entry.request.expect_response) {
    in_flight_.push_back(std::move(entry));
  } else {
    unflushed_.push_back(std::move(entry));
  }
}

void Connection::flush() {
  while (state_ != State::closed && out_pos_ < out_.size()) {
    auto status = transport_->write(std::span<const std::byte>(out_).subspan(out_pos_));
    if (!status.ok()) {
      close(Error{status.error().code, "write failed: " + status.error().message});
      return;
    }
    out_pos_ += status.value().bytes;
    bytes_written_ += status.value().bytes;
    if (status.value().want != Want::nothing || status.value().bytes == 0) break;
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  } else if (out_pos_ > 64 * 1024 && out_pos_ > out_.size() / 2) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_pos_));
    out_pos_ = 0;
  }
  // Requests without a response are done once the transport took their last byte.
  while (!unflushed_.empty() && unflushed_.front().stream_end <= bytes_written_) {
    Entry entry = std::move(unflushed_.front());
    unflushed_.pop_front();
    loop_.cancel_timer(std::exchange(entry.timer, 0));
    complete(entry, RawResponse{entry.request.api_key, entry.version, entry.correlation_id, {}});
  }
}

void Connection::update_interest() {
  if (!registered_) return;
  bool want_write = out_pos_ < out_.size() || read_want_ == Want::write;
  Interest wanted = want_write ? Interest::read_write : Interest::read;
  // A TLS handshake waits for one direction; watching both would spin on a writable socket.
  if (state_ == State::handshaking)
    wanted = handshake_want_ == Want::write ? Interest::write : Interest::read;
  if (wanted == interest_) return;
  if (auto r = loop_.modify_fd(transport_->fd(), wanted); !r.ok()) {
    close(Error{r.error().code, "cannot watch the socket: " + r.error().message});
    return;
  }
  interest_ = wanted;
}

// ---- Reading ----------------------------------------------------------------------------

void Connection::on_io(IoEvents events) {
  auto self = shared_from_this();  // a callback below may drop the last other reference
  if (state_ == State::handshaking) {
    continue_handshake();
  } else {
    if (events.readable || events.hangup || events.error ||
        (events.writable && read_want_ == Want::write)) {
      read_available();
    }
    if (events.error && state_ != State::closed) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(transport_->fd(), SOL_SOCKET, SO_ERROR, &err, &len);
      close(Error{kafkit::errc::io,
                  std::string("socket error: ") + std::strerror(err != 0 ? err : EIO)});
    }
    if (events.writable && state_ != State::closed) flush();
  }
  update_interest();
  drain_completions();
}

void Connection::read_available() {
  for (int i = 0; i < kMaxReadsPerEvent && state_ != State::closed; ++i) {
    // Straight into the decoder's buffer (the rest of a large frame at once where it can):
    // a Fetch response of many megabytes is not copied through a bounce buffer.
    std::span<std::byte> room = decoder_.prepare(kReadChunk);
    auto status = transport_->read(room);
    if (!status.ok()) {
      close(Error{status.error().code, "read failed: " + status.error().message});
      return;
    }
    read_want_ = status.value().want == Want::nothing ? Want::read : status.value().want;
    if (status.value().bytes > 0) {
      auto fed = decoder_.commit(status.value().bytes);
      if (!fed.ok()) {
        close(Error{errc::protocol_error, "bad response frame: " + fed.error().message});
        return;
      }
      while (auto frame = decoder_.next()) {
        handle_frame(*frame);
        if (state_ == State::closed) return;
      }
      if (decoder_.failed()) {
        auto again = decoder_.feed({});
        close(Error{errc::protocol_error, "bad response frame: " + again.error().message});
        return;
      }
    }
    if (status.value().eof) {
      // A broker that refuses authentication answers, then closes: the setup step's answer
      // (read just before the EOF, its completion still queued) says why, so it goes first.
      if (state_ == State::setting_up || state_ == State::reauthenticating) drain_completions();
      if (state_ == State::closed) return;
      close(Error{errc::connection_closed, "the broker closed the connection (EOF)"});
      return;
    }
    if (status.value().want != Want::nothing) return;
  }
}

void Connection::handle_frame(const protocol::Bytes& frame) {
  protocol::Reader reader(frame);
  if (in_flight_.empty()) {
    std::int32_t correlation = reader.i32("ResponseHeader.CorrelationId");
    close(Error{errc::protocol_error, "unexpected response (correlation id " +
                                          std::to_string(correlation) +
                                          ") while no request awaits one"});
    return;
  }
  Entry& oldest = in_flight_.front();
  if (oldest.request.headerless) {
    Entry entry = std::move(oldest);
    in_flight_.pop_front();
    loop_.cancel_timer(std::exchange(entry.timer, 0));
    completions_.push_back(
        entry.request
            .complete(RawResponse{entry.request.api_key, entry.version, -1, frame}, broker_)
            .run);
    return;
  }
  protocol::ResponseHeader header;
  std::int16_t header_version =
      protocol::response_header_version(oldest.request.api_key, oldest.version);
  if (auto r = header.decode(reader, header_version); !r.ok()) {
    close(Error{errc::protocol_error,
                "undecodable response header for " +
                    describe(oldest.request, oldest.version, oldest.correlation_id) + ": " +
                    r.error().message});
    return;
  }
  if (header.correlation_id != oldest.correlation_id) {
    close(Error{errc::protocol_error,
                "response correlation id " + std::to_string(header.correlation_id) +
                    " does not match the oldest in-flight " +
                    describe(oldest.request, oldest.version, oldest.correlation_id) +
                    " (Kafka answers in request order)"});
    return;
  }
  Entry entry = std::move(oldest);
  in_flight_.pop_front();
  loop_.cancel_timer(std::exchange(entry.timer, 0));
  RawResponse response{
      entry.request.api_key, entry.version, entry.correlation_id,
      protocol::Bytes(frame.begin() + static_cast<std::ptrdiff_t>(reader.offset()), frame.end())};
  Completion completion = entry.request.complete(std::move(response), broker_);
  completions_.push_back(std::move(completion.run));
  if (completion.protocol_error) {
    close(*completion.protocol_error);
    return;
  }
  pump();  // a slot is free
}

// ---- Completing and closing -------------------------------------------------------------

void Connection::complete(Entry& entry, Result<RawResponse> outcome) {
  Completion completion = entry.request.complete(std::move(outcome), broker_);
  completions_.push_back(std::move(completion.run));
}

Error Connection::request_error(const Entry& entry, const Error& reason) const {
  return Error{reason.code, describe(entry.request, entry.version, entry.correlation_id) +
                                " to broker " + broker_ + " failed: " + reason.message};
}

void Connection::close() {
  close(Error{errc::connection_closed, "closed by the application"});
}

void Connection::close(Error reason) {
  if (state_ == State::closed) return;
  state_ = State::closed;
  if (handshake_timer_ != 0) loop_.cancel_timer(std::exchange(handshake_timer_, 0));
  if (reauth_timer_ != 0) loop_.cancel_timer(std::exchange(reauth_timer_, 0));
  if (registered_) {
    loop_.remove_fd(transport_->fd());
    registered_ = false;
  }
  transport_->close();
  // Every request not completed fails once, in submission order.
  std::vector<Entry> pending;
  for (auto* list : {&in_flight_, &unflushed_, &queued_}) {
    for (auto& e : *list) pending.push_back(std::move(e));
    list->clear();
  }
  std::sort(pending.begin(), pending.end(),
            [](const Entry& a, const Entry& b) { return a.id < b.id; });
  Error closed{reason.code, "connection to broker " + broker_ + " closed: " + reason.message};
  for (auto& entry : pending) {
    if (entry.timer != 0) loop_.cancel_timer(std::exchange(entry.timer, 0));
    complete(entry, request_error(entry, closed));
  }
  out_.clear();
  out_pos_ = 0;
  completions_.push_back([weak = weak_from_this(), closed] {
    if (auto self = weak.lock(); self && self->callbacks_.on_closed) {
      self->callbacks_.on_closed(closed);
    }
  });
  schedule_drain();
}

void Connection::schedule_drain() {
  if (completions_.empty() || drain_timer_ != 0) return;
  drain_timer_ = loop_.add_timer(std::chrono::milliseconds(0), [this] {
    drain_timer_ = 0;
    auto self = shared_from_this();
    drain_completions();
  });
}

void Connection::drain_completions() {
  // Callbacks may queue more completions (send, close); they run in this same pass.
  while (!completions_.empty()) {
    auto run = std::move(completions_.front());
    completions_.pop_front();
    run();
  }
  update_interest();
}

}  // namespace kafkit::net
