// libFuzzer target: the consumer protocol's bytes (JoinGroup subscriptions, SyncGroup
// assignments, every version) and the built-in assignors fed decoded fuzzed subscriptions.
// Input: a selector byte, then
//   0: subscription bytes   1: assignment bytes
//   2: an assignment round: [topic count byte][one partition-count byte per topic], then
//      each member's subscription bytes prefixed by a big-endian uint16 length.
// Checks: decode -> encode -> decode -> encode is stable at every version; every assignor's
// result is valid: only members of the group, each partition at most once, only existing
// partitions of topics the member subscribes to; the eager assignors assign every
// partition of every subscribed topic. Sizes are bounded so that a run stays fast.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "../fuzz_check.hpp"
#include "client/group/builtin_assignors.hpp"
#include "client/group/consumer_protocol.hpp"
#include "kafkit/assignor.hpp"

using namespace kafkit;
using namespace kafkit::client;
using kafkit::protocol::ByteView;

namespace {

constexpr std::size_t kMaxMembers = 12;
constexpr std::size_t kMaxTopics = 16;
constexpr std::size_t kMaxTopicsPerMember = 16;
constexpr std::size_t kMaxOwned = 64;
constexpr std::int32_t kMaxPartitions = 16;

void fuzz_subscription(ByteView in) {
  auto s = decode_subscription(in);
  if (!s) return;
  for (std::int16_t v = 0; v <= consumer_protocol_max_version; ++v) {
    auto once = encode_subscription(*s, v);
    auto again = decode_subscription(once);
    fuzz_check(again.ok());
    fuzz_check(encode_subscription(*again, v) == once);
    fuzz_check(again->topics == s->topics);
  }
}

void fuzz_assignment(ByteView in) {
  auto a = decode_assignment(in);
  if (!a) return;
  for (std::int16_t v = 0; v <= consumer_protocol_max_version; ++v) {
    auto once = encode_assignment(*a, v);
    auto again = decode_assignment(once);
    fuzz_check(again.ok());
    fuzz_check(encode_assignment(*again, v) == once);
  }
}

void check_assignment(const std::string& assignor, bool complete,
                      const std::map<std::string, std::int32_t>& counts,
                      const std::vector<GroupMemberSubscription>& members,
                      const std::map<std::string, GroupMemberAssignment>& result) {
  (void)assignor;
  std::set<TopicPartition> seen;
  for (const auto& entry : result) {
    const std::string& member = entry.first;
    const GroupMemberAssignment& assignment = entry.second;
    auto m = std::find_if(members.begin(), members.end(),
                          [&](const GroupMemberSubscription& x) { return x.member_id == member; });
    fuzz_check(m != members.end());
    for (const TopicPartition& tp : assignment.partitions) {
      auto c = counts.find(tp.topic);
      fuzz_check(c != counts.end() && tp.partition >= 0 && tp.partition < c->second);
      fuzz_check(std::find(m->topics.begin(), m->topics.end(), tp.topic) != m->topics.end());
      fuzz_check(seen.insert(tp).second);
    }
    // What the leader sends must decode to what it assigned.
    ConsumerAssignment wire{assignment.partitions, assignment.user_data};
    auto back = decode_assignment(encode_assignment(wire));
    fuzz_check(back.ok());
    fuzz_check(
        std::set<TopicPartition>(back->partitions.begin(), back->partitions.end()) ==
        std::set<TopicPartition>(assignment.partitions.begin(), assignment.partitions.end()));
  }
  if (!complete) return;
  for (const auto& [topic, count] : counts) {
    bool subscribed = false;
    for (const auto& m : members)
      subscribed =
          subscribed || std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
    if (!subscribed) continue;
    for (std::int32_t p = 0; p < count; ++p) fuzz_check(seen.count(TopicPartition{topic, p}) == 1);
  }
}

void fuzz_assignors(ByteView in) {
  if (in.size() < 1) return;
  std::size_t topic_bytes =
      std::min<std::size_t>(std::size_t(in[0]) % (kMaxTopics + 1), in.size() - 1);
  std::vector<std::uint8_t> count_bytes;
  for (std::size_t i = 0; i < topic_bytes; ++i) count_bytes.push_back(std::uint8_t(in[1 + i]));
  in = in.subspan(1 + topic_bytes);

  std::vector<GroupMemberSubscription> members;
  std::map<std::string, std::int32_t> counts;
  std::set<std::string> seen_topics;
  while (in.size() >= 2 && members.size() < kMaxMembers) {
    std::size_t n = (std::size_t(in[0]) << 8) | std::size_t(in[1]);
    n = std::min(n, in.size() - 2);
    auto s = decode_subscription(in.subspan(2, n));
    in = in.subspan(2 + n);
    if (!s) continue;
    GroupMemberSubscription m;
    std::size_t i = members.size();
    m.member_id = "member-" + std::to_string(i);
    if (i % 3 == 2) m.group_instance_id = "static-" + std::to_string(i);
    for (std::string& t : s->topics) {
      if (m.topics.size() == kMaxTopicsPerMember) break;
      if (!seen_topics.count(t)) {
        if (seen_topics.size() == kMaxTopics) continue;
        seen_topics.insert(t);
        // The i-th distinct topic takes the i-th count byte; 0x80 and up: it does not exist.
        std::size_t k = seen_topics.size() - 1;
        std::uint8_t b = k < count_bytes.size() ? count_bytes[k] : 1;
        if (b < 0x80) counts[t] = b % (kMaxPartitions + 1);
      }
      m.topics.push_back(std::move(t));
    }
    m.user_data = std::move(s->user_data);
    m.owned_partitions = std::move(s->owned_partitions);
    if (m.owned_partitions.size() > kMaxOwned) m.owned_partitions.resize(kMaxOwned);
    m.generation = s->generation_id;
    m.rack_id = std::move(s->rack_id);
    members.push_back(std::move(m));
  }
  if (members.empty()) return;

  for (const char* name : {"range", "roundrobin", "sticky", "cooperative-sticky"}) {
    std::unique_ptr<PartitionAssignor> assignor = make_builtin_assignor(name);
    fuzz_check(assignor != nullptr);
    auto result = assignor->assign(counts, members);
    bool eager = assignor->protocol() == RebalanceProtocol::eager;
    check_assignment(name, eager, counts, members, result);
    // Every member learns its part; sticky keeps it for its next subscription.
    for (const auto& [member, assignment] : result) {
      assignor->on_assignment(assignment, 1);
      (void)assignor->subscription_user_data({});
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  ByteView in(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0:
      fuzz_subscription(in);
      break;
    case 1:
      fuzz_assignment(in);
      break;
    default:
      fuzz_assignors(in);
      break;
  }
  return 0;
}
