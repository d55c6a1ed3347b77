#include "net/resolver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <optional>
#include <string>

#include <doctest/doctest.h>

#include "net/net_errors.hpp"
#include "net/tcp_connect.hpp"
#include "net_test_util.hpp"

using namespace std::chrono_literals;
using namespace kafkit::net;
using namespace kafkit::net::test;
using Addresses = kafkit::Result<std::vector<Address>>;

namespace {

bool is_loopback(const Address& a) {
  if (a.family() == AF_INET) {
    auto addr = ntohl(reinterpret_cast<const sockaddr_in*>(&a.storage)->sin_addr.s_addr);
    return (addr >> 24) == 127;
  }
  if (a.family() == AF_INET6) {
    return IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6*>(&a.storage)->sin6_addr);
  }
  return false;
}

std::optional<Addresses> resolve_on_loop(EventLoop& loop, Resolver& resolver,
                                         const std::string& host, std::uint16_t port) {
  std::optional<Addresses> result;
  resolver.resolve(host, port, [&](Addresses r) {
    CHECK(loop.in_loop_thread());
    result.emplace(std::move(r));
    loop.stop();
  });
  CHECK_FALSE(result.has_value());  // never delivered inline
  REQUIRE(run_bounded(loop, 5s));   // a hang fails here instead of timing out the suite
  return result;
}

}  // namespace

TEST_CASE("resolving localhost yields loopback addresses with the port") {
  auto loop = make_loop();
  Resolver resolver(*loop);
  auto result = resolve_on_loop(*loop, resolver, "localhost", 9092);
  REQUIRE(result.has_value());
  REQUIRE(result->ok());
  REQUIRE_FALSE(result->value().empty());
  for (const Address& a : result->value()) {
    CHECK(is_loopback(a));
    CHECK(a.port() == 9092);
    CHECK(a.to_string().find("localhost:9092 (") == 0);
  }
}

TEST_CASE("numeric hosts resolve without DNS, IPv4 and IPv6") {
  auto loop = make_loop();
  Resolver resolver(*loop);
  auto v4 = resolve_on_loop(*loop, resolver, "127.0.0.1", 1234);
  REQUIRE(v4.has_value());
  REQUIRE(v4->ok());
  REQUIRE(v4->value().size() == 1);
  CHECK(v4->value()[0].to_string() == "127.0.0.1:1234");

  auto v6 = resolve_blocking("::1", 1234, /*numeric_only=*/true);
  REQUIRE(v6.ok());
  CHECK(v6.value()[0].to_string() == "[::1]:1234");
  CHECK_FALSE(resolve_blocking("localhost", 1, /*numeric_only=*/true).ok());
}

TEST_CASE("a bad host name reports an error naming it, without hanging") {
  // A 64-character label is invalid DNS (labels are at most 63), so glibc rejects the name
  // before any query: the error path runs even on a machine without working DNS.
  auto loop = make_loop();
  Resolver resolver(*loop);
  std::string bad = std::string(64, 'x') + ".invalid";
  auto result = resolve_on_loop(*loop, resolver, bad, 9092);
  REQUIRE(result.has_value());
  REQUIRE_FALSE(result->ok());
  CHECK(result->error().code == errc::resolve_failed);
  CHECK(result->error().message.find(bad) != std::string::npos);
}

TEST_CASE("destroying the resolver drops results not yet delivered") {
  auto loop = make_loop();
  bool called = false;
  {
    Resolver resolver(*loop);
    resolver.resolve("localhost", 1, [&](Addresses) { called = true; });
    resolver.resolve("127.0.0.1", 1, [&](Addresses) { called = true; });
  }  // joins the worker; its posted result must not call back
  loop->add_timer(20ms, [&] { loop->stop(); });
  REQUIRE(run_bounded(*loop, 2s));
  CHECK_FALSE(called);
}

TEST_CASE("resolve then connect: localhost to a loopback listener") {
  auto loop = make_loop();
  Resolver resolver(*loop);
  auto listener = bind_loopback(16);
  std::unique_ptr<TcpConnector> connector;
  std::optional<kafkit::Result<UniqueFd>> connected;
  // Ask for the IPv4 listener's port; ::1 would be refused, so use the first IPv4 address.
  resolver.resolve("localhost", listener.port, [&](Addresses addresses) {
    REQUIRE(addresses.ok());
    for (const Address& a : addresses.value()) {
      if (a.family() != AF_INET) continue;
      connector = connect_nonblocking(*loop, a, 2s, [&](kafkit::Result<UniqueFd> r) {
        connected.emplace(std::move(r));
        loop->stop();
      });
      return;
    }
    FAIL("localhost has no IPv4 address");
  });
  REQUIRE(run_bounded(*loop, 5s));
  REQUIRE(connected.has_value());
  CHECK(connected->ok());
}
