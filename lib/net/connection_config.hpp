#pragma once
// ConnectionConfig: the per-connection settings, named after the librdkafka / Java client
// properties they implement, with their defaults.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "kafkit/version.hpp"
#include "net/setup_step.hpp"

namespace kafkit::net {

struct ConnectionConfig {
  /// client.id: sent in every request header (brokers log it and apply quotas by it).
  std::string client_id = "kafkit";
  /// KIP-511 ClientSoftwareName / ClientSoftwareVersion in ApiVersions v3+.
  std::string software_name = "kafkit";
  std::string software_version = kafkit::version_string;
  /// max.in.flight.requests.per.connection: requests written and not yet answered.
  int max_in_flight = 5;
  /// Requests waiting beyond max_in_flight (or for the connection to become ready); more
  /// are refused with net::errc::queue_full rather than buffered without bound.
  std::size_t max_queued = 100000;
  /// request.timeout.ms: from submission to response, per request.
  std::chrono::milliseconds request_timeout{30000};
  /// receive.message.max.bytes: largest response frame accepted.
  std::size_t receive_message_max_bytes = 100000000;
  /// Run in order after ApiVersions and before the connection is ready (SASL).
  std::vector<SetupStepFactory> setup_steps;

  /// Throws std::invalid_argument naming the property when a value is out of range.
  void validate() const;
};

}  // namespace kafkit::net
