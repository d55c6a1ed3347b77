#include "case_generator.hpp"

#include <algorithm>

#include "mutators.hpp"
#include "protocol/messages/apis.hpp"
#include "request_builder.hpp"

namespace kafkit::fuzz {

using namespace kafkit::protocol;

namespace {

constexpr int16_t produce_key = 0;
constexpr int16_t sasl_handshake_key = 17;
constexpr int16_t sasl_authenticate_key = 36;
constexpr int16_t metadata_key = 3;

int16_t version_in(const ApiInfo& info, RandomSource& g) {
  return int16_t(info.min_version +
                 int16_t(g.below(uint64_t(info.max_version - info.min_version + 1))));
}

Bytes request_of(int16_t key, RandomSource& g, int32_t correlation) {
  const ApiInfo* info = find_api(key);
  return build_request(key, version_in(*info, g), correlation, g).frame;
}

// Requests in an order that the SASL state machine (KIP-43, KIP-152) must reject: each
// frame is valid on its own.
Bytes sasl_out_of_order(RandomSource& g) {
  Bytes wire;
  auto add = [&](const Bytes& f) { wire.insert(wire.end(), f.begin(), f.end()); };
  switch (g.below(4)) {
    case 0:  // authenticate without a handshake
      add(request_of(sasl_authenticate_key, g, 1));
      break;
    case 1:  // handshake, then an ordinary request instead of the authentication
      add(request_of(sasl_handshake_key, g, 1));
      add(request_of(metadata_key, g, 2));
      break;
    case 2:  // two handshakes
      add(request_of(sasl_handshake_key, g, 1));
      add(request_of(sasl_handshake_key, g, 2));
      break;
    default:  // handshake, then two authentications with random bytes
      add(request_of(sasl_handshake_key, g, 1));
      add(request_of(sasl_authenticate_key, g, 2));
      add(request_of(sasl_authenticate_key, g, 3));
  }
  return wire;
}

TaggedFields random_tags(RandomSource& g) {
  TaggedFields tags;
  size_t n = 1 + g.below(3);
  uint32_t tag = g.chance(2) ? uint32_t(g.below(8)) : uint32_t(g.next() >> 33);
  for (size_t i = 0; i < n; ++i) {
    TaggedField t;
    t.tag = tag;
    tag += 1 + uint32_t(g.below(1000));
    t.data.resize(g.chance(16) ? size_t(1) << 16 : g.below(32));
    for (auto& b : t.data) b = std::byte(g.next());
    tags.push_back(std::move(t));
  }
  return tags;
}

}  // namespace

std::vector<AdvertisedApi> usable_apis(const std::vector<AdvertisedApi>& advertised) {
  std::vector<AdvertisedApi> out;
  for (const auto& a : advertised) {
    const ApiInfo* info = find_api(a.key);
    if (info == nullptr) continue;
    auto lo = std::max(a.min_version, info->min_version);
    auto hi = std::min(a.max_version, info->max_version);
    if (lo <= hi) out.push_back({a.key, lo, hi});
  }
  return out;
}

CaseGenerator::CaseGenerator(uint64_t seed, std::vector<AdvertisedApi> apis)
    : seed_(seed), apis_(std::move(apis)) {}

FuzzCase CaseGenerator::make(uint64_t index) const {
  // Each case gets its own stream, so --seed S reproduces case N without the ones before it.
  RandomSource g(seed_ * 0x9e3779b97f4a7c15ULL ^ (index + 1) * 0xd1b54a32d192ed03ULL);
  FuzzCase c;
  c.index = index;
  const AdvertisedApi& api = apis_[g.below(apis_.size())];
  c.api_key = api.key;
  c.api_version =
      int16_t(api.min_version + int16_t(g.below(uint64_t(api.max_version - api.min_version + 1))));
  auto correlation = int32_t(index & 0x3fffffff);
  BuildOptions opts;
  auto kind = g.below(100);
  // Record batch cases go to Produce (v3+, the versions that carry v2 batches).
  const AdvertisedApi* produce = nullptr;
  for (const auto& a : apis_)
    if (a.key == produce_key && a.max_version >= 3) produce = &a;
  if (kind >= 85 && kind < 95 && produce != nullptr) {
    BatchCase b = batches_.next(g);
    c.api_key = produce_key;
    c.api_version =
        int16_t(std::max<int16_t>(3, produce->min_version) +
                int16_t(g.below(uint64_t(produce->max_version -
                                         std::max<int16_t>(3, produce->min_version) + 1))));
    opts.records = std::move(b.batch);
    c.mutation = b.mutation;
  } else if (kind >= 95) {
    c.mutation = "sasl-out-of-order";
    c.wire = sasl_out_of_order(g);
    c.api_key = sasl_handshake_key;
    c.api_name = "SaslHandshake";
    c.framed = true;
    return c;
  }
  if (kind >= 5 && kind < 20) {
    opts.hostile = true;
    c.mutation = "edge-values";
  }
  bool flexible = find_api(c.api_key)->first_flexible_version >= 0 &&
                  c.api_version >= find_api(c.api_key)->first_flexible_version;
  if (kind >= 20 && kind < 25 && flexible) {
    opts.body_tags = random_tags(g);
    c.mutation = "unknown-tags";
  }
  if (kind >= 25 && kind < 30) {
    auto right = request_header_version(c.api_key, c.api_version);
    opts.header_version = int16_t((right + 1 + int16_t(g.below(2))) % 3);
    c.mutation = "wrong-header-version";
  }
  BuiltRequest req = build_request(c.api_key, c.api_version, correlation, g, opts);
  c.api_name = req.api_name;
  c.may_park = req.may_park;
  c.wire = std::move(req.frame);
  if (c.mutation.empty()) c.mutation = "valid";  // kind < 5, or no Produce for a batch case
  if (kind >= 20 && kind < 25 && !flexible) {
    // Pipelining: the same request many times in one write, answered in order (or closed).
    Bytes one = c.wire;
    for (size_t n = 1 + g.below(64); n > 0; --n)
      c.wire.insert(c.wire.end(), one.begin(), one.end());
    c.mutation = "pipelined";
  }
  switch (kind < 30 || kind >= 85 ? 100 : kind / 5) {
    case 6:
      mutate_length_prefix(c.wire, g);
      c.mutation = "length-prefix";
      break;
    case 7:
      mutate_truncate(c.wire, g);
      c.mutation = "truncate";
      break;
    case 8:
      mutate_bad_varint(c.wire, req.body_offset, g);
      c.mutation = "bad-varint";
      break;
    case 9:
      mutate_huge_count(c.wire, req.body_offset, g);
      c.mutation = "huge-count";
      break;
    case 10:
      mutate_bad_length_field(c.wire, req.body_offset, g);
      c.mutation = "bad-length-field";
      break;
    case 11: {
      // An API key or version the broker did not advertise.
      auto key = g.boolean() ? int16_t(100 + g.below(32000)) : c.api_key;
      auto version = key == c.api_key ? int16_t(api.max_version + 1 + int16_t(g.below(100)))
                                      : int16_t(g.below(20));
      c.wire[4] = std::byte(uint16_t(key) >> 8), c.wire[5] = std::byte(key & 0xff);
      c.wire[6] = std::byte(uint16_t(version) >> 8), c.wire[7] = std::byte(version & 0xff);
      c.mutation = "unknown-api-or-version";
      break;
    }
    case 100:
      break;
    default: {
      const char* name = nullptr;
      mutate_raw(c.wire, g, name);
      c.mutation = name;
    }
  }
  c.framed = is_framed(c.wire);
  return c;
}

bool is_framed(ByteView wire) noexcept {
  size_t at = 0;
  while (at + 4 <= wire.size()) {
    auto n = int32_t(uint32_t(wire[at]) << 24 | uint32_t(wire[at + 1]) << 16 |
                     uint32_t(wire[at + 2]) << 8 | uint32_t(wire[at + 3]));
    if (n < 0 || size_t(n) > wire.size() - at - 4) return false;
    at += 4 + size_t(n);
  }
  return at == wire.size() && !wire.empty();
}

}  // namespace kafkit::fuzz
