#pragma once
// OutboundRequest: one Kafka request as the connection layer sees it, with its type erased,
// so that a Connection, the reconnecting BrokerConnection and setup steps (SASL) can queue,
// time out and hand over requests of every API alike.
//
// The body is encoded only when the request leaves the queue, because the version is
// known only then: it is negotiated against the broker's ApiVersions ranges, which a
// request submitted before the connection is ready has not seen yet.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "net/api_version_table.hpp"
#include "protocol/types.hpp"

namespace kafkit::net {

/// A response as it came off the wire: the body after the response header.
struct RawResponse {
  std::int16_t api_key = 0;
  std::int16_t api_version = 0;
  std::int32_t correlation_id = 0;
  /// Empty for a request that expects no response (Produce acks=0): it completes once
  /// its bytes were handed to the socket.
  protocol::Bytes body;
};

/// What the Connection runs for a finished request: `run` calls the caller back;
/// `protocol_error` is set when the response did not decode, which means the peer broke
/// the protocol and the Connection closes after queuing `run` (which carries that error).
struct Completion {
  std::function<void()> run;
  std::optional<Error> protocol_error;
};

struct OutboundRequest {
  std::int16_t api_key = 0;
  std::string api_name;
  /// Versions we can encode. With `negotiate`, the version sent is chosen against the
  /// broker's range (ApiVersionTable::choose); without it, `versions.max` is sent as is
  /// (ApiVersions itself, setup steps that chose already, tools sending raw bytes).
  VersionRange versions;
  bool negotiate = true;
  /// Produces the body at the chosen version. May throw only for a programming error.
  std::function<protocol::Bytes(std::int16_t version)> encode_body;
  /// SASL tokens after a SaslHandshake v0 (the pre-KIP-152 form): the body goes out with
  /// only its INT32 size, no request header, and the whole response frame is the answer (no
  /// response header, no correlation id to check; the order of the stream pairs them).
  bool headerless = false;
  /// False for Produce with acks=0: the broker sends nothing back (protocol-facts §2.1).
  bool expect_response = true;
  /// Per-request request.timeout.ms; the connection's default when unset.
  std::optional<std::chrono::milliseconds> timeout;
  /// Called exactly once, on the loop thread, with the response or the failure, and the
  /// broker's name for messages. Must not call back into the connection itself: it only
  /// builds the Completion, which the connection runs when it is safe to re-enter.
  std::function<Completion(Result<RawResponse>, const std::string& broker)> complete;
};

/// A request given as bytes (tools): sent at exactly `api_version`, without consulting the
/// broker's ranges, with a request header chosen by request_header_version().
struct RawRequest {
  std::int16_t api_key = 0;
  std::int16_t api_version = 0;
  protocol::Bytes body;
  bool expect_response = true;
  std::optional<std::chrono::milliseconds> timeout;
};

using RawCallback = std::function<void(Result<RawResponse>)>;

/// Wraps a RawRequest and its callback for the connection.
OutboundRequest make_raw_request(RawRequest request, RawCallback callback);

}  // namespace kafkit::net
