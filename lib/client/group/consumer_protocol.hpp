#pragma once
// ConsumerProtocol: the bytes a consumer puts into JoinGroup's protocol metadata (its
// subscription) and that the leader puts into SyncGroup (each member's assignment), with
// protocol type "consumer". Layouts follow Kafka's ConsumerProtocolSubscription (v0-v3)
// and ConsumerProtocolAssignment (v0-v3): an int16 version, then the fields of that
// version, never flexible.
//
// Forward compatibility, as Kafka's ConsumerProtocol: a newer version than we know is read
// as the newest we know (its extra fields follow the known ones and are ignored), so a
// newer member never breaks an older leader.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "kafkit/consumer.hpp"
#include "protocol/reader.hpp"
#include "protocol/types.hpp"
#include "protocol/writer.hpp"

namespace kafkit::client {

inline constexpr std::int16_t consumer_protocol_max_version = 3;

struct ConsumerSubscription {
  std::vector<std::string> topics;
  /// Null and empty are the same to every assignor; null is written when empty.
  std::string user_data;
  /// v1+.
  std::vector<TopicPartition> owned_partitions;
  /// v2+; -1 when unknown.
  std::int32_t generation_id = -1;
  /// v3+.
  std::optional<std::string> rack_id;
  bool operator==(const ConsumerSubscription&) const = default;
};

struct ConsumerAssignment {
  std::vector<TopicPartition> partitions;
  std::string user_data;
  bool operator==(const ConsumerAssignment&) const = default;
};

/// Encodes at `version` (0..3); fields the version lacks are left out.
protocol::Bytes encode_subscription(const ConsumerSubscription& s,
                                    std::int16_t version = consumer_protocol_max_version);
protocol::Bytes encode_assignment(const ConsumerAssignment& a,
                                  std::int16_t version = consumer_protocol_max_version);

/// Decodes what encode_* wrote (or Kafka's / librdkafka's bytes). Fails on a negative
/// version, a truncated body or lengths beyond the input.
Result<ConsumerSubscription> decode_subscription(protocol::ByteView bytes);
/// An empty input is an empty assignment (Kafka's coordinator sends empty bytes to members
/// the leader gave nothing, e.g. after a failed assignment).
Result<ConsumerAssignment> decode_assignment(protocol::ByteView bytes);

/// Kafka's topic/partitions array: [topic string, partitions []int32], grouped by topic in
/// first-seen order. Shared with the sticky assignors' user data.
void write_topic_partitions(protocol::Writer& w, const std::vector<TopicPartition>& partitions);
std::vector<TopicPartition> read_topic_partitions(protocol::Reader& r, const char* field);

}  // namespace kafkit::client
