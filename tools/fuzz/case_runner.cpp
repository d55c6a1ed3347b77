#include "case_runner.hpp"

#include "protocol/message.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/records/byte_order.hpp"

namespace kafkit::fuzz {

using namespace kafkit::protocol;

namespace {

// A connection that has carried this much is replaced, so a finding's replay file stays small.
constexpr size_t max_log_per_connection = size_t(4) << 20;

int32_t correlation_of(const Bytes& frame) {
  return protocol::detail::load_be<int32_t>(frame.data());
}

}  // namespace

const char* outcome_name(Outcome o) noexcept {
  switch (o) {
    case Outcome::answered:
      return "answered";
    case Outcome::disconnect:
      return "disconnect";
    case Outcome::hang:
      return "hang";
    case Outcome::parked:
      return "parked";
    case Outcome::refused:
      return "refused";
    case Outcome::bad_response:
      return "bad-response";
  }
  return "?";
}

Bytes sentinel_frame() {
  RequestHeader h;
  h.api_key = ApiVersionsRequest::api_key;
  h.api_version = 0;
  h.correlation_id = sentinel_correlation_id;
  h.client_id = "kafkit-fuzz-sentinel";
  return frame_request(h, ApiVersionsRequest{});
}

void CaseRunner::forget_closed() {
  if (conn_.is_open() && !logs_.empty()) {
    logs_.erase(logs_.begin(), logs_.end() - 1);
  } else {
    logs_.clear();
  }
}

void CaseRunner::drop_connection() {
  conn_.close();
}

CaseResult CaseRunner::run(const FuzzCase& c) {
  if (!conn_.is_open()) {
    if (!conn_.connect(broker_, timeout_)) return {Outcome::refused, "cannot connect"};
    logs_.emplace_back();
  }
  ConnectionLog& log = logs_.back();
  auto deadline = Clock::now() + timeout_;
  if (!c.framed) {
    log.sent.insert(log.sent.end(), c.wire.begin(), c.wire.end());
    log.half_closed = true;
    conn_.send(c.wire, deadline);
    conn_.shutdown_write();
    bool closed = conn_.wait_closed(deadline);
    drop_connection();
    if (closed) return {Outcome::disconnect, {}};
    if (c.may_park) return {Outcome::parked, {}};
    return {Outcome::hang, "no close within " + std::to_string(timeout_.count()) +
                               " ms after an unframed case and end of stream"};
  }
  Bytes wire = c.wire;
  Bytes sentinel = sentinel_frame();
  wire.insert(wire.end(), sentinel.begin(), sentinel.end());
  log.sent.insert(log.sent.end(), wire.begin(), wire.end());
  if (!conn_.send(wire, deadline)) {
    drop_connection();
    return {Outcome::disconnect, {}};
  }
  Bytes frame;
  for (;;) {
    switch (conn_.read_frame(frame, deadline)) {
      case ReadStatus::frame:
        if (correlation_of(frame) != sentinel_correlation_id) continue;
        if (log.sent.size() > max_log_per_connection) drop_connection();
        return {Outcome::answered, {}};
      case ReadStatus::closed:
        drop_connection();
        return {Outcome::disconnect, {}};
      case ReadStatus::timeout:
        drop_connection();
        if (c.may_park) return {Outcome::parked, {}};
        return {Outcome::hang,
                "no answer and no close within " + std::to_string(timeout_.count()) + " ms"};
      case ReadStatus::bad_frame:
        drop_connection();
        return {Outcome::bad_response, "response frame with an impossible size"};
    }
  }
}

}  // namespace kafkit::fuzz
