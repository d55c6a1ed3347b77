// Committed offsets in the reference broker over real sockets: OffsetCommit / OffsetFetch
// at the versions clients use, all-topics fetches, Kafka's per-partition and group-level
// errors, OffsetDelete, NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE on a 3-node cluster,
// and offsets that survive a clean restart, a topic deletion (they do not), and kill -9 of
// a kafkit-broker process.
#include <algorithm>
#include <limits>
#include <random>
#include <thread>

#include "broker/cluster_state.hpp"
#include "broker_fixture.hpp"
#include "broker_process.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/create_topics.hpp"
#include "protocol/messages/delete_topics.hpp"
#include "protocol/messages/find_coordinator.hpp"
#include "protocol/messages/metadata.hpp"
#include "protocol/messages/offset_commit.hpp"
#include "protocol/messages/offset_delete.hpp"
#include "protocol/messages/offset_fetch.hpp"

namespace kafkit::broker::test {
namespace {

using protocol::OffsetCommitRequest;
using protocol::OffsetCommitResponse;
using protocol::OffsetDeleteRequest;
using protocol::OffsetDeleteResponse;
using protocol::OffsetFetchRequest;
using protocol::OffsetFetchResponse;

constexpr int16_t kNone = 0, kOffsetMetadataTooLarge = 12, kUnknownTopic = 3,
                  kCoordinatorNotAvailable = 15, kNotCoordinator = 16, kIllegalGeneration = 22,
                  kInvalidGroupId = 24, kUnknownMemberId = 25, kGroupIdNotFound = 69;

void create_topic(TestClient& c, const std::string& name, int32_t partitions) {
  protocol::CreateTopicsRequest req;
  protocol::CreateTopicsRequest::CreatableTopic t;
  t.name = name;
  t.num_partitions = partitions;
  t.replication_factor = 1;
  req.topics.push_back(t);
  req.timeout_ms = 10000;
  auto r = c.call<protocol::CreateTopicsResponse>(req, 7);
  REQUIRE(r.topics.size() == 1);
  REQUIRE(r.topics[0].error_code == kNone);
}

struct Commit {
  std::string topic;
  int32_t partition;
  int64_t offset;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata = std::string();
};

OffsetCommitRequest commit_request(const std::string& group, const std::vector<Commit>& commits,
                                   int32_t generation = -1, const std::string& member = "") {
  OffsetCommitRequest req;
  req.group_id = group;
  req.generation_id_or_member_epoch = generation;
  req.member_id = member;
  for (const Commit& c : commits) {
    auto it = std::find_if(req.topics.begin(), req.topics.end(),
                           [&](const auto& t) { return t.name == c.topic; });
    if (it == req.topics.end()) {
      req.topics.emplace_back();
      req.topics.back().name = c.topic;
      it = req.topics.end() - 1;
    }
    OffsetCommitRequest::OffsetCommitRequestPartition p;
    p.partition_index = c.partition;
    p.committed_offset = c.offset;
    p.committed_leader_epoch = c.leader_epoch;
    p.committed_metadata = c.metadata;
    it->partitions.push_back(p);
  }
  return req;
}

// Error of every partition, in request order, as "topic/partition=error".
std::vector<std::string> commit_errors(const OffsetCommitResponse& r) {
  std::vector<std::string> out;
  for (const auto& t : r.topics)
    for (const auto& p : t.partitions)
      out.push_back(t.name + "/" + std::to_string(p.partition_index) + "=" +
                    std::to_string(p.error_code));
  return out;
}

std::vector<std::string> commit(TestClient& c, const std::string& group,
                                const std::vector<Commit>& commits, int16_t version = 8,
                                int32_t generation = -1, const std::string& member = "") {
  return commit_errors(
      c.call<OffsetCommitResponse>(commit_request(group, commits, generation, member), version));
}

// What OffsetFetch answers for one partition, whatever the version's layout.
struct Fetched {
  int64_t offset = -2;
  int32_t leader_epoch = -2;
  std::optional<std::string> metadata;
  int16_t error = -2;
  bool operator==(const Fetched&) const = default;
};
using FetchedMap = std::map<std::pair<std::string, int32_t>, Fetched>;

struct FetchResult {
  int16_t error = 0;  // top-level (v2-7) or the group's (v8+)
  FetchedMap partitions;
};

// `topics` nullopt = all topics (v2+).
FetchResult fetch(TestClient& c, const std::string& group,
                  std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>> topics,
                  int16_t version = 7) {
  OffsetFetchRequest req;
  FetchResult out;
  if (version >= 8) {
    OffsetFetchRequest::OffsetFetchRequestGroup g;
    g.group_id = group;
    if (topics) {
      g.topics.emplace();
      for (auto& [name, parts] : *topics) g.topics->push_back({name, {}, parts, {}});
    } else {
      g.topics = std::nullopt;
    }
    req.groups.push_back(g);
    auto r = c.call<OffsetFetchResponse>(req, version);
    REQUIRE(r.groups.size() == 1);
    CHECK(r.groups[0].group_id == group);
    out.error = r.groups[0].error_code;
    for (const auto& t : r.groups[0].topics)
      for (const auto& p : t.partitions)
        out.partitions[{t.name, p.partition_index}] = {p.committed_offset, p.committed_leader_epoch,
                                                       p.metadata, p.error_code};
    return out;
  }
  req.group_id = group;
  if (topics) {
    req.topics.emplace();
    for (auto& [name, parts] : *topics) req.topics->push_back({name, parts, {}});
  } else {
    req.topics = std::nullopt;
  }
  auto r = c.call<OffsetFetchResponse>(req, version);
  out.error = r.error_code;
  for (const auto& t : r.topics)
    for (const auto& p : t.partitions)
      out.partitions[{t.name, p.partition_index}] = {p.committed_offset, p.committed_leader_epoch,
                                                     p.metadata, p.error_code};
  return out;
}

Fetched fetch_one(TestClient& c, const std::string& group, const std::string& topic,
                  int32_t partition, int16_t version = 7) {
  FetchResult r = fetch(c, group, {{{topic, {partition}}}}, version);
  REQUIRE(r.error == kNone);
  REQUIRE(r.partitions.size() == 1);
  return r.partitions.begin()->second;
}

OffsetDeleteResponse delete_offsets(TestClient& c, const std::string& group,
                                    const std::vector<std::pair<std::string, int32_t>>& parts) {
  OffsetDeleteRequest req;
  req.group_id = group;
  for (const auto& tp : parts) {
    // Named copies: clang 14 cannot capture structured bindings.
    const std::string& topic = tp.first;
    int32_t partition = tp.second;
    auto it = std::find_if(req.topics.begin(), req.topics.end(),
                           [&](const auto& t) { return t.name == topic; });
    if (it == req.topics.end()) {
      req.topics.emplace_back();
      req.topics.back().name = topic;
      it = req.topics.end() - 1;
    }
    it->partitions.push_back({partition, {}});
  }
  return c.call<OffsetDeleteResponse>(req, 0);
}

TEST_CASE("ApiVersions advertises OffsetCommit 2-9, OffsetFetch 1-9 and OffsetDelete 0") {
  RunningBroker b;
  TestClient c(b.port());
  auto r = c.call<protocol::ApiVersionsResponse>(protocol::ApiVersionsRequest{}, 3);
  std::map<int16_t, std::pair<int16_t, int16_t>> ranges;
  for (const auto& k : r.api_keys) ranges[k.api_key] = {k.min_version, k.max_version};
  CHECK(ranges[8] == std::pair<int16_t, int16_t>{2, 9});
  CHECK(ranges[9] == std::pair<int16_t, int16_t>{1, 9});
  CHECK(ranges[47] == std::pair<int16_t, int16_t>{0, 0});
}

TEST_CASE("the offsets properties are validated and default as in Kafka") {
  BrokerConfig defaults;
  CHECK(defaults.offsets_retention_ms == 10080LL * 60 * 1000);
  CHECK(defaults.offsets_retention_check_interval_ms == 600000);
  CHECK(defaults.offset_metadata_max_bytes == 4096);
  auto ok = BrokerConfig::from_properties(Properties{{"offsets.retention.minutes", "60"},
                                                     {"offsets.retention.check.interval.ms", "5"},
                                                     {"offset.metadata.max.bytes", "0"}});
  REQUIRE(ok.ok());
  CHECK(ok->offsets_retention_ms == 3600000);
  CHECK(ok->offsets_retention_check_interval_ms == 5);
  CHECK(ok->offset_metadata_max_bytes == 0);
  for (const char* key : {"offsets.retention.minutes", "offsets.retention.check.interval.ms",
                          "offset.metadata.max.bytes"}) {
    std::string k = key;
    CAPTURE(k);
    auto bad = BrokerConfig::from_properties(Properties{{k, "-1"}});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find(k) != std::string::npos);
  }
}

TEST_CASE("offsets committed at each version are fetched back at each version") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "orders", 3);
  for (int16_t cv : {2, 3, 5, 6, 7, 8, 9}) {
    CAPTURE(cv);
    std::string group = "g-v" + std::to_string(cv);
    auto errors = commit(c, group,
                         {{"orders", 0, 100 + cv, 7, std::string("m") + std::to_string(cv)},
                          {"orders", 2, 200, -1, std::nullopt}},
                         cv);
    CHECK(errors == std::vector<std::string>{"orders/0=0", "orders/2=0"});
    for (int16_t fv : {1, 2, 4, 5, 6, 7, 8, 9}) {
      CAPTURE(fv);
      FetchResult r = fetch(c, group, {{{"orders", {0, 1, 2}}}}, fv);
      CHECK(r.error == kNone);
      REQUIRE(r.partitions.size() == 3);
      // The leader epoch is stored from v6 and shown from v5.
      int32_t epoch = (cv >= 6 && fv >= 5) ? 7 : -1;
      CHECK(r.partitions[{"orders", 0}] ==
            Fetched{100 + cv, epoch, "m" + std::to_string(cv), kNone});
      // Nothing committed: offset -1, empty metadata, no error.
      CHECK(r.partitions[{"orders", 1}] == Fetched{-1, -1, std::string(), kNone});
      // Null metadata is stored as "".
      CHECK(r.partitions[{"orders", 2}] == Fetched{200, -1, std::string(), kNone});
    }
  }
  // A later commit replaces the earlier one.
  commit(c, "g-v8", {{"orders", 0, 5000, 9, std::string("again")}});
  CHECK(fetch_one(c, "g-v8", "orders", 0, 8) == Fetched{5000, 9, std::string("again"), kNone});
}

