// Writes the seed corpora of consumer-protocol-fuzzer and client-responses-fuzzer, cut from
// the golden librdkafka/kcat captures (tests/golden/data, MANIFEST.md there for the frame
// format) plus a few made with kafkit's own encoders:
//   group:  JoinGroup subscriptions and SyncGroup assignments (requests and responses),
//           every version of a made-up one, and assignment rounds over them;
//   client: Fetch / Metadata / Produce / OffsetFetch responses, and group scripts built from the
//           JoinGroup / SyncGroup / Heartbeat / LeaveGroup responses of the captures.
// Usage: make-client-seeds GROUP_CORPUS CLIENT_CORPUS GOLDEN_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "client/group/builtin_assignors.hpp"
#include "client/group/consumer_protocol.hpp"
#include "protocol/header.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/messages/fetch.hpp"
#include "protocol/messages/find_coordinator.hpp"
#include "protocol/messages/heartbeat.hpp"
#include "protocol/messages/join_group.hpp"
#include "protocol/messages/leave_group.hpp"
#include "protocol/messages/metadata.hpp"
#include "protocol/messages/offset_fetch.hpp"
#include "protocol/messages/produce.hpp"
#include "protocol/messages/sync_group.hpp"

using namespace kafkit;
using namespace kafkit::client;
using namespace kafkit::protocol;
namespace fs = std::filesystem;

namespace {

struct Frame {
  std::string file;  // capture name without .req.bin / .resp.bin
  int index = 0;
  bool response = false;
  int16_t key = 0;
  int16_t version = 0;
  Bytes body;  // after the header
};

Bytes slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string s{std::istreambuf_iterator<char>(in), {}};
  const auto* b = reinterpret_cast<const std::byte*>(s.data());
  return Bytes(b, b + s.size());
}

std::vector<ByteView> frames_of(const Bytes& stream) {
  std::vector<ByteView> out;
  Reader r(stream);
  while (r.remaining() >= 4) {
    int32_t size = r.i32("size");
    ByteView f = r.take(size_t(size), "frame");
    if (!r.ok()) break;
    out.push_back(f);
  }
  return out;
}

// Every request and response of every capture, responses matched to their request by
// correlation id.
std::vector<Frame> golden_frames(const fs::path& dir) {
  std::vector<Frame> out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().string().ends_with(".req.bin")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& req : files) {
    std::string name = req.filename().string();
    name.resize(name.size() - std::string(".req.bin").size());
    std::map<int32_t, std::pair<int16_t, int16_t>> by_correlation;
    int i = 0;
    Bytes requests = slurp(req);
    for (ByteView f : frames_of(requests)) {
      Reader peek(f);
      int16_t key = peek.i16("key");
      int16_t version = peek.i16("version");
      Reader r(f);
      RequestHeader h;
      if (!peek.ok() || find_api(key) == nullptr ||
          !h.decode(r, request_header_version(key, version)).ok())
        continue;
      by_correlation[h.correlation_id] = {key, version};
      ByteView body = f.subspan(r.offset());
      out.push_back(Frame{name, i++, false, key, version, Bytes(body.begin(), body.end())});
    }
    fs::path resp = dir / (name + ".resp.bin");
    if (!fs::exists(resp)) continue;
    i = 0;
    Bytes responses = slurp(resp);
    for (ByteView f : frames_of(responses)) {
      Reader peek(f);
      int32_t correlation = peek.i32("correlation");
      auto it = by_correlation.find(correlation);
      if (!peek.ok() || it == by_correlation.end()) continue;
      auto [key, version] = it->second;
      Reader r(f);
      ResponseHeader h;
      if (!h.decode(r, response_header_version(key, version)).ok()) continue;
      ByteView body = f.subspan(r.offset());
      out.push_back(Frame{name, i++, true, key, version, Bytes(body.begin(), body.end())});
    }
  }
  return out;
}

// Writes a seed unless the same bytes were written already (the captures repeat
// themselves) or `budget` (per kind of seed) is used up.
std::set<Bytes> written;
std::map<std::string, int> budgets;

void write(const fs::path& dir, const std::string& name, const std::vector<uint8_t>& head,
           ByteView body, int budget = 1000) {
  Bytes all;
  for (uint8_t b : head) all.push_back(std::byte(b));
  all.insert(all.end(), body.begin(), body.end());
  if (!written.insert(all).second) return;
  std::string kind = dir.string() + name.substr(0, name.find('-'));
  if (++budgets[kind] > budget) return;
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(head.data()), std::streamsize(head.size()));
  out.write(reinterpret_cast<const char*>(body.data()), std::streamsize(body.size()));
}

