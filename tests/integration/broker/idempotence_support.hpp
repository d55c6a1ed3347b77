#pragma once
// Helpers for the idempotent-producer tests: InitProducerId, batches carrying a producer
// id / epoch / sequence, one-batch produce calls and the log end offset (ListOffsets
// latest), so a test can tell "answered from the producer state" from "appended again".
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "broker_fixture.hpp"
#include "protocol/messages/init_producer_id.hpp"
#include "protocol/messages/list_offsets.hpp"

namespace kafkit::broker::test {

inline int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline protocol::InitProducerIdResponse init_producer_id(
    TestClient& c, int16_t version = 4, std::optional<std::string> transactional_id = std::nullopt,
    int64_t producer_id = -1, int16_t producer_epoch = -1) {
  protocol::InitProducerIdRequest req;
  req.transactional_id = std::move(transactional_id);
  req.transaction_timeout_ms = 60000;
  req.producer_id = producer_id;
  req.producer_epoch = producer_epoch;
  return c.call<protocol::InitProducerIdResponse>(req, version);
}

/// `count` records "<tag>-<i>" from an idempotent producer, timestamped now (producer
/// state expires by record time, so tests must not use old timestamps).
inline protocol::Bytes idempotent_batch(int64_t producer_id, int16_t epoch, int32_t base_sequence,
                                        int count = 1, const std::string& tag = "r") {
  protocol::BatchOptions o;
  o.producer_id = producer_id;
  o.producer_epoch = epoch;
  o.base_sequence = base_sequence;
  protocol::RecordBatchBuilder b(o);
  int64_t ts = wall_now_ms();
  for (int i = 0; i < count; ++i) {
    std::string value = tag + "-" + std::to_string(i);
    REQUIRE(b.append(std::nullopt, protocol::as_bytes(value), ts).ok());
  }
  auto batch = b.finish();
  REQUIRE(batch.ok());
  return std::move(*batch);
}

struct ProduceOutcome {
  int16_t error = -1;
  int64_t base_offset = -1;
};

inline ProduceOutcome produce_one(TestClient& c, const std::string& topic, int32_t partition,
                                  protocol::Bytes batch, int16_t version = 9) {
  auto resp = c.call<protocol::ProduceResponse>(produce_request(topic, partition, std::move(batch)),
                                                version);
  REQUIRE(resp.responses.size() == 1);
  REQUIRE(resp.responses[0].partition_responses.size() == 1);
  const auto& p = resp.responses[0].partition_responses[0];
  return {p.error_code, p.base_offset};
}

/// ListOffsets "latest" (-1): the next offset the partition will assign.
inline int64_t log_end_offset(TestClient& c, const std::string& topic, int32_t partition = 0) {
  protocol::ListOffsetsRequest req;
  req.replica_id = -1;
  protocol::ListOffsetsRequest::ListOffsetsTopic t;
  t.name = topic;
  protocol::ListOffsetsRequest::ListOffsetsPartition p;
  p.partition_index = partition;
  p.timestamp = -1;
  t.partitions.push_back(p);
  req.topics.push_back(std::move(t));
  auto resp = c.call<protocol::ListOffsetsResponse>(req, 5);
  REQUIRE(resp.topics.size() == 1);
  REQUIRE(resp.topics[0].partitions.size() == 1);
  REQUIRE(resp.topics[0].partitions[0].error_code == 0);
  return resp.topics[0].partitions[0].offset;
}

}  // namespace kafkit::broker::test