TEST_CASE("null topics fetch every committed offset of the group") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "a", 2);
  create_topic(c, "b", 1);
  REQUIRE(commit(c, "all", {{"a", 0, 1}, {"a", 1, 2}, {"b", 0, 3}}).size() == 3);
  commit(c, "other", {{"a", 0, 99}});
  for (int16_t v : {2, 7, 8, 9}) {
    CAPTURE(v);
    FetchResult r = fetch(c, "all", std::nullopt, v);
    CHECK(r.error == kNone);
    REQUIRE(r.partitions.size() == 3);
    CHECK(r.partitions[{"a", 0}].offset == 1);
    CHECK(r.partitions[{"a", 1}].offset == 2);
    CHECK(r.partitions[{"b", 0}].offset == 3);
    // A group without offsets: an empty list, no error.
    FetchResult none = fetch(c, "nobody", std::nullopt, v);
    CHECK(none.error == kNone);
    CHECK(none.partitions.empty());
  }
  // v8 batches groups, each answered on its own.
  OffsetFetchRequest req;
  req.groups.push_back({"all", std::nullopt, -1, std::nullopt, {}});
  req.groups.push_back(
      {"other",
       std::nullopt,
       -1,
       std::vector<OffsetFetchRequest::OffsetFetchRequestTopics>{{"a", {}, {0}, {}}},
       {}});
  auto r = c.call<OffsetFetchResponse>(req, 8);
  REQUIRE(r.groups.size() == 2);
  CHECK(r.groups[0].group_id == "all");
  CHECK(r.groups[0].topics.size() == 2);
  CHECK(r.groups[1].group_id == "other");
  REQUIRE(r.groups[1].topics.size() == 1);
  CHECK(r.groups[1].topics[0].partitions.at(0).committed_offset == 99);
}

