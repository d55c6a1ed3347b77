#include "response_mutator.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <type_traits>
#include <vector>

#include "protocol/header.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/records/byte_order.hpp"
#include "protocol/records/record_batch.hpp"

namespace kafkit::fuzz {

using namespace kafkit::protocol;
namespace off = kafkit::protocol::batch_layout;

namespace {

constexpr std::array<std::string_view, 16> kKinds{
    "error-code",         "throttle",    "offset",           "offset-lie",   "leader-id",
    "partition-count",    "random-body", "records-truncate", "records-flip", "records-bad-crc",
    "records-bad-length", "raw-flip",    "raw-truncate",     "wrong-length", "wrong-correlation-id",
    "api-versions-lie"};

template <class T>
struct Named {
  const char* name;
  T* field;
};

// Fields of a decoded response that a structure-aware kind may change. "offset" holds
// offsets a client only reports or uses as hints (a produce base offset, a fetch high
// watermark); "offset-lie" offsets it seeks to (ListOffsets, committed offsets): a lie there
// makes any correct client skip or repeat records, so tests that check "every record is
// eventually read" leave that kind out.
struct Targets {
  std::vector<int16_t*> errors;
  std::vector<int32_t*> throttles;
  std::vector<Named<int64_t>> offsets;
  std::vector<Named<int64_t>> offset_lies;
  std::vector<int32_t*> leaders;
  std::vector<Bytes*> records;
  /// Drops or adds array elements (partitions, topics, brokers); empty when the API has none.
  std::function<std::string(RandomSource&)> resize;
  /// Produce: some partition was refused. Such a response must stay a refusal.
  bool has_refusal = false;
};

template <class V>
void drop_one(V& v, RandomSource& g) {
  if (!v.empty()) v.erase(v.begin() + std::ptrdiff_t(g.below(v.size())));
}

void add_records(std::optional<Bytes>& r, Targets& t) {
  if (r && r->size() > off::records) t.records.push_back(&*r);
}

void add_specific(ProduceResponse& m, Targets& t) {
  for (auto& topic : m.responses)
    for (auto& p : topic.partition_responses) {
      t.errors.push_back(&p.error_code);
      t.offsets.push_back({"base_offset", &p.base_offset});
      t.offsets.push_back({"log_start_offset", &p.log_start_offset});
      t.leaders.push_back(&p.current_leader.leader_id);
      if (p.error_code != 0) t.has_refusal = true;
    }
  t.resize = [&m](RandomSource& g) {
    if (m.responses.empty()) return std::string("no topics");
    auto& topic = m.responses[g.below(m.responses.size())];
    drop_one(topic.partition_responses, g);
    return "dropped a partition of " + topic.name;
  };
}

void add_specific(FetchResponse& m, Targets& t) {
  for (auto& topic : m.responses)
    for (auto& p : topic.partitions) {
      t.errors.push_back(&p.error_code);
      t.offsets.push_back({"high_watermark", &p.high_watermark});
      t.offsets.push_back({"last_stable_offset", &p.last_stable_offset});
      t.offsets.push_back({"log_start_offset", &p.log_start_offset});
      t.leaders.push_back(&p.preferred_read_replica);
      t.leaders.push_back(&p.current_leader.leader_id);
      add_records(p.records, t);
    }
  t.resize = [&m](RandomSource& g) {
    if (m.responses.empty()) return std::string("no topics");
    auto& topic = m.responses[g.below(m.responses.size())];
    drop_one(topic.partitions, g);
    return "dropped a partition of " + topic.topic;
  };
}

void add_specific(ListOffsetsResponse& m, Targets& t) {
  for (auto& topic : m.topics)
    for (auto& p : topic.partitions) {
      t.errors.push_back(&p.error_code);
      t.offset_lies.push_back({"offset", &p.offset});
      for (auto& o : p.old_style_offsets) t.offset_lies.push_back({"old_style_offsets", &o});
    }
}

void add_specific(MetadataResponse& m, Targets& t) {
  t.leaders.push_back(&m.controller_id);
  for (auto& topic : m.topics) {
    t.errors.push_back(&topic.error_code);
    for (auto& p : topic.partitions) {
      t.errors.push_back(&p.error_code);
      t.leaders.push_back(&p.leader_id);
    }
  }
  t.resize = [&m](RandomSource& g) {
    if (m.topics.empty() || g.chance(4)) {
      drop_one(m.brokers, g);
      return std::string("dropped a broker");
    }
    auto& topic = m.topics[g.below(m.topics.size())];
    auto& parts = topic.partitions;
    switch (g.below(3)) {
      case 0:
        drop_one(parts, g);
        return std::string("dropped a partition");
      case 1:
        parts.clear();
        return std::string("no partitions");
      default: {
        MetadataResponse::MetadataResponsePartition extra;
        extra.partition_index = int32_t(parts.size());
        extra.leader_id = parts.empty() ? 0 : parts.front().leader_id;
        parts.push_back(extra);
        return "added partition " + std::to_string(extra.partition_index);
      }
    }
  };
}

void add_specific(FindCoordinatorResponse& m, Targets& t) {
  t.leaders.push_back(&m.node_id);
  for (auto& c : m.coordinators) {
    t.errors.push_back(&c.error_code);
    t.leaders.push_back(&c.node_id);
  }
}

void add_specific(OffsetFetchResponse& m, Targets& t) {
  for (auto& topic : m.topics)
    for (auto& p : topic.partitions) {
      t.errors.push_back(&p.error_code);
      t.offset_lies.push_back({"committed_offset", &p.committed_offset});
    }
  for (auto& group : m.groups) {
    t.errors.push_back(&group.error_code);
    for (auto& topic : group.topics)
      for (auto& p : topic.partitions) {
        t.errors.push_back(&p.error_code);
        t.offset_lies.push_back({"committed_offset", &p.committed_offset});
      }
  }
}

void add_specific(OffsetCommitResponse& m, Targets& t) {
  for (auto& topic : m.topics)
    for (auto& p : topic.partitions) t.errors.push_back(&p.error_code);
}

void add_specific(DescribeClusterResponse& m, Targets& t) {
  t.leaders.push_back(&m.controller_id);
  for (auto& b : m.brokers) t.leaders.push_back(&b.broker_id);
}

template <class M>
void add_specific(M&, Targets&) {}

template <class M>
Targets collect(M& m) {
  Targets t;
  if constexpr (requires { m.error_code; }) t.errors.push_back(&m.error_code);
  if constexpr (requires { m.throttle_time_ms; }) t.throttles.push_back(&m.throttle_time_ms);
  add_specific(m, t);
  return t;
}

// Retriable and fatal codes clients act on, plus a random one.
int16_t error_code(RandomSource& g) {
  static constexpr int16_t codes[] = {-1, 1,  2,  3,  5,  6,  7,  10, 13, 14, 15, 16, 19,
                                      22, 25, 27, 35, 45, 46, 47, 59, 74, 75, 87, 100};
  if (g.chance(8)) {
    auto v = int16_t(g.next());
    return v == 0 ? int16_t(-1) : v;
  }
  return codes[g.below(std::size(codes))];
}

// Neighbours of a value without signed overflow (the value may be at its type's edge).
template <class T>
T plus(T v, int d) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(v) + static_cast<U>(d));
}

