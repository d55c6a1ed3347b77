#include <doctest/doctest.h>

#include "broker/broker_config.hpp"

namespace kafkit::broker {

TEST_CASE("listeners: host:port, with or without a PLAINTEXT:// scheme, IPv6 in brackets") {
  auto plain = parse_listener("127.0.0.1:9092");
  REQUIRE(plain.ok());
  CHECK(plain->host == "127.0.0.1");
  CHECK(plain->port == 9092);
  CHECK(plain->protocol == SecurityProtocol::plaintext);
  auto named = parse_listener("plaintext://[::1]:0");
  REQUIRE(named.ok());
  CHECK(named->host == "::1");
  CHECK(named->port == 0);
  CHECK(parse_listener("PLAINTEXT://:9092")->host == "0.0.0.0");
}

TEST_CASE("listeners: unknown schemes and protocols not served yet are clear errors") {
  auto unknown = parse_listener("HTTP://h:1");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL") !=
        std::string::npos);
  auto sasl = parse_listener("SASL_PLAINTEXT://127.0.0.1:0");
  REQUIRE(sasl.ok());
  CHECK(sasl->protocol == SecurityProtocol::sasl_plaintext);
  for (const char* text : {"SSL://h:1", "SASL_SSL://h:1"}) {
    auto r = parse_listener(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("not supported yet") != std::string::npos);
  }
  CHECK_FALSE(parse_listener("PLAINTEXT://h").ok());
  CHECK_FALSE(parse_listener("h:70000").ok());
}

}  // namespace kafkit::broker