TEST_CASE("per-partition errors: metadata too large, unknown topic or partition") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "t", 2);
  std::string big(4097, 'x');
  std::string fits(4096, 'y');
  auto errors = commit(
      c, "g", {{"t", 0, 10, -1, big}, {"t", 1, 11, -1, fits}, {"t", 2, 12}, {"missing", 0, 13}});
  CHECK(errors == std::vector<std::string>{"t/0=" + std::to_string(kOffsetMetadataTooLarge),
                                           "t/1=0", "t/2=" + std::to_string(kUnknownTopic),
                                           "missing/0=" + std::to_string(kUnknownTopic)});
  CHECK(fetch_one(c, "g", "t", 0).offset == -1);
  CHECK(fetch_one(c, "g", "t", 1) == Fetched{11, -1, fits, kNone});
  // OffsetFetch does not check topics: an unknown one has no offset.
  CHECK(fetch_one(c, "g", "missing", 0) == Fetched{-1, -1, std::string(), kNone});

  // offset.metadata.max.bytes is configurable.
  b.restart(Properties{{"offset.metadata.max.bytes", "3"}});
  TestClient c2(b.port());
  CHECK(commit(c2, "g", {{"t", 0, 1, -1, std::string("abcd")}}) ==
        std::vector<std::string>{"t/0=" + std::to_string(kOffsetMetadataTooLarge)});
  CHECK(commit(c2, "g", {{"t", 0, 1, -1, std::string("abc")}}) ==
        std::vector<std::string>{"t/0=0"});
}