int64_t offset_value(int64_t was, RandomSource& g) {
  switch (g.below(7)) {
    case 0:
      return -1;
    case 1:
      return 0;
    case 2:
      return std::numeric_limits<int64_t>::max();
    case 3:
      return std::numeric_limits<int64_t>::min();
    case 4:
      return plus(was, 1);
    case 5:
      return plus(was, -1);
    default:
      return int64_t(g.next() >> 1);
  }
}

int32_t node_value(int32_t was, RandomSource& g) {
  static constexpr int32_t picks[] = {
      -1, 0, 1, 12345, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()};
  if (g.chance(4)) return plus(was, 1);
  return picks[g.below(std::size(picks))];
}

int32_t throttle_value(RandomSource& g) {
  static constexpr int32_t picks[] = {-1,
                                      1,
                                      100,
                                      5000,
                                      30000,
                                      std::numeric_limits<int32_t>::max(),
                                      std::numeric_limits<int32_t>::min()};
  return picks[g.below(std::size(picks))];
}

// End of the first batch inside a records field, clamped to its size.
size_t first_batch_end(const Bytes& r) {
  auto len = detail::load_be<int32_t>(r.data() + off::batch_length);
  if (len <= 0) return r.size();
  return std::min(r.size(), off::log_overhead + size_t(len));
}

