#pragma once
// Sends fuzz cases on a connection that lives as long as the broker keeps it, and decides
// what each case got: an answer, a disconnect, or nothing (a hang).
//
// A framed case is followed by a sentinel ApiVersions v0 request on the same connection.
// Kafka answers in request order, so the sentinel's answer (or a close) shows the broker
// got through the case; a case that is not answered at all (Produce acks=0) is not a hang.
// An unframed case (broken size prefix, truncated frame) is followed by a half-close: the
// broker sees end of stream and must close its side.
#include <chrono>
#include <string>
#include <vector>

#include "fuzz_case.hpp"
#include "wire_connection.hpp"

namespace kafkit::fuzz {

enum class Outcome { answered, disconnect, hang, parked, refused, bad_response };
const char* outcome_name(Outcome o) noexcept;

struct CaseResult {
  Outcome outcome = Outcome::answered;
  std::string detail;
};

/// The bytes written on one connection (for findings: replayed on one connection).
struct ConnectionLog {
  protocol::Bytes sent;
  /// The runner half-closed this connection after `sent`.
  bool half_closed = false;
};

class CaseRunner {
 public:
  CaseRunner(Endpoint broker, std::chrono::milliseconds timeout)
      : broker_(std::move(broker)), timeout_(timeout) {}

  CaseResult run(const FuzzCase& c);

  /// Every connection's bytes since forget_closed(), oldest first.
  const std::vector<ConnectionLog>& logs() const noexcept { return logs_; }
  /// Drops the logs of closed connections (after a good probe: they did no harm).
  void forget_closed();
  void close() { conn_.close(); }

 private:
  void drop_connection();

  Endpoint broker_;
  std::chrono::milliseconds timeout_;
  WireConnection conn_;
  std::vector<ConnectionLog> logs_;
};

/// The sentinel request frame (ApiVersions v0) with its correlation id.
protocol::Bytes sentinel_frame();
inline constexpr int32_t sentinel_correlation_id = 0x7f5e7e11;

}  // namespace kafkit::fuzz
