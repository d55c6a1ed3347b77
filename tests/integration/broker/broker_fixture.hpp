#pragma once
// An in-process reference broker on a kernel-chosen loopback port with a fresh data
// directory, plus builders for the requests most tests send.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "broker/cluster.hpp"
#include "broker_test_client.hpp"
#include "protocol/messages/fetch.hpp"
#include "protocol/messages/produce.hpp"
#include "protocol/records/record_batch_builder.hpp"
#include "protocol/records/record_batch_reader.hpp"

namespace kafkit::broker::test {

struct RunningBroker {
  TempDir dir;
  std::unique_ptr<Cluster> cluster;

  RunningBroker() { start({}, 1); }
  explicit RunningBroker(Properties extra, int nodes = 1) { start(std::move(extra), nodes); }

  void start(Properties extra = {}, int nodes = 1) {
    // Tests may bring their own listeners (SSL://127.0.0.1:0, SASL_PLAINTEXT://, several).
    extra.try_emplace("listeners", "127.0.0.1:0");
    extra["log.dirs"] = dir.path.string();
    auto config = BrokerConfig::from_properties(extra);
    // The message is built even on success when doctest reports successes (-s): ask for
    // error() only when there is one.
    REQUIRE_MESSAGE(config.ok(), (config.ok() ? std::string() : config.error().message));
    auto c = Cluster::start({std::move(*config), nodes});
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error().message));
    cluster = std::move(*c);
  }
  /// Clean stop and start on the same data directory (the port changes).
  void restart(Properties extra = {}, int nodes = 1) {
    cluster->stop();
    cluster.reset();
    start(std::move(extra), nodes);
  }
  /// Node `node`'s port on listener `listener` (index into the listeners property).
  uint16_t port(size_t node = 0, size_t listener = 0) const {
    return cluster->port(node, listener);
  }
};

/// One uncompressed batch of `values` (keys "k<i>"), timestamps from `ts`.
inline protocol::Bytes make_batch(
    const std::vector<std::string>& values, int64_t ts = 1700000000000,
    protocol::CompressionCodec codec = protocol::CompressionCodec::none) {
  protocol::BatchOptions o;
  o.codec = codec;
  protocol::RecordBatchBuilder b(o);
  for (size_t i = 0; i < values.size(); ++i) {
    std::string key = "k" + std::to_string(i);
    REQUIRE(b.append(protocol::as_bytes(key), protocol::as_bytes(values[i]),
                     ts + static_cast<int64_t>(i))
                .ok());
  }
  auto batch = b.finish();
  REQUIRE(batch.ok());
  return std::move(*batch);
}

inline protocol::ProduceRequest produce_request(const std::string& topic, int32_t partition,
                                                protocol::Bytes records, int16_t acks = -1) {
  protocol::ProduceRequest req;
  req.acks = acks;
  req.timeout_ms = 5000;
  protocol::ProduceRequest::TopicProduceData t;
  t.name = topic;
  t.partition_data.push_back({partition, std::move(records), {}});
  req.topic_data.push_back(std::move(t));
  return req;
}

inline protocol::FetchRequest fetch_request(const std::string& topic, int32_t partition,
                                            int64_t offset, int32_t max_wait_ms = 0,
                                            int32_t min_bytes = 1,
                                            int32_t partition_max_bytes = 1 << 20) {
  protocol::FetchRequest req;
  req.max_wait_ms = max_wait_ms;
  req.min_bytes = min_bytes;
  req.max_bytes = 50 << 20;
  protocol::FetchRequest::FetchTopic t;
  t.topic = topic;
  protocol::FetchRequest::FetchPartition p;
  p.partition = partition;
  p.fetch_offset = offset;
  p.partition_max_bytes = partition_max_bytes;
  t.partitions.push_back(p);
  req.topics.push_back(std::move(t));
  return req;
}

/// The codec of every batch stored in the first MiB of `topic` [partition], read with a
/// plain Fetch (the broker stores and serves batches as producers sent them).
inline std::set<int> stored_codecs(uint16_t port, const std::string& topic, int32_t partition = 0) {
  TestClient c(port);
  std::set<int> codecs;
  auto f = c.call<protocol::FetchResponse>(fetch_request(topic, partition, 0, 0, 1, 1 << 20), 11);
  protocol::RecordsReader reader(*f.responses.at(0).partitions.at(0).records);
  protocol::RecordBatchView batch;
  while (true) {
    auto st = reader.next(batch);
    REQUIRE(st.ok());
    if (*st != protocol::ReadStatus::batch) break;
    codecs.insert(static_cast<int>(batch.header().codec()));
  }
  return codecs;
}

}  // namespace kafkit::broker::test
