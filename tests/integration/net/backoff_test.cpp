#include "net/backoff.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using kafkit::net::Backoff;

TEST_CASE("base delay doubles from reconnect.backoff.ms up to reconnect.backoff.max.ms") {
  Backoff b(100ms, 1000ms, 1);
  std::vector<long> bases;
  for (int i = 0; i < 7; ++i) bases.push_back(static_cast<long>(b.base_delay(i).count()));
  CHECK(bases == std::vector<long>{100, 200, 400, 800, 1000, 1000, 1000});
  // Huge attempt counts and maxima neither overflow nor exceed the cap.
  Backoff big(1ms, std::chrono::milliseconds(INT64_MAX / 2), 1);
  CHECK(big.base_delay(1000).count() == INT64_MAX / 2);
}

TEST_CASE("each delay is within +-20% of its base and never above the maximum") {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Backoff b(100ms, 1000ms, seed);
    for (int attempt = 0; attempt < 10; ++attempt) {
      auto base = b.base_delay(attempt).count();
      auto d = b.next().count();
      CHECK(d >= static_cast<long>(base * 0.8) - 1);
      CHECK(d <= std::min<long>(static_cast<long>(base * 1.2) + 1, 1000));
    }
    CHECK(b.attempts() == 10);
  }
}

TEST_CASE("jitter actually varies and spans both sides of the base") {
  Backoff b(1000ms, 1000000ms, 7);
  bool below = false, above = false;
  for (int i = 0; i < 100; ++i) {
    b.reset();
    auto d = b.next().count();
    below |= d < 1000;
    above |= d > 1000;
  }
  CHECK(below);
  CHECK(above);
}

TEST_CASE("same seed, same sequence; reset starts over at the initial delay") {
  Backoff a(50ms, 5000ms, 42), b(50ms, 5000ms, 42), c(50ms, 5000ms, 43);
  std::vector<long> sa, sb, sc;
  for (int i = 0; i < 12; ++i) {
    sa.push_back(static_cast<long>(a.next().count()));
    sb.push_back(static_cast<long>(b.next().count()));
    sc.push_back(static_cast<long>(c.next().count()));
  }
  CHECK(sa == sb);
  CHECK(sa != sc);
  a.reset();
  CHECK(a.attempts() == 0);
  auto first = a.next().count();
  CHECK(first >= 40);
  CHECK(first <= 60);
}

TEST_CASE("zero backoff stays zero; invalid settings are rejected naming the property") {
  Backoff zero(0ms, 0ms, 3);
  for (int i = 0; i < 5; ++i) CHECK(zero.next().count() == 0);
  CHECK_THROWS_WITH_AS(Backoff(-1ms, 10ms, 0), doctest::Contains("reconnect.backoff.ms"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(Backoff(100ms, 10ms, 0), doctest::Contains("reconnect.backoff.max.ms"),
                       std::invalid_argument);
}
