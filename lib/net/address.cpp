#include "net/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace kafkit::net {

std::uint16_t Address::port() const {
  if (family() == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  }
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  }
  return 0;
}

std::string Address::numeric() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, text,
                sizeof text);
    return std::string(text) + ":" + std::to_string(port());
  }
  if (family() == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, text,
                sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(port());
  }
  return "<address family " + std::to_string(family()) + ">";
}

std::string Address::to_string() const {
  std::string num = numeric();
  if (host.empty()) return num;
  std::string named = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                      std::to_string(port());
  return named == num ? num : named + " (" + num + ")";
}

}  // namespace kafkit::net
