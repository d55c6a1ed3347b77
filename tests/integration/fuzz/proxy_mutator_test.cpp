// kafkit-fuzz proxy's response mutations and address rewriting, without sockets: the same
// seed gives the same bytes, every kind shows up, a Produce refusal never becomes an
// acknowledgement, --mutations restricts the kinds, and broker addresses in Metadata and
// FindCoordinator answers become the proxy's.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "address_rewriter.hpp"
#include "protocol/header.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/records/record_batch_builder.hpp"
#include "proxy_options.hpp"
#include "response_mutator.hpp"

using namespace kafkit::fuzz;
using namespace kafkit::protocol;

namespace {

// The response payload (header and body, no size prefix) as a broker sends it.
template <class M>
Bytes payload_of(const M& body, int16_t version, int32_t cid) {
  Bytes framed = frame_response(cid, version, body);
  return Bytes(framed.begin() + 4, framed.end());
}

template <class M>
std::optional<M> decode_payload(ByteView wire, int16_t version) {
  if (wire.size() < 4) return std::nullopt;
  ByteView payload = wire.subspan(4);
  Reader r(payload);
  ResponseHeader h;
  if (!h.decode(r, response_header_version(M::api_key, version))) return std::nullopt;
  auto m = decode_message<M>(payload.subspan(r.offset()), version);
  if (!m) return std::nullopt;
  return std::move(*m);
}

Bytes some_records() {
  RecordBatchBuilder b(BatchOptions{});
  for (int i = 0; i < 3; ++i) {
    std::string v = "value-" + std::to_string(i);
    (void)b.append(std::nullopt, as_bytes(v), 1700000000000 + i);
  }
  return std::move(*b.finish());
}

FetchResponse sample_fetch() {
  FetchResponse f;
  auto& t = f.responses.emplace_back();
  t.topic = "t";
  auto& p = t.partitions.emplace_back();
  p.high_watermark = 3;
  p.records = some_records();
  return f;
}

ProduceResponse sample_produce(int16_t error) {
  ProduceResponse r;
  auto& t = r.responses.emplace_back();
  t.name = "t";
  for (int i = 0; i < 3; ++i) {
    auto& p = t.partition_responses.emplace_back();
    p.index = i;
    p.error_code = i == 1 ? error : int16_t(0);
    p.base_offset = 10 * i;
  }
  return r;
}

}  // namespace

TEST_CASE("proxy mutations: same seed, same bytes; every kind shows up on Fetch and Metadata") {
  ResponseMutator mutator;
  ResponseContext fetch{1, 12, 42};
  Bytes payload = payload_of(sample_fetch(), 12, 42);
  std::set<std::string> kinds;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    RandomSource a(seed), b(seed);
    Mutation x = mutator.mutate(fetch, payload, a);
    Mutation y = mutator.mutate(fetch, payload, b);
    CHECK(x.wire == y.wire);
    CHECK(x.kind == y.kind);
    CHECK(x.wire != size_prefixed(payload));
    kinds.insert(x.kind);
  }
  MetadataResponse md;
  md.brokers.push_back({1, "broker", 9092, std::nullopt, {}});
  auto& topic = md.topics.emplace_back();
  topic.name = "t";
  topic.partitions.emplace_back().leader_id = 1;
  ResponseContext meta{3, 12, 7};
  Bytes md_payload = payload_of(md, 12, 7);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    RandomSource g(seed);
    kinds.insert(mutator.mutate(meta, md_payload, g).kind);
  }
  ResponseContext offsets{2, 7, 8};
  ListOffsetsResponse lo;
  lo.topics.emplace_back().partitions.emplace_back().offset = 5;
  Bytes lo_payload = payload_of(lo, 7, 8);
  for (uint64_t seed = 0; seed < 100; ++seed) {
    RandomSource g(seed);
    kinds.insert(mutator.mutate(offsets, lo_payload, g).kind);
  }
  ApiVersionsResponse av;
  av.api_keys.push_back({1, 0, 17, {}});
  ResponseContext versions{18, 3, 0};
  Bytes av_payload = payload_of(av, 3, 0);
  for (uint64_t seed = 0; seed < 100; ++seed) {
    RandomSource g(seed);
    Mutation m = mutator.mutate(versions, av_payload, g);
    CHECK(m.kind != "random-body");
    kinds.insert(m.kind);
  }
  for (std::string_view k : mutation_kinds()) {
    std::string name(k);
    INFO("kind " << name);
    CHECK(kinds.count(name) == 1);
  }
  // Without api-versions-lie, no random body or bit flip changes the versions advertised.
  ResponseMutator honest({"error-code", "throttle", "raw-truncate", "wrong-length"});
  for (uint64_t seed = 0; seed < 100; ++seed) {
    RandomSource g(seed);
    Mutation m = honest.mutate(versions, av_payload, g);
    CHECK(m.kind != "api-versions-lie");
    CHECK(m.kind != "raw-flip");
  }
}

TEST_CASE("proxy mutations: a Produce refusal never becomes an acknowledgement") {
  ResponseMutator mutator;
  ResponseContext c{0, 9, 5};
  Bytes payload = payload_of(sample_produce(6), 9, 5);
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    RandomSource g(seed);
    Mutation m = mutator.mutate(c, payload, g);
    CHECK(m.kind != "random-body");
    CHECK(m.kind != "raw-flip");
    // Whatever still decodes with the right correlation id keeps partition 1 refused.
    auto decoded = decode_payload<ProduceResponse>(m.wire, 9);
    if (!decoded || m.kind == "wrong-correlation-id" || m.kind == "wrong-length") continue;
    for (const auto& t : decoded->responses)
      for (const auto& p : t.partition_responses)
        if (t.name == "t" && p.index == 1) CHECK_MESSAGE(p.error_code != 0, m.kind);
  }
}

