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
  auto ssl = parse_listener("SSL://127.0.0.1:9093");
  REQUIRE(ssl.ok());
  CHECK(ssl->protocol == SecurityProtocol::ssl);
  CHECK(ssl->port == 9093);
}

TEST_CASE("listeners: all four protocols; an unknown scheme is a clear error") {
  auto unknown = parse_listener("HTTP://h:1");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL") !=
        std::string::npos);
  auto sasl = parse_listener("SASL_PLAINTEXT://127.0.0.1:0");
  REQUIRE(sasl.ok());
  CHECK(sasl->protocol == SecurityProtocol::sasl_plaintext);
  auto sasl_ssl = parse_listener("sasl_ssl://127.0.0.1:9094");
  REQUIRE(sasl_ssl.ok());
  CHECK(sasl_ssl->protocol == SecurityProtocol::sasl_ssl);
  CHECK(sasl_ssl->port == 9094);
  CHECK_FALSE(parse_listener("PLAINTEXT://h").ok());
  CHECK_FALSE(parse_listener("h:70000").ok());
}

}  // namespace kafkit::broker