TEST_CASE("commits with a generation are refused for groups without members, as Kafka does") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "t", 1);
  const std::string e22 = "t/0=" + std::to_string(kIllegalGeneration);
  const std::string e69 = "t/0=" + std::to_string(kGroupIdNotFound);
  const std::string e25 = "t/0=" + std::to_string(kUnknownMemberId);
  // A group that does not exist: ILLEGAL_GENERATION before v9, GROUP_ID_NOT_FOUND from v9.
  CHECK(commit(c, "fresh", {{"t", 0, 1}}, 8, 3, "member-1") == std::vector<std::string>{e22});
  CHECK(commit(c, "fresh", {{"t", 0, 1}}, 9, 3, "member-1") == std::vector<std::string>{e69});
  // Generation -1 creates it (a "simple" group), even with a member id.
  CHECK(commit(c, "fresh", {{"t", 0, 1}}, 9, -1, "member-1") == std::vector<std::string>{"t/0=0"});
  // Now it exists and has no such member.
  CHECK(commit(c, "fresh", {{"t", 0, 2}}, 8, 3, "member-1") == std::vector<std::string>{e25});
  CHECK(commit(c, "fresh", {{"t", 0, 2}}, 9, 3, "member-1") == std::vector<std::string>{e25});
  CHECK(fetch_one(c, "fresh", "t", 0).offset == 1);
  // An empty group id is accepted by OffsetCommit and OffsetFetch (Kafka keeps it for
  // backwards compatibility).
  CHECK(commit(c, "", {{"t", 0, 77}}) == std::vector<std::string>{"t/0=0"});
  CHECK(fetch_one(c, "", "t", 0).offset == 77);
}

TEST_CASE("OffsetDelete removes offsets and answers Kafka's errors") {
  RunningBroker b;
  TestClient c(b.port());
  create_topic(c, "t", 3);
  commit(c, "g", {{"t", 0, 1}, {"t", 1, 2}, {"t", 2, 3}});

  auto r = delete_offsets(c, "g", {{"t", 0}, {"t", 2}, {"t", 9}, {"nope", 0}});
  CHECK(r.error_code == kNone);
  REQUIRE(r.topics.size() == 2);
  REQUIRE(r.topics[0].partitions.size() == 3);
  CHECK(r.topics[0].partitions[0].error_code == kNone);
  CHECK(r.topics[0].partitions[1].error_code == kNone);
  CHECK(r.topics[0].partitions[2].error_code == kUnknownTopic);
  CHECK(r.topics[1].partitions.at(0).error_code == kUnknownTopic);
  FetchResult left = fetch(c, "g", std::nullopt);
  REQUIRE(left.partitions.size() == 1);
  CHECK(left.partitions.begin()->first == std::pair<std::string, int32_t>{"t", 1});

  CHECK(delete_offsets(c, "unknown-group", {{"t", 0}}).error_code == kGroupIdNotFound);
  auto empty_id = delete_offsets(c, "", {{"t", 0}});
  CHECK(empty_id.error_code == kInvalidGroupId);
  CHECK(empty_id.topics.empty());
  // Deleting what is not committed is no error.
  CHECK(delete_offsets(c, "g", {{"t", 0}}).topics.at(0).partitions.at(0).error_code == kNone);
  // Deleting the last offset leaves a group that no longer exists.
  CHECK(delete_offsets(c, "g", {{"t", 1}}).error_code == kNone);
  CHECK(delete_offsets(c, "g", {{"t", 1}}).error_code == kGroupIdNotFound);
}

