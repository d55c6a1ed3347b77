// libFuzzer target: fuzzed broker responses fed to the clients' real response handling, in
// a state set up beforehand. Input: [selector][version][param] then the response body
// (decoded with the generated codec at the version, folded into the API's range):
//
//   0 Fetch:    each partition's data through make_fetched_chunk (the fetcher's step) and
//               ChunkDecoder (what poll() hands the application), from a fetch offset of
//               param >> 2 (bit 0: read_committed, bit 1: verify CRCs).
//   1 Metadata: into a MetadataCache that already knows brokers, topics and epochs
//               (param bit 0: update_all), then the KIP-951 leader hints it carries.
//   2 Produce:  answers for batches in flight to topics a and b (param bit 0: idempotence,
//               bit 1: an older batch waits to be resent), through produce_answer_for
//               and decide_produce, as the Sender applies them; retried batches get the answer
//               again, up to three rounds.
//   3 Group:    a GroupMembership that found its coordinator and wants to join, then the
//               body is a script of [kind][version][uint16 length][bytes] steps: a
//               FindCoordinator / JoinGroup / SyncGroup / Heartbeat / LeaveGroup response,
//               a failed request, time passing, poll() or a subscription change.
//   4 OffsetFetch: committed_offsets_from (OffsetClient::committed's step) for partitions
//               of a and b (param bit 0: one asked twice), at v1-7 as the consumer asks.
//
// Checks beyond "no crash, no sanitizer report": records handed out lie in the fetched
// range [fetch offset, the offset the fetcher resumes at) in increasing order and decoding
// always ends; the cache names only known brokers as leaders; each batch completes at
// most once; committed offsets answer every partition asked, in order; the membership owns each
// partition at most once and never has more than one request to send at a time.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "../fuzz_check.hpp"
#include "client/cluster/metadata_cache.hpp"
#include "client/consumer/chunk_decoder.hpp"
#include "client/consumer/fetched_chunk.hpp"
#include "client/consumer/offset_client.hpp"
#include "client/group/builtin_assignors.hpp"
#include "client/group/group_membership.hpp"
#include "client/producer/produce_outcome.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/error_codes.hpp"
#include "protocol/messages/fetch.hpp"
#include "protocol/messages/metadata.hpp"
#include "protocol/messages/offset_fetch.hpp"
#include "protocol/messages/produce.hpp"

using namespace kafkit;
using namespace kafkit::client;
using protocol::ByteView;

