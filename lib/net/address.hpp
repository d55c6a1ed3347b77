#pragma once
// Address: one resolved socket address plus the name it came from, so that every error
// about it can say "broker-1:9092 (10.0.0.7:9092)" rather than a bare number.
#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace kafkit::net {

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string host;  // the name as configured (may equal the numeric form)

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
  std::uint16_t port() const;
  /// Numeric form: "127.0.0.1:9092" or "[::1]:9092".
  std::string numeric() const;
  /// For messages: "localhost:9092 (127.0.0.1:9092)", or just the numeric form when the
  /// configured host already was numeric.
  std::string to_string() const;
};

}  // namespace kafkit::net
