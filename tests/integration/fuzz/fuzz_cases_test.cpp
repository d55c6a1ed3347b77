// kafkit-fuzz's case generation and findings files, without a broker: the same seed gives
// the same bytes, "valid" cases decode with the codec, every mutation family shows up,
// framing is classified right, and a finding survives a save/load round trip byte for byte.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>

#include "case_generator.hpp"
#include "findings_store.hpp"
#include "mutators.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"

using namespace kafkit::fuzz;
using namespace kafkit::protocol;

namespace {

std::vector<AdvertisedApi> every_api() {
  std::vector<AdvertisedApi> out;
  for (const ApiInfo& a : all_apis()) out.push_back({a.key, a.min_version, a.max_version});
  return out;
}

}  // namespace

TEST_CASE("fuzz cases: same seed, same bytes; another seed, other bytes") {
  CaseGenerator a(7, every_api()), b(7, every_api()), c(8, every_api());
  size_t differ = 0;
  for (uint64_t i = 0; i < 300; ++i) {
    FuzzCase x = a.make(i), y = b.make(i), z = c.make(i);
    CHECK(x.wire == y.wire);
    CHECK(x.mutation == y.mutation);
    if (x.wire != z.wire) ++differ;
  }
  CHECK(differ > 290);
  // A case does not depend on the ones generated before it.
  CHECK(a.make(1234).wire == b.make(1234).wire);
}

TEST_CASE("fuzz cases: valid cases are requests the codec decodes; all mutations occur") {
  CaseGenerator gen(1, every_api());
  std::map<std::string, int> seen;
  int valid = 0;
  for (uint64_t i = 0; i < 4000; ++i) {
    FuzzCase c = gen.make(i);
    ++seen[c.mutation];
    if (c.mutation == "length-prefix" || c.mutation == "truncate") CHECK_FALSE(c.framed);
    if (c.mutation != "valid") continue;
    ++valid;
    REQUIRE(c.framed);
    Reader r(ByteView(c.wire).subspan(4));
    RequestHeader h;
    REQUIRE(h.decode(r, request_header_version(c.api_key, c.api_version)).ok());
    CHECK(h.api_key == c.api_key);
    CHECK(h.api_version == c.api_version);
    bool decoded = false;
    visit_api(c.api_key, [&](auto api) {
      using A = decltype(api);
      auto m = decode_message<typename A::Request>(ByteView(c.wire).subspan(4 + r.offset()),
                                                   c.api_version);
      decoded = m.ok();
    });
    CHECK_MESSAGE(decoded, c.api_name << " v" << c.api_version);
  }
  CHECK(valid > 100);
  for (const char* m : {"edge-values",       "length-prefix",        "truncate",
                        "bad-varint",        "huge-count",           "bad-length-field",
                        "unknown-tags",      "wrong-header-version", "unknown-api-or-version",
                        "sasl-out-of-order", "batch-valid",          "batch-bad-crc",
                        "batch-bad-length",  "batch-huge-count",     "batch-truncated",
                        "batch-gzip-bomb",   "batch-zstd-bomb",      "raw-bitflip",
                        "raw-insert",        "raw-delete",           "raw-dup"})
    CHECK_MESSAGE(seen[m] > 0, m);
}

TEST_CASE("fuzz cases: framing") {
  Bytes two = {std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}, std::byte{9},
               std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}};
  CHECK(is_framed(two));
  Bytes short_frame(two.begin(), two.end() - 1);
  CHECK_FALSE(is_framed(short_frame));
  Bytes negative = {std::byte{0xff}, std::byte{0xff}, std::byte{0xff}, std::byte{0xff}};
  CHECK_FALSE(is_framed(negative));
  CHECK_FALSE(is_framed(Bytes{}));
  Bytes grown = two;
  grown.insert(grown.begin() + 5, std::byte{1});  // first frame now 2 bytes, prefix says 1
  CHECK_FALSE(is_framed(grown));
  Bytes one(two.begin(), two.begin() + 5);
  one.push_back(std::byte{7});
  fix_frame_size(one);
  CHECK(is_framed(one));
}

TEST_CASE("findings: saved and loaded byte for byte") {
  auto dir = std::filesystem::temp_directory_path() / "kafkit-fuzz-findings-test";
  std::filesystem::remove_all(dir);
  Finding f;
  f.fields = {{"kind", "hang"}, {"seed", "3"}, {"case", "42"}, {"detail", "two\nlines"}};
  ConnectionLog a;
  for (int i = 0; i < 300; ++i) a.sent.push_back(std::byte(i));  // includes '\n' bytes
  a.half_closed = true;
  ConnectionLog b;
  b.sent = {std::byte{'\n'}, std::byte{'\n'}};
  f.connections = {a, b, ConnectionLog{}};
  auto path = save_finding(dir.string(), "f.kfz", f);
  REQUIRE(path.ok());
  auto back = load_finding(*path);
  REQUIRE(back.ok());
  CHECK(back->field("kind") == "hang");
  CHECK(back->field("case") == "42");
  CHECK(back->field("detail") == "two lines");
  REQUIRE(back->connections.size() == 3);
  CHECK(back->connections[0].sent == a.sent);
  CHECK(back->connections[0].half_closed);
  CHECK(back->connections[1].sent == b.sent);
  CHECK_FALSE(back->connections[1].half_closed);
  CHECK(back->connections[2].sent.empty());
  std::filesystem::remove_all(dir);
}