TEST_CASE("offsets survive a clean restart and are dropped with their topic") {
  RunningBroker b;
  {
    TestClient c(b.port());
    create_topic(c, "kept", 2);
    create_topic(c, "dropped", 1);
    commit(c, "g", {{"kept", 0, 10, 3, std::string("meta")}, {"kept", 1, 11}, {"dropped", 0, 5}});
    commit(c, "h", {{"dropped", 0, 6}});
  }
  b.restart();
  TestClient c(b.port());
  CHECK(fetch_one(c, "g", "kept", 0) == Fetched{10, 3, std::string("meta"), kNone});
  CHECK(fetch_one(c, "g", "kept", 1).offset == 11);
  CHECK(fetch_one(c, "h", "dropped", 0).offset == 6);

  protocol::DeleteTopicsRequest del;
  del.topic_names = {"dropped"};
  del.timeout_ms = 10000;
  auto dr = c.call<protocol::DeleteTopicsResponse>(del, 4);
  REQUIRE(dr.responses.at(0).error_code == kNone);
  // Recreated, the topic starts without committed offsets.
  create_topic(c, "dropped", 1);
  CHECK(fetch_one(c, "g", "dropped", 0).offset == -1);
  CHECK(fetch(c, "h", std::nullopt).partitions.empty());
  b.restart();
  TestClient c2(b.port());
  CHECK(fetch(c2, "g", std::nullopt).partitions.size() == 2);
  CHECK(fetch(c2, "h", std::nullopt).partitions.empty());

  // The group log is not a topic.
  protocol::MetadataRequest md;
  md.topics = std::nullopt;
  auto m = c2.call<protocol::MetadataResponse>(md, 9);
  std::vector<std::string> names;
  for (const auto& t : m.topics) names.push_back(*t.name);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"dropped", "kept"});
}

TEST_CASE("an explicit retention (OffsetCommit v2-4) expires offsets on the broker's timer") {
  RunningBroker b(Properties{{"offsets.retention.check.interval.ms", "50"},
                             {"offsets.retention.minutes", "1440"}});
  TestClient c(b.port());
  create_topic(c, "t", 2);
  auto short_lived = commit_request("g", {{"t", 0, 5}});
  short_lived.retention_time_ms = 200;
  REQUIRE(commit_errors(c.call<OffsetCommitResponse>(short_lived, 2)) ==
          std::vector<std::string>{"t/0=0"});
  // v5+ has no retention field: the broker's offsets.retention.minutes applies.
  commit(c, "g", {{"t", 1, 6}}, 5);
  CHECK(fetch_one(c, "g", "t", 0).offset == 5);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fetch_one(c, "g", "t", 0).offset != -1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(fetch_one(c, "g", "t", 0).offset == -1);
  CHECK(fetch_one(c, "g", "t", 1).offset == 6);
}

