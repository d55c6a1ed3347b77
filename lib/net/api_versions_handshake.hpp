#pragma once
// ApiVersionsHandshake: the first exchange on every connection, as a state machine free of
// I/O (DESIGN.md "Threads": bytes in, decisions out), so it is testable without sockets.
//
// We open with ApiVersions at the highest version kafkit has. A broker that does not know
// that version does not parse the body; it answers in the v0 layout with UNSUPPORTED_VERSION
// and its own range for key 18 only (KIP-511). We then retry with
// min(sent - 1, broker's max for key 18), as the Java client does, until a version is
// accepted or none is left.
#include <cstdint>
#include <string>
#include <variant>

#include "common/result.hpp"
#include "net/api_version_table.hpp"
#include "protocol/types.hpp"

namespace kafkit::net {

class ApiVersionsHandshake {
 public:
  /// Send ApiVersions again at `version`.
  struct Retry {
    std::int16_t version;
  };
  /// Done: the broker's ranges; or Retry; or an Error naming the broker.
  using Outcome = std::variant<ApiVersionTable, Retry, Error>;

  /// `software_name`/`software_version` go into v3+ requests (KIP-511); brokers refuse
  /// values outside [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?. `broker` is for messages.
  ApiVersionsHandshake(std::string software_name, std::string software_version, std::string broker);

  /// The version of the request to send now.
  std::int16_t version() const { return version_; }
  /// The request body at version().
  protocol::Bytes request_body() const;

  /// Interprets the response body (after its v0 header) to the request sent at version().
  /// On Retry, version() has moved to the version to send next.
  Outcome on_response(protocol::ByteView body);

 private:
  std::string software_name_;
  std::string software_version_;
  std::string broker_;
  std::int16_t version_;
};

}  // namespace kafkit::net