TEST_CASE("proxy mutations: --mutations restricts the kinds; records kinds keep framing") {
  ResponseMutator only({"records-flip", "records-bad-crc"});
  ResponseContext c{1, 12, 1};
  Bytes payload = payload_of(sample_fetch(), 12, 1);
  for (uint64_t seed = 0; seed < 100; ++seed) {
    RandomSource g(seed);
    Mutation m = only.mutate(c, payload, g);
    bool allowed = m.kind == "records-flip" || m.kind == "records-bad-crc";
    CHECK_MESSAGE(allowed, m.kind);
    auto decoded = decode_payload<FetchResponse>(m.wire, 12);
    REQUIRE(decoded.has_value());
    CHECK(decoded->responses.at(0).partitions.at(0).records !=
          sample_fetch().responses[0].partitions[0].records);
  }
  // A kind that does not apply to the API falls back to "none" (forwarded as is).
  ResponseMutator records_only({"records-truncate"});
  RandomSource g(1);
  Bytes md = payload_of(MetadataResponse{}, 12, 1);
  Mutation m = records_only.mutate({3, 12, 1}, md, g);
  CHECK(m.kind == "none");
  CHECK(m.wire == size_prefixed(md));
}

TEST_CASE("proxy mutations: garbage payloads never throw") {
  ResponseMutator mutator;
  RandomSource g(3);
  for (int i = 0; i < 2000; ++i) {
    Bytes junk(g.below(64));
    for (auto& b : junk) b = std::byte(g.next());
    ResponseContext c{int16_t(g.below(80)), int16_t(g.below(20)), int32_t(g.next())};
    Mutation m = mutator.mutate(c, junk, g);
    CHECK(m.wire.size() >= 4);
  }
}

TEST_CASE(
    "proxy address rewriting: Metadata, FindCoordinator and DescribeCluster point at the proxy") {
  AddressRewriter rw("127.0.0.1", 4321);
  MetadataResponse md;
  md.brokers.push_back({1, "broker-a", 9092, std::nullopt, {}});
  md.brokers.push_back({2, "broker-b", 9093, std::nullopt, {}});
  auto out = rw.rewrite({3, 12, 9}, payload_of(md, 12, 9));
  REQUIRE(out.has_value());
  auto got = decode_payload<MetadataResponse>(size_prefixed(*out), 12);
  REQUIRE(got.has_value());
  REQUIRE(got->brokers.size() == 2);
  for (const auto& b : got->brokers) {
    CHECK(b.host == "127.0.0.1");
    CHECK(b.port == 4321);
  }
  CHECK(got->brokers[1].node_id == 2);

  FindCoordinatorResponse fc;
  fc.coordinators.push_back({"group", 1, "broker-a", 9092, 0, std::nullopt, {}});
  auto fc_out = rw.rewrite({10, 4, 3}, payload_of(fc, 4, 3));
  REQUIRE(fc_out.has_value());
  auto fc_got = decode_payload<FindCoordinatorResponse>(size_prefixed(*fc_out), 4);
  REQUIRE(fc_got.has_value());
  CHECK(fc_got->coordinators.at(0).host == "127.0.0.1");
  CHECK(fc_got->coordinators.at(0).port == 4321);

  FindCoordinatorResponse old;
  old.host = "broker-a";
  old.port = 9092;
  auto old_out = rw.rewrite({10, 1, 3}, payload_of(old, 1, 3));
  REQUIRE(old_out.has_value());
  CHECK(decode_payload<FindCoordinatorResponse>(size_prefixed(*old_out), 1)->port == 4321);

  DescribeClusterResponse dc;
  dc.brokers.push_back({1, "broker-a", 9092, std::nullopt, false, {}});
  auto dc_out = rw.rewrite({60, 0, 3}, payload_of(dc, 0, 3));
  REQUIRE(dc_out.has_value());
  CHECK(decode_payload<DescribeClusterResponse>(size_prefixed(*dc_out), 0)->brokers.at(0).host ==
        "127.0.0.1");

  // Other APIs and undecodable payloads are left alone.
  CHECK_FALSE(rw.rewrite({18, 3, 1}, payload_of(ApiVersionsResponse{}, 3, 1)).has_value());
  CHECK_FALSE(rw.rewrite({3, 12, 1}, Bytes(3)).has_value());
}

TEST_CASE("proxy options: defaults, port 0, actions and mutation kinds checked") {
  auto o = parse_proxy_options({"--listen", "127.0.0.1:0", "--upstream", "localhost:9092"});
  REQUIRE(o.ok());
  CHECK(o->listen.port == 0);
  CHECK(o->upstream.port == 9092);
  CHECK(o->actions.size() == 5);
  CHECK(o->advertise_host == "127.0.0.1");
  auto w = parse_proxy_options({"--listen", "0.0.0.0:9000", "--upstream", "b:1", "--rate", "0.5",
                                "--actions", "drop,close", "--mutations", "error-code"});
  REQUIRE(w.ok());
  CHECK(w->advertise_host == "127.0.0.1");
  CHECK(w->rate == 0.5);
  CHECK(w->actions.size() == 2);
  CHECK_FALSE(parse_proxy_options({"--listen", "a:1"}).ok());
  CHECK_FALSE(parse_proxy_options({"--listen", "a:1", "--upstream", "b:1", "--rate", "2"}).ok());
  CHECK_FALSE(
      parse_proxy_options({"--listen", "a:1", "--upstream", "b:1", "--actions", "explode"}).ok());
  CHECK_FALSE(
      parse_proxy_options({"--listen", "a:1", "--upstream", "b:1", "--mutations", "nope"}).ok());
}
