// Every generated message at every version: random values survive encode -> decode,
// encoded_size() is exact, fields a version lacks are dropped, and any truncation or
// corruption of a valid encoding is an error or a message, never a crash.
#include <doctest/doctest.h>

#include <string>

#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/random_source.hpp"

using namespace kafkit::protocol;

namespace {

constexpr int kSeeds = 12;

// Plain checks rather than doctest macros inside this template: it is instantiated for
// every message type, and the macros would multiply the compile time.
template <class M>
std::string check_version(int16_t v) {
  auto fail = [&](uint64_t seed, const std::string& what) {
    return std::string(M::type_name) + " v" + std::to_string(v) + " seed " + std::to_string(seed) +
           ": " + what;
  };
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    RandomSource g(seed * 7919 + uint64_t(v));
    M m;
    m.randomize(g, v);
    M normalized = m;
    normalized.normalize(v);
    if (!(normalized == m)) return fail(seed, "random values are not valid for the version");

    Bytes bytes = encode_message(m, v);
    if (bytes.size() != m.encoded_size(v))
      return fail(seed, "encoded_size() differs from bytes written");
    auto back = decode_message<M>(bytes, v);
    if (!back.ok()) return fail(seed, back.error().message);
    if (!(*back == m)) return fail(seed, "decode(encode(m)) != m");
    if (encode_message(*back, v) != bytes) return fail(seed, "re-encoding changed the bytes");

    // A message filled at the newest version loses exactly what version v cannot carry.
    M full;
    full.randomize(g, M::max_version);
    auto narrowed = decode_message<M>(encode_message(full, v), v);
    if (!narrowed.ok()) return fail(seed, "narrowed: " + narrowed.error().message);
    full.normalize(v);
    if (!(*narrowed == full)) return fail(seed, "fields absent in the version were not dropped");

    // Every strict prefix is an error that names a byte offset.
    for (size_t cut = 0; cut < bytes.size(); cut += 1 + bytes.size() / 16) {
      auto part = decode_message<M>(ByteView(bytes).first(cut), v);
      if (part.ok()) return fail(seed, "a prefix of " + std::to_string(cut) + " bytes decoded");
      if (part.error().message.find(" at byte ") == std::string::npos)
        return fail(seed, "error without an offset: " + part.error().message);
    }
    // Flipped bytes: either an error, or a message that encodes and decodes consistently.
    for (int k = 0; k < 8 && !bytes.empty(); ++k) {
      Bytes bad = bytes;
      bad[g.below(bad.size())] ^= std::byte(1u << g.below(8));
      auto res = decode_message<M>(bad, v);
      if (res.ok()) {
        auto again = decode_message<M>(encode_message(*res, v), v);
        if (!again.ok() || !(*again == *res))
          return fail(seed, "corrupted input decoded inconsistently");
      }
    }
  }
  return {};
}

}  // namespace

TEST_CASE("every message round-trips at every version") {
  size_t versions = 0, expected = 0;
  for (const ApiInfo& info : all_apis()) {
    bool known = visit_api(info.key, [&](auto api) {
      using A = decltype(api);
      for (int16_t v = A::info.min_version; v <= A::info.max_version; ++v) {
        std::string req = check_version<typename A::Request>(v);
        std::string resp = check_version<typename A::Response>(v);
        CHECK_MESSAGE(req.empty(), req);
        CHECK_MESSAGE(resp.empty(), resp);
        ++versions;
      }
    });
    REQUIRE(known);
    expected += size_t(info.max_version - info.min_version + 1);
  }
  CHECK(versions == expected);
  CHECK(all_apis().size() >= 50);
}

TEST_CASE("decoding an unsupported version is an error, not a guess") {
  Bytes empty;
  auto r = decode_message<ProduceRequest>(empty, 99);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "ProduceRequest version 99 is not supported (0-13)");
}

TEST_CASE("trailing bytes after a body are reported") {
  HeartbeatRequest hb;
  hb.group_id = "g";
  Bytes b = encode_message(hb, 0);
  b.push_back(std::byte{0});
  auto r = decode_message<HeartbeatRequest>(b, 0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("1 unexpected bytes after HeartbeatRequest v0") !=
        std::string::npos);
}