// Record-set mutations. Only bytes the batch CRC covers (attributes to the end of the
// first batch) are flipped: the base offset and the headers of later batches are outside
// every checksum, so a flip there is an undetectable lie rather than a corruption test.
std::string mutate_records(std::string_view kind, Bytes& r, RandomSource& g) {
  if (kind == "records-truncate") {
    size_t was = r.size();
    r.resize(g.below(was));
    return "records " + std::to_string(was) + " -> " + std::to_string(r.size()) + " bytes";
  }
  if (kind == "records-bad-crc") {
    size_t at = off::crc + g.below(4);
    r[at] ^= std::byte(1 + g.below(255));
    return "crc byte " + std::to_string(at) + " flipped";
  }
  if (kind == "records-bad-length") {
    static constexpr int64_t lengths[] = {-1, 0, 1, 48, 0x7fffffff, int64_t(0x80000000)};
    auto was = detail::load_be<int32_t>(r.data() + off::batch_length);
    int64_t v = g.chance(3) ? int64_t(was) + (g.boolean() ? 1 : -1) : lengths[g.below(6)];
    detail::store_be<uint32_t>(r.data() + off::batch_length, uint32_t(v));
    return "batch_length " + std::to_string(was) + " -> " + std::to_string(int32_t(v));
  }
  // records-flip
  size_t end = first_batch_end(r);
  if (end <= off::attributes) end = r.size();
  size_t n = 1 + g.below(3);
  std::string detail = "flipped";
  for (size_t i = 0; i < n; ++i) {
    size_t at = off::attributes + g.below(end - off::attributes);
    r[at] ^= std::byte(1u << g.below(8));
    detail += " " + std::to_string(at);
  }
  return detail;
}

Bytes with_prefix_fixed(Bytes wire) {
  detail::store_be<uint32_t>(wire.data(), uint32_t(wire.size() - 4));
  return wire;
}

// Raw kinds work on the wire frame and know only where the size prefix and the
// correlation id are.
Mutation mutate_raw(std::string_view kind, ByteView payload, const ResponseContext& c,
                    RandomSource& g) {
  Mutation m;
  m.kind = std::string(kind);
  m.wire = size_prefixed(payload);
  Bytes& w = m.wire;
  if (kind == "raw-flip") {
    size_t n = 1 + g.below(4);
    m.detail = "bits flipped at";
    for (size_t i = 0; i < n && w.size() > 4; ++i) {
      size_t at = 4 + g.below(w.size() - 4);
      w[at] ^= std::byte(1u << g.below(8));
      m.detail += " " + std::to_string(at - 4);
    }
  } else if (kind == "raw-truncate") {
    size_t keep = g.below(payload.size());
    w.resize(4 + keep);
    w = with_prefix_fixed(std::move(w));
    m.detail = "payload " + std::to_string(payload.size()) + " -> " + std::to_string(keep);
  } else if (kind == "wrong-length") {
    static constexpr int64_t picks[] = {0, -1, 1, 3, 0x7fffffff, int64_t(0x80000000)};
    int64_t real = int64_t(payload.size());
    int64_t v = g.boolean() ? real + int64_t(g.below(9)) - 4 : picks[g.below(6)];
    if (v == real) v = real + 1;
    detail::store_be<uint32_t>(w.data(), uint32_t(v));
    m.detail = "size " + std::to_string(real) + " -> " + std::to_string(int32_t(v));
  } else {  // wrong-correlation-id
    int32_t picks[] = {plus(c.correlation_id, 1),           plus(c.correlation_id, -1), 0, -1,
                       std::numeric_limits<int32_t>::max(), int32_t(g.next())};
    int32_t v = picks[g.below(std::size(picks))];
    if (v == c.correlation_id) v = ~v;
    if (w.size() >= 8) detail::store_be<uint32_t>(w.data() + 4, uint32_t(v));
    m.detail = "correlation id " + std::to_string(c.correlation_id) + " -> " + std::to_string(v);
  }
  return m;
}

template <class T>
T* pick(std::vector<T*>& v, RandomSource& g) {
  return v[g.below(v.size())];
}

}  // namespace

std::span<const std::string_view> mutation_kinds() {
  return kKinds;
}

Bytes size_prefixed(ByteView payload) {
  Bytes w(4 + payload.size());
  detail::store_be<uint32_t>(w.data(), uint32_t(payload.size()));
  std::copy(payload.begin(), payload.end(), w.begin() + 4);
  return w;
}

