#include "net/connection_config.hpp"

#include <stdexcept>
#include <string>

namespace kafkit::net {

void ConnectionConfig::validate() const {
  if (max_in_flight < 1 || max_in_flight > 1000000) {
    throw std::invalid_argument("max.in.flight.requests.per.connection must be 1..1000000, got " +
                                std::to_string(max_in_flight));
  }
  if (request_timeout.count() < 1) {
    throw std::invalid_argument("request.timeout.ms must be >= 1, got " +
                                std::to_string(request_timeout.count()));
  }
  // A response frame needs at least its correlation id.
  if (receive_message_max_bytes < 4 || receive_message_max_bytes > 2147483647) {
    throw std::invalid_argument("receive.message.max.bytes must be 4..2147483647, got " +
                                std::to_string(receive_message_max_bytes));
  }
  if (client_id.size() > 32767) {
    throw std::invalid_argument("client.id is longer than 32767 bytes");
  }
}

}  // namespace kafkit::net