std::string stem(const Frame& f) {
  return f.file + "-" + std::to_string(f.index) + (f.response ? "-resp" : "-req");
}

// One step of a group script: [kind][version][uint16 length][bytes].
void script_step(Bytes& script, uint8_t kind, int16_t version, ByteView message) {
  script.push_back(std::byte(kind));
  script.push_back(std::byte(uint8_t(version)));
  script.push_back(std::byte(uint8_t(message.size() >> 8)));
  script.push_back(std::byte(uint8_t(message.size())));
  script.insert(script.end(), message.begin(), message.end());
}

ConsumerSubscription made_up_subscription(int i) {
  ConsumerSubscription s;
  s.topics = {"t0", "t1"};
  if (i % 2) s.topics.push_back("t2");
  s.owned_partitions = {{"t0", i % 3}, {"t1", 0}};
  s.generation_id = 3 + i;
  s.rack_id = "rack-" + std::to_string(i % 2);
  StickyAssignor sticky;
  sticky.on_assignment(GroupMemberAssignment{{{"t0", i}, {"t2", 1}}, {}}, 2);
  s.user_data = sticky.subscription_user_data(s.topics);
  return s;
}

void group_seeds(const fs::path& out, const std::vector<Frame>& golden) {
  fs::create_directories(out);
  std::vector<Bytes> subscriptions;
  int n = 0;
  for (const Frame& f : golden) {
    if (f.key == JoinGroupRequest::api_key && !f.response) {
      auto r = decode_message<JoinGroupRequest>(f.body, f.version);
      if (!r) continue;
      for (const auto& p : r->protocols) {
        write(out, stem(f) + "-" + p.name, {0}, p.metadata);
        subscriptions.push_back(p.metadata);
      }
    } else if (f.key == JoinGroupResponse::api_key && f.response) {
      auto r = decode_message<JoinGroupResponse>(f.body, f.version);
      if (!r) continue;
      for (const auto& m : r->members) {
        write(out, stem(f) + "-member-" + std::to_string(n++), {0}, m.metadata);
        subscriptions.push_back(m.metadata);
      }
    } else if (f.key == SyncGroupRequest::api_key && !f.response) {
      auto r = decode_message<SyncGroupRequest>(f.body, f.version);
      if (!r) continue;
      for (const auto& a : r->assignments)
        write(out, stem(f) + "-assignment-" + std::to_string(n++), {1}, a.assignment);
    } else if (f.key == SyncGroupResponse::api_key && f.response) {
      auto r = decode_message<SyncGroupResponse>(f.body, f.version);
      if (r) write(out, stem(f), {1}, r->assignment);
    }
  }
  for (int16_t v = 0; v <= consumer_protocol_max_version; ++v) {
    ConsumerSubscription s = made_up_subscription(v);
    Bytes sb = encode_subscription(s, v);
    write(out, "made-subscription-v" + std::to_string(v), {0}, sb);
    subscriptions.push_back(sb);
    ConsumerAssignment a{{{"t0", 0}, {"t1", 2}, {"t0", 1}}, "user"};
    write(out, "made-assignment-v" + std::to_string(v), {1}, encode_assignment(a, v));
  }
  // Assignment rounds: 3 topics with 4, 2 and 7 partitions, then the members.
  auto round = [&](const std::string& name, const std::vector<Bytes>& members) {
    Bytes body;
    for (uint8_t b : {3, 4, 2, 7}) body.push_back(std::byte(b));
    for (const Bytes& m : members) {
      body.push_back(std::byte(uint8_t(m.size() >> 8)));
      body.push_back(std::byte(uint8_t(m.size())));
      body.insert(body.end(), m.begin(), m.end());
    }
    write(out, name, {2}, body);
  };
  round("round-golden", subscriptions);
  std::vector<Bytes> made;
  for (int i = 0; i < 5; ++i) made.push_back(encode_subscription(made_up_subscription(i), 3));
  round("round-made", made);
  round("round-made-v0", {encode_subscription(made_up_subscription(1), 0),
                          encode_subscription(made_up_subscription(2), 1)});
}

