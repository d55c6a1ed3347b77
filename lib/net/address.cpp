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
    // Appends rather than "[" + std::string: g++ 12 -O3 misreports the latter (-Wrestrict).
    std::string out = "[";
    out.append(text).append("]:").append(std::to_string(port()));
    return out;
  }
  std::string out = "<address family ";
  out.append(std::to_string(family())).append(">");
  return out;
}

std::string Address::to_string() const {
  std::string num = numeric();
  if (host.empty()) return num;
  std::string named;
  if (host.find(':') != std::string::npos)
    named.append("[").append(host).append("]");
  else
    named = host;
  named.append(":").append(std::to_string(port()));
  if (named == num) return num;
  return named.append(" (").append(num).append(")");
}

}  // namespace kafkit::net