namespace {

template <class M>
std::optional<M> decode(ByteView body, std::uint8_t version) {
  int span = M::max_version - M::min_version + 1;
  auto v = std::int16_t(M::min_version + version % span);
  auto m = protocol::decode_message<M>(body, v);
  if (!m) return std::nullopt;
  return std::move(*m);
}

// ---- Fetch ----

volatile unsigned char sink;

void touch(std::optional<std::string_view> text) {
  if (!text) return;
  unsigned char x = 0;
  for (char c : *text) x = static_cast<unsigned char>(x ^ static_cast<unsigned char>(c));
  sink = x;
}

void drain_chunk(std::shared_ptr<FetchedChunk> chunk, bool verify_crc, std::size_t batch) {
  std::int64_t end = chunk->next_fetch_offset;
  fuzz_check(next_fetch_offset(chunk->records) == end);
  fuzz_check(end > chunk->fetch_offset);
  ChunkDecoder decoder(chunk, verify_crc);
  std::vector<ConsumerRecord> out;
  std::vector<Error> errors;
  std::int64_t last = chunk->fetch_offset - 1;
  std::int64_t position = chunk->fetch_offset;
  for (std::size_t rounds = 0; !decoder.done(); ++rounds) {
    fuzz_check(rounds < 1000000);  // it never loops forever
    out.clear();
    std::size_t n = decoder.decode(batch, out, errors);
    fuzz_check(n == out.size() && n <= batch);
    // take_records relies on this: a decoder that hands out fewer than asked is done.
    if (n < batch) fuzz_check(decoder.done());
    for (const ConsumerRecord& r : out) {
      fuzz_check(r.offset > last && r.offset >= chunk->fetch_offset && r.offset < end);
      last = r.offset;
      // Touch every byte handed out: it must still be alive (ASan).
      touch(r.key);
      touch(r.value);
      for (const Header& h : r.headers) {
        touch(h.key);
        touch(h.value);
      }
    }
    fuzz_check(decoder.next_offset() >= position);
    position = decoder.next_offset();
  }
}

void fuzz_fetch(ByteView body, std::uint8_t version, std::uint8_t param) {
  auto r = decode<protocol::FetchResponse>(body, version);
  if (!r) return;
  std::int64_t fetch_offset = param >> 2;
  bool read_committed = param & 1;
  bool verify_crc = param & 2;
  std::size_t partitions = 0;
  for (auto& t : r->responses) {
    for (auto& pd : t.partitions) {
      if (++partitions > 16) return;
      auto chunk =
          make_fetched_chunk(t.topic, pd.partition_index, fetch_offset, read_committed, pd);
      if (!chunk) continue;
      fuzz_check(chunk->fetch_offset == fetch_offset && !chunk->records.empty());
      fuzz_check(std::is_sorted(chunk->aborted.begin(), chunk->aborted.end(),
                                [](const AbortedTxn& a, const AbortedTxn& b) {
                                  return a.first_offset < b.first_offset;
                                }));
      drain_chunk(std::move(chunk), verify_crc, 1 + partitions % 7);
    }
  }
}

// ---- Metadata ----

protocol::MetadataResponse known_cluster() {
  protocol::MetadataResponse r;
  for (std::int32_t id : {1, 2, 3}) {
    protocol::MetadataResponse::MetadataResponseBroker b;
    b.node_id = id;
    b.host = "broker" + std::to_string(id);
    b.port = 9092;
    r.brokers.push_back(b);
  }
  for (const char* name : {"a", "b"}) {
    protocol::MetadataResponse::MetadataResponseTopic t;
    t.name = name;
    for (std::int32_t p = 0; p < 3; ++p) {
      protocol::MetadataResponse::MetadataResponsePartition mp;
      mp.partition_index = p;
      mp.leader_id = 1 + p;
      mp.leader_epoch = 5;
      t.partitions.push_back(mp);
    }
    r.topics.push_back(t);
  }
  return r;
}

void check_cache(const MetadataCache& cache) {
  for (const auto& [name, t] : cache.topics()) {
    for (std::size_t p = 0; p < t.partitions.size(); ++p) {
      std::int32_t leader = cache.leader(name, std::int32_t(p));
      fuzz_check(leader == -1 || cache.broker(leader) != nullptr);
    }
  }
}

void fuzz_metadata(ByteView body, std::uint8_t version, std::uint8_t param) {
  auto r = decode<protocol::MetadataResponse>(body, version);
  if (!r) return;
  MetadataCache cache;
  cache.update(known_cluster());
  std::uint64_t before = cache.version();
  if (param & 1)
    cache.update_all(*r);
  else
    cache.update(*r);
  fuzz_check(cache.version() > before);
  check_cache(cache);
  // KIP-951 hints and NOT_LEADER invalidations with the values the response carries.
  for (const auto& t : r->topics) {
    if (!t.name) continue;
    for (const auto& p : t.partitions) {
      cache.update_leader(*t.name, p.partition_index, p.leader_id, p.leader_epoch);
      fuzz_check(cache.leader(*t.name, p.partition_index) == -1 ||
                 cache.broker(cache.leader(*t.name, p.partition_index)) != nullptr);
      if (p.error_code != 0) cache.invalidate_leader(*t.name, p.partition_index);
    }
  }
  check_cache(cache);
}

// ---- Produce ----

void fuzz_produce(ByteView body, std::uint8_t version, std::uint8_t param) {
  auto r = decode<protocol::ProduceResponse>(body, version);
  if (!r) return;
  bool idempotence = param & 1;
  bool behind_older = param & 2;
  MetadataCache cache;
  cache.update(known_cluster());
  struct Batch {
    std::string topic;
    std::int32_t partition;
    int completions = 0;
    bool in_flight = true;
  };
  std::vector<Batch> batches;
  for (const char* topic : {"a", "b"})
    for (std::int32_t p = 0; p < 3; ++p)
      if (param & (4 << (batches.size() % 6))) batches.push_back(Batch{topic, p});
  if (batches.empty()) batches.push_back(Batch{"a", 0});
  for (int round = 0; round < 3; ++round) {
    for (Batch& b : batches) {
      if (!b.in_flight) continue;
      b.in_flight = false;
      ProduceAnswer a = produce_answer_for(*r, b.topic, b.partition);
      if (a.new_leader >= 0) {
        cache.update_leader(b.topic, b.partition, a.new_leader, a.new_leader_epoch);
        std::int32_t leader = cache.leader(b.topic, b.partition);
        fuzz_check(leader == -1 || cache.broker(leader) != nullptr);
      }
      ProduceDecision d =
          decide_produce(a.error_code, a.transport_error, idempotence, behind_older);
      switch (d.verdict) {
        case ProduceVerdict::delivered:
          fuzz_check(a.error_code == 0 || d.duplicate);
          ++b.completions;
          break;
        case ProduceVerdict::failed:
          fuzz_check(a.error_code != 0 && !d.bump_epoch);
          ++b.completions;
          break;
        case ProduceVerdict::retry:
          fuzz_check(a.error_code != 0);
          b.in_flight = true;  // sent again, answered with the same response
          break;
      }
      fuzz_check(b.completions <= 1);
    }
  }
}

// ---- OffsetFetch ----

bool coordinator_retriable(int c) {
  using protocol::ErrorCode;
  return c == int(ErrorCode::NotCoordinator) || c == int(ErrorCode::CoordinatorNotAvailable) ||
         c == int(ErrorCode::CoordinatorLoadInProgress);
}

void fuzz_offset_fetch(ByteView body, std::uint8_t version, std::uint8_t param) {
  // The consumer asks with v1-7 (OffsetClient's kOffsetFetchVersions).
  auto r = decode<protocol::OffsetFetchResponse>(body, std::uint8_t(1 + version % 7));
  if (!r) return;
  std::vector<TopicPartition> asked{{"a", 0}, {"a", 1}, {"b", 0}};
  if (param & 1) asked.push_back({"a", 0});  // asked twice: answered twice, in order
  CommittedAnswer answer = committed_offsets_from(*r, asked, coordinator_retriable);
  if (answer.retry_code) {
    fuzz_check(answer.offsets.empty() && *answer.retry_code != 0);
    return;
  }
  fuzz_check(answer.offsets.size() == asked.size());
  for (std::size_t i = 0; i < asked.size(); ++i) {
    const TopicPartitionOffset& o = answer.offsets[i];
    fuzz_check(o.topic == asked[i].topic && o.partition == asked[i].partition);
    fuzz_check(o.offset >= 0 || o.offset == offsets::stored);
  }
}

// ---- Group membership ----

using Clock = GroupMembership::Clock;

void fuzz_group(ByteView body, std::uint8_t version, std::uint8_t param) {
  (void)version;
  GroupMembershipConfig config;
  config.group_id = "g";
  if (param & 1) {
    config.assignors.push_back(make_builtin_assignor("cooperative-sticky"));
  } else {
    config.assignors.push_back(make_builtin_assignor("range"));
    config.assignors.push_back(make_builtin_assignor("sticky"));
  }
  if (param & 2) config.group_instance_id = "static-1";
  GroupMembership m(std::move(config));
  auto now = Clock::time_point(std::chrono::hours(1));
  m.set_subscription({"a", "b"}, now);
  m.set_partition_counts({{"a", 3}, {"b", 2}}, now);

  auto step = [&] {
    int sent = 0;
    while (auto req = m.next_request(now)) {
      ++sent;
      fuzz_check(sent <= 1);  // one request at a time
    }
    for (const ConsumerEvent& e : m.take_events()) {
      if (e.type == ConsumerEvent::Type::partitions_revoked) m.revoke_done(e.partitions, now);
    }
    std::set<TopicPartition> owned(m.owned().begin(), m.owned().end());
    fuzz_check(owned.size() == m.owned().size());
    (void)m.next_wakeup(now);
  };
  step();
  {
    protocol::FindCoordinatorResponse found;
    found.node_id = 1;
    found.host = "broker1";
    found.port = 9092;
    protocol::FindCoordinatorResponse::Coordinator c;
    c.key = "g";
    c.node_id = 1;
    c.host = "broker1";
    c.port = 9092;
    found.coordinators.push_back(c);
    m.on_response(found, now);
  }
  step();
  for (int steps = 0; body.size() >= 4 && steps < 32; ++steps) {
    std::uint8_t kind = std::uint8_t(body[0]);
    std::uint8_t v = std::uint8_t(body[1]);
    std::size_t n = (std::size_t(body[2]) << 8) | std::size_t(body[3]);
    n = std::min(n, body.size() - 4);
    ByteView message = body.subspan(4, n);
    body = body.subspan(4 + n);
    switch (kind % 10) {
      case 0:
        if (auto r = decode<protocol::FindCoordinatorResponse>(message, v)) m.on_response(*r, now);
        break;
      case 1:
        if (auto r = decode<protocol::JoinGroupResponse>(message, v)) m.on_response(*r, now);
        break;
      case 2:
        if (auto r = decode<protocol::SyncGroupResponse>(message, v)) m.on_response(*r, now);
        break;
      case 3:
        if (auto r = decode<protocol::HeartbeatResponse>(message, v)) m.on_response(*r, now);
        break;
      case 4:
        if (auto r = decode<protocol::LeaveGroupResponse>(message, v)) m.on_response(*r, now);
        break;
      case 5:
        m.on_request_failed(now);
        break;
      case 6:
        now += std::chrono::milliseconds(std::int64_t(v) * 1000);
        break;
      case 7:
        m.on_poll(now);
        break;
      case 8:
        m.set_partition_counts({{"a", 1 + v % 4}, {"b", 2}}, now);
        break;
      default:
        if (v & 1)
          m.set_subscription(v & 2 ? std::vector<std::string>{"a"} : std::vector<std::string>{},
                             now);
        else
          m.close(now);
        break;
    }
    step();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3 || size > 262144) return 0;
  ByteView body(reinterpret_cast<const std::byte*>(data + 3), size - 3);
  switch (data[0] % 5) {
    case 0:
      fuzz_fetch(body, data[1], data[2]);
      break;
    case 1:
      fuzz_metadata(body, data[1], data[2]);
      break;
    case 2:
      fuzz_produce(body, data[1], data[2]);
      break;
    case 3:
      fuzz_group(body, data[1], data[2]);
      break;
    default:
      fuzz_offset_fetch(body, data[1], data[2]);
      break;
  }
  return 0;
}
