#include "client/group/consumer_protocol.hpp"

#include <algorithm>
#include <map>

#include "protocol/reader.hpp"
#include "protocol/writer.hpp"

namespace kafkit::client {

using protocol::Bytes;
using protocol::ByteView;
using protocol::Reader;
using protocol::Writer;

namespace {

void write_nullable_user_data(Writer& w, const std::string& data) {
  if (data.empty()) {
    w.i32(-1);  // Kafka writes null for "no user data"
  } else {
    w.bytes(protocol::as_bytes(data), false);
  }
}

std::string read_user_data(Reader& r, const char* field) {
  std::optional<Bytes> b = r.nullable_bytes(false, field);
  if (!b) return {};
  return std::string(protocol::as_chars(*b));
}

std::int16_t read_version(Reader& r, const char* field) {
  std::int16_t v = r.i16(field);
  if (r.ok() && v < 0) r.fail("negative version", field);
  // Forward compatibility: a newer version begins with the fields we know.
  return std::min(v, consumer_protocol_max_version);
}

}  // namespace

void write_topic_partitions(Writer& w, const std::vector<TopicPartition>& partitions) {
  // Group by topic keeping the order topics first appear in.
  std::vector<std::pair<std::string, std::vector<std::int32_t>>> grouped;
  std::map<std::string, size_t> index;
  for (const TopicPartition& tp : partitions) {
    auto [it, added] = index.emplace(tp.topic, grouped.size());
    if (added) grouped.push_back({tp.topic, {}});
    grouped[it->second].second.push_back(tp.partition);
  }
  w.array_count(static_cast<std::int64_t>(grouped.size()), false);
  for (const auto& [topic, parts] : grouped) {
    w.string(topic, false);
    w.array_count(static_cast<std::int64_t>(parts.size()), false);
    for (std::int32_t p : parts) w.i32(p);
  }
}

std::vector<TopicPartition> read_topic_partitions(Reader& r, const char* field) {
  std::vector<TopicPartition> out;
  // Smallest element: empty topic (2) + empty partition array (4).
  std::int32_t topics = r.array_count(false, false, 6, field);
  for (std::int32_t i = 0; i < topics && r.ok(); ++i) {
    std::string topic = r.string(false, field);
    std::int32_t n = r.array_count(false, false, 4, field);
    for (std::int32_t j = 0; j < n && r.ok(); ++j) {
      std::int32_t p = r.i32(field);
      if (r.ok()) out.push_back({topic, p});
    }
  }
  return out;
}

Bytes encode_subscription(const ConsumerSubscription& s, std::int16_t version) {
  Bytes out;
  Writer w(out);
  w.i16(version);
  w.array_count(static_cast<std::int64_t>(s.topics.size()), false);
  for (const std::string& t : s.topics) w.string(t, false);
  write_nullable_user_data(w, s.user_data);
  if (version >= 1) write_topic_partitions(w, s.owned_partitions);
  if (version >= 2) w.i32(s.generation_id);
  if (version >= 3) w.nullable_string(s.rack_id, false);
  return out;
}

Result<ConsumerSubscription> decode_subscription(ByteView bytes) {
  Reader r(bytes);
  ConsumerSubscription s;
  std::int16_t version = read_version(r, "ConsumerProtocolSubscription.Version");
  std::int32_t n = r.array_count(false, false, 2, "ConsumerProtocolSubscription.Topics");
  for (std::int32_t i = 0; i < n && r.ok(); ++i) {
    s.topics.push_back(r.string(false, "ConsumerProtocolSubscription.Topics"));
  }
  s.user_data = read_user_data(r, "ConsumerProtocolSubscription.UserData");
  if (version >= 1) {
    s.owned_partitions = read_topic_partitions(r, "ConsumerProtocolSubscription.OwnedPartitions");
  }
  if (version >= 2) s.generation_id = r.i32("ConsumerProtocolSubscription.GenerationId");
  if (version >= 3) s.rack_id = r.nullable_string(false, "ConsumerProtocolSubscription.RackId");
  if (!r.ok()) return r.error();
  return s;
}

Bytes encode_assignment(const ConsumerAssignment& a, std::int16_t version) {
  Bytes out;
  Writer w(out);
  w.i16(version);  // v1-v3 have the v0 layout (the versions mark what the sender supports)
  write_topic_partitions(w, a.partitions);
  write_nullable_user_data(w, a.user_data);
  return out;
}

Result<ConsumerAssignment> decode_assignment(ByteView bytes) {
  ConsumerAssignment a;
  if (bytes.empty()) return a;
  Reader r(bytes);
  read_version(r, "ConsumerProtocolAssignment.Version");
  a.partitions = read_topic_partitions(r, "ConsumerProtocolAssignment.AssignedPartitions");
  a.user_data = read_user_data(r, "ConsumerProtocolAssignment.UserData");
  if (!r.ok()) return r.error();
  return a;
}

}  // namespace kafkit::client