Mutation ResponseMutator::mutate(const ResponseContext& c, ByteView payload,
                                 RandomSource& g) const {
  int16_t hv = response_header_version(c.api_key, c.api_version);
  Reader hr(payload);
  ResponseHeader header;
  bool header_ok = find_api(c.api_key) != nullptr && bool(header.decode(hr, hv));
  ByteView body = header_ok ? payload.subspan(hr.offset()) : ByteView{};
  bool refusal = false;
  std::optional<Mutation> structured;
  // Raw kinds need a correlation id to be there (4 bytes) for most of them; a payload that
  // short is forwarded as truncated.
  // A decodable ApiVersions answer that lies (a random body, flipped version numbers) holds
  // for the connection's lifetime in any client (Java's too): it is "api-versions-lie",
  // left out where a test needs clients to recover once the proxy calms down.
  bool versions = c.api_key == ApiVersionsResponse::api_key;
  std::vector<std::string_view> raw;
  for (std::string_view k : {"raw-flip", "raw-truncate", "wrong-length", "wrong-correlation-id"}) {
    bool lie = versions && k == "raw-flip";
    if (enabled(lie ? "api-versions-lie" : k) && !payload.empty()) raw.push_back(k);
  }

  if (header_ok) {
    visit_api(c.api_key, [&](auto api) {
      using Response = typename decltype(api)::Response;
      auto decoded = decode_message<Response>(body, c.api_version);
      if (!decoded) return;
      Response m = std::move(*decoded);
      Targets t = collect(m);
      refusal = t.has_refusal;
      std::vector<std::string_view> kinds;
      auto offer = [&](std::string_view k, bool applicable) {
        if (applicable && enabled(k)) kinds.push_back(k);
      };
      offer("error-code", !t.errors.empty());
      offer("throttle", !t.throttles.empty());
      offer("offset", !t.offsets.empty());
      offer("offset-lie", !t.offset_lies.empty());
      offer("leader-id", !t.leaders.empty());
      offer("partition-count", bool(t.resize) && !refusal);
      offer("random-body", !refusal && !versions);
      offer("api-versions-lie", versions);
      for (std::string_view k :
           {"records-truncate", "records-flip", "records-bad-crc", "records-bad-length"})
        offer(k, !t.records.empty());
      // Raw kinds are drawn as often as structured ones when both exist.
      size_t raw_count = refusal ? 0 : raw.size();
      if (kinds.empty()) return;
      size_t choice = g.below(kinds.size() + raw_count);
      if (choice >= kinds.size()) return;  // a raw kind, below
      std::string_view kind = kinds[choice];
      Mutation out;
      out.kind = std::string(kind);
      if (kind == "error-code") {
        int16_t* f = pick(t.errors, g);
        int16_t was = *f;
        *f = error_code(g);
        out.detail = "error_code " + std::to_string(was) + " -> " + std::to_string(*f);
      } else if (kind == "throttle") {
        int32_t* f = pick(t.throttles, g);
        *f = throttle_value(g);
        out.detail = "throttle_time_ms -> " + std::to_string(*f);
      } else if (kind == "offset" || kind == "offset-lie") {
        auto& list = kind == "offset" ? t.offsets : t.offset_lies;
        Named<int64_t> f = list[g.below(list.size())];
        int64_t was = *f.field;
        *f.field = offset_value(was, g);
        out.detail =
            std::string(f.name) + " " + std::to_string(was) + " -> " + std::to_string(*f.field);
      } else if (kind == "leader-id") {
        int32_t* f = pick(t.leaders, g);
        int32_t was = *f;
        *f = node_value(was, g);
        out.detail = "node id " + std::to_string(was) + " -> " + std::to_string(*f);
      } else if (kind == "partition-count") {
        out.detail = t.resize(g);
      } else if (kind == "random-body" || kind == "api-versions-lie") {
        m = Response{};
        m.randomize(g, c.api_version);
        out.detail = "random well-formed body";
      } else {
        Bytes* r = pick(t.records, g);
        out.detail = mutate_records(kind, *r, g);
      }
      try {
        Bytes wire;
        Writer w(wire);
        w.i32(0);
        header.encode(w, hv);
        m.encode(w, c.api_version);
        out.wire = with_prefix_fixed(std::move(wire));
        // A value drawn equal to the one there (an offset already 0) changes nothing; a raw
        // kind is used instead, so every action changes the response.
        if (out.wire != size_prefixed(payload)) structured = std::move(out);
      } catch (const std::exception&) {
        // A value the codec cannot write (a randomized string over its limit): fall back
        // to a raw kind.
      }
    });
  }
  if (structured) return std::move(*structured);
  // A Produce refusal gets only kinds that keep it a refusal or make it unreadable.
  if (refusal) std::erase(raw, std::string_view("raw-flip"));
  if (raw.empty()) return Mutation{"none", "no applicable mutation kind", size_prefixed(payload)};
  return mutate_raw(raw[g.below(raw.size())], payload, c, g);
}

}  // namespace kafkit::fuzz