TEST_CASE("an explicit retention at the int64 edges neither overflows nor expires at once") {
  // Found by kafkit-fuzz under UBSan: now + INT64_MAX overflowed.
  RunningBroker b(Properties{{"offsets.retention.check.interval.ms", "50"}});
  TestClient c(b.port());
  create_topic(c, "t", 2);
  auto forever = commit_request("g", {{"t", 0, 7}});
  forever.retention_time_ms = std::numeric_limits<int64_t>::max();
  REQUIRE(commit_errors(c.call<OffsetCommitResponse>(forever, 2)) ==
          std::vector<std::string>{"t/0=0"});
  auto past = commit_request("g", {{"t", 1, 8}});
  past.retention_time_ms = std::numeric_limits<int64_t>::min();
  REQUIRE(commit_errors(c.call<OffsetCommitResponse>(past, 2)) ==
          std::vector<std::string>{"t/1=0"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(fetch_one(c, "g", "t", 0).offset == 7);
}

TEST_CASE("group requests to a node that does not coordinate the group") {
  RunningBroker b(Properties{}, 3);
  std::vector<int32_t> ids = b.cluster->node_ids();
  TestClient first(b.port(0));
  create_topic(first, "t", 1);
  const std::string group = "routed-group";
  protocol::FindCoordinatorRequest fc;
  fc.key = group;
  auto found = first.call<protocol::FindCoordinatorResponse>(fc, 3);
  REQUIRE(found.error_code == kNone);
  size_t coordinator = static_cast<size_t>(found.node_id - ids.front());
  size_t other = (coordinator + 1) % 3;

  TestClient right(b.port(coordinator));
  TestClient wrong(b.port(other));
  CHECK(commit(right, group, {{"t", 0, 42}}) == std::vector<std::string>{"t/0=0"});
  const std::string e16 = "t/0=" + std::to_string(kNotCoordinator);
  CHECK(commit(wrong, group, {{"t", 0, 43}}) == std::vector<std::string>{e16});
  // Unknown partitions are answered before the coordinator is looked at, as KafkaApis does.
  CHECK(commit(wrong, group, {{"t", 5, 43}}) ==
        std::vector<std::string>{"t/5=" + std::to_string(kUnknownTopic)});
  CHECK(fetch(wrong, group, {{{"t", {0}}}}, 7).error == kNotCoordinator);
  CHECK(fetch(wrong, group, {{{"t", {0}}}}, 8).error == kNotCoordinator);
  // v1 has no top-level error: every partition carries it.
  FetchResult v1 = fetch(wrong, group, {{{"t", {0}}}}, 1);
  CHECK(v1.partitions[{"t", 0}] == Fetched{-1, -1, std::string(), kNotCoordinator});
  CHECK(delete_offsets(wrong, group, {{"t", 0}}).error_code == kNotCoordinator);
  CHECK(fetch_one(right, group, "t", 0).offset == 42);

  // With the coordinator down, the others answer COORDINATOR_NOT_AVAILABLE.
  REQUIRE(b.cluster->stop_node(found.node_id).ok());
  CHECK(commit(wrong, group, {{"t", 0, 44}}) ==
        std::vector<std::string>{"t/0=" + std::to_string(kCoordinatorNotAvailable)});
  CHECK(fetch(wrong, group, {{{"t", {0}}}}, 8).error == kCoordinatorNotAvailable);
}

TEST_CASE("offsets committed before kill -9 of kafkit-broker are there after the restart") {
  TempDir dir;
  BrokerProcess broker(dir.path.string());
  std::mt19937 rng(20261126);
  int64_t last_acked = -1;
  int64_t next = 0;
  for (int round = 0; round < 4; ++round) {
    broker.start();
    TestClient c(broker.port(), 3000);
    if (round == 0) create_topic(c, "crash", 4);
    // What was acknowledged before the last kill is there.
    if (last_acked >= 0) {
      FetchResult r = fetch(c, "crash-group", std::nullopt, 7);
      REQUIRE(r.partitions.size() == 4);
      for (const auto& entry : r.partitions) {
        // A commit sent but not answered may or may not have been stored.
        CHECK(entry.second.offset >= last_acked);
        CHECK(entry.second.offset <= next);
        CHECK(entry.second.metadata == "o" + std::to_string(entry.second.offset));
      }
    }
    int delay_ms = std::uniform_int_distribution<int>(50, 250)(rng);
    std::thread killer([&broker, delay_ms] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      broker.stop(SIGKILL);
    });
    while (true) {
      ++next;
      std::vector<Commit> all;
      for (int32_t p = 0; p < 4; ++p)
        all.push_back({"crash", p, next, 1, "o" + std::to_string(next)});
      int32_t corr = c.send(commit_request("crash-group", all), 8);
      auto frame = c.read_frame();
      if (!frame) break;
      protocol::Reader rd(*frame);
      protocol::ResponseHeader h;
      REQUIRE(h.decode(rd, protocol::response_header_version(8, 8)).ok());
      REQUIRE(h.correlation_id == corr);
      auto body = protocol::decode_message<OffsetCommitResponse>(
          protocol::ByteView(*frame).subspan(rd.offset()), 8);
      REQUIRE(body.ok());
      for (const std::string& e : commit_errors(*body)) REQUIRE(e.substr(e.size() - 2) == "=0");
      last_acked = next;
    }
    killer.join();
  }
  REQUIRE(last_acked > 10);
  broker.start();
  TestClient c(broker.port());
  FetchResult r = fetch(c, "crash-group", std::nullopt, 8);
  REQUIRE(r.partitions.size() == 4);
  // Every commit is one frame: all partitions show the same one.
  int64_t seen = r.partitions.begin()->second.offset;
  for (const auto& entry : r.partitions) CHECK(entry.second.offset == seen);
  CHECK(seen >= last_acked);
  MESSAGE("last acknowledged commit " << last_acked << ", stored " << seen);
  CHECK(broker.stop(SIGTERM) == 0);
}

}  // namespace
}  // namespace kafkit::broker::test
