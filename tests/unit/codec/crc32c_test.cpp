// CRC-32C against the published check values (RFC 3720 B.4 and the iSCSI test patterns),
// the hardware kernel against the portable one over every length and alignment it treats
// differently, and continuation across pieces.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "protocol/codec/crc32c.hpp"
#include "protocol/codec/crc32c_kernels.hpp"
#include "protocol/codec/crc32c_math.hpp"

using namespace kafkit::protocol;

namespace {
Bytes filled(size_t n, uint8_t (*f)(size_t)) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = std::byte{f(i)};
  return b;
}
Bytes random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = std::byte(rng());
  return b;
}
}  // namespace

TEST_CASE("crc32c check values") {
  for (auto f : {crc32c, crc32c_portable}) {
    CHECK(f(as_bytes("123456789"), 0) == 0xE3069283u);
    CHECK(f(filled(32, [](size_t) -> uint8_t { return 0x00; }), 0) == 0x8A9136AAu);
    CHECK(f(filled(32, [](size_t) -> uint8_t { return 0xFF; }), 0) == 0x62A8AB43u);
    CHECK(f(filled(32, [](size_t i) { return uint8_t(i); }), 0) == 0x46DD794Eu);
    CHECK(f(filled(32, [](size_t i) { return uint8_t(31 - i); }), 0) == 0x113FDB5Cu);
    CHECK(f(ByteView{}, 0) == 0u);
  }
}

namespace {
using Kernel = uint32_t (*)(ByteView, uint32_t);

// crc32c() and, where this CPU has them, each x86-64 kernel on its own (crc32c() only ever
// runs the fastest one).
std::vector<std::pair<const char*, Kernel>> hardware_kernels() {
  std::vector<std::pair<const char*, Kernel>> k = {
      {"crc32c()", [](ByteView v, uint32_t c) { return crc32c(v, c); }}};
#if defined(__x86_64__)
  if (detail::cpu_has_sse42_crc())
    k.emplace_back("sse4.2", [](ByteView v, uint32_t c) {
      return ~detail::crc32c_sse42(~c, v.data(), v.size());
    });
  if (detail::cpu_has_vpclmul_crc())
    k.emplace_back("vpclmulqdq", [](ByteView v, uint32_t c) {
      return ~detail::crc32c_vpclmul(~c, v.data(), v.size());
    });
#endif
  return k;
}
}  // namespace

TEST_CASE("crc32c hardware paths agree with the portable one") {
  MESSAGE("crc32c implementation on this CPU: " << crc32c_implementation());
  Bytes data = random_bytes(4096 + 64, 42);
  Bytes big = random_bytes((size_t(1) << 20) + 1000, 9);
  for (const auto& kernel : hardware_kernels()) {
    const char* name = kernel.first;  // not a structured binding: clang 14 cannot capture one
    Kernel f = kernel.second;
    CAPTURE(name);
    std::mt19937 rng(7);
    for (size_t len = 0; len <= 4096; ++len) {
      size_t offset = rng() % 64;  // unaligned starts
      ByteView v(data.data() + offset, len);
      uint32_t seed = len % 3 == 0 ? 0 : uint32_t(rng());
      REQUIRE_MESSAGE(f(v, seed) == crc32c_portable(v, seed), "length " << len);
    }
    // Around the long-stripe size (3 x 8 KiB), several folding rounds, and every tail.
    for (size_t len : {size_t(24575), size_t(24576), size_t(24577), size_t(49152 + 767),
                       size_t(100000), size_t(1) << 20, (size_t(1) << 20) + 999}) {
      ByteView v(big.data() + 1, len);
      CHECK_MESSAGE(f(v, 0x1234567) == crc32c_portable(v, 0x1234567), "length " << len);
    }
  }
}

TEST_CASE("crc32c continues across pieces") {
  Bytes data = random_bytes(100000, 3);
  ByteView all(data);
  for (size_t cut : {size_t(0), size_t(1), size_t(7), size_t(777), size_t(50000), size_t(99999)}) {
    uint32_t a = crc32c(all.first(cut));
    CHECK(crc32c(all.subspan(cut), a) == crc32c(all));
    CHECK(crc32c_portable(all.subspan(cut), crc32c_portable(all.first(cut))) ==
          crc32c_portable(all));
  }
}

TEST_CASE("crc32c shift constants: appending zeros is multiplying by x^8n") {
  // Independent check of the GF(2) helpers the kernel's constants come from: the portable
  // CRC of n zero bytes from a raw register r is r·x^(8n) mod P.
  for (uint32_t r : {0x12345678u, 0xFFFFFFFFu, 0x80000000u}) {
    for (size_t n : {size_t(1), size_t(5), size_t(256), size_t(8192)}) {
      Bytes zeros(n);
      uint32_t expected = ~crc32c_portable(zeros, ~r);  // raw register in and out
      CHECK(crc32c_math::shift(r, n) == expected);
    }
  }
}

TEST_CASE("crc32 (IEEE) as zlib computes it") {
  CHECK(crc32_ieee(as_bytes("123456789")) == 0xCBF43926u);
  CHECK(crc32_ieee(as_bytes("6789"), crc32_ieee(as_bytes("12345"))) == 0xCBF43926u);
  CHECK(crc32_ieee(ByteView{}) == 0u);
}