void client_seeds(const fs::path& out, const std::vector<Frame>& golden) {
  fs::create_directories(out);
  Bytes script;
  std::string script_file;
  int fetches = 0;
  auto flush_script = [&] {
    if (!script.empty()) write(out, "group-" + script_file, {3, 0, 0}, script);
    script.clear();
  };
  for (const Frame& f : golden) {
    if (!f.response) continue;
    auto v = uint8_t(f.version);
    if (f.key == FetchResponse::api_key) {
      // Every fourth Fetch (they repeat), from offset 0 and from 5 with read_committed and
      // CRC checks.
      if (fetches++ % 2 != 0) continue;
      write(out, "fetch-" + stem(f), {0, v, 0}, f.body, 16);
      write(out, "fetch-" + stem(f) + "-rc-crc", {0, v, (5 << 2) | 3}, f.body, 16);
    } else if (f.key == MetadataResponse::api_key) {
      write(out, "metadata-" + stem(f), {1, v, uint8_t(f.index & 1)}, f.body, 10);
    } else if (f.key == OffsetFetchResponse::api_key && f.version >= 1 && f.version <= 7) {
      write(out, "offsetfetch-" + stem(f), {4, uint8_t(f.version - 1), 0}, f.body, 10);
    } else if (f.key == ProduceResponse::api_key) {
      write(out, "produce-" + stem(f), {2, v, 0xff}, f.body, 10);
    } else {
      uint8_t kind = f.key == FindCoordinatorResponse::api_key ? 0
                     : f.key == JoinGroupResponse::api_key     ? 1
                     : f.key == SyncGroupResponse::api_key     ? 2
                     : f.key == HeartbeatResponse::api_key     ? 3
                     : f.key == LeaveGroupResponse::api_key    ? 4
                                                               : 255;
      if (kind == 255) continue;
      if (script_file != f.file) flush_script();
      script_file = f.file;
      script_step(script, kind, f.version, f.body);
      if (kind == 2 || kind == 3) script_step(script, 6, 3, {});  // 3 s pass: a heartbeat
    }
  }
  flush_script();

  // A made-up rebalance where this member leads: JoinGroup (leader), SyncGroup with an
  // assignment, a heartbeat, REBALANCE_IN_PROGRESS, the next generation, LeaveGroup.
  JoinGroupResponse join;
  join.generation_id = 1;
  join.protocol_type = "consumer";
  join.protocol_name = "range";
  join.leader = "member-1";
  join.member_id = "member-1";
  for (int i = 0; i < 2; ++i) {
    JoinGroupResponse::JoinGroupResponseMember m;
    m.member_id = "member-" + std::to_string(i + 1);
    ConsumerSubscription s;
    s.topics = {"a", "b"};
    m.metadata = encode_subscription(s, 1);
    join.members.push_back(m);
  }
  SyncGroupResponse sync;
  sync.protocol_type = "consumer";
  sync.protocol_name = "range";
  sync.assignment = encode_assignment(ConsumerAssignment{{{"a", 0}, {"a", 1}, {"b", 0}}, {}}, 1);
  HeartbeatResponse ok, rebalance;
  rebalance.error_code = 27;
  LeaveGroupResponse leave;
  for (int16_t jv : {int16_t(5), int16_t(9)}) {
    int16_t sv = jv == 5 ? 3 : 5, hv = jv == 5 ? 3 : 4;
    Bytes s;
    script_step(s, 1, jv, encode_message(join, jv));
    script_step(s, 2, sv, encode_message(sync, sv));
    script_step(s, 6, 3, {});  // a heartbeat is due and sent
    script_step(s, 3, hv, encode_message(ok, hv));
    script_step(s, 6, 3, {});
    script_step(s, 3, hv, encode_message(rebalance, hv));
    script_step(s, 1, jv, encode_message(join, jv));
    script_step(s, 2, sv, encode_message(sync, sv));
    script_step(s, 9, 0, {});  // close
    script_step(s, 4, 3, encode_message(leave, 3));
    write(out, "group-made-join-v" + std::to_string(jv), {3, 0, 0}, s);
    write(out, "group-made-join-v" + std::to_string(jv) + "-cooperative", {3, 0, 1}, s);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  std::vector<Frame> golden = golden_frames(argv[3]);
  if (golden.empty()) return 1;
  group_seeds(argv[1], golden);
  client_seeds(argv[2], golden);
  return 0;
}
