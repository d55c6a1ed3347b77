#pragma once
// Reads a partition of a running reference broker back with plain Fetch requests, so
// producer tests check what actually reached the log (not what the producer reported).
#include <string>
#include <vector>

#include "../broker/broker_fixture.hpp"
#include "protocol/messages/fetch.hpp"
#include "protocol/records/record_batch_reader.hpp"

namespace kafkit::test {
using broker::test::TestClient;

struct LoggedRecord {
  int64_t offset = -1;
  int64_t timestamp = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  int64_t producer_id = -1;
  int32_t base_sequence = -1;
};

inline std::optional<std::string> text_of(const std::optional<protocol::ByteView>& b) {
  if (!b) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(b->data()), b->size());
}

/// Every record of `topic`/`partition` from offset 0 to the high watermark.
inline std::vector<LoggedRecord> read_partition(uint16_t port, const std::string& topic,
                                                int32_t partition) {
  TestClient client(port);
  std::vector<LoggedRecord> out;
  int64_t next = 0;
  for (int round = 0; round < 100000; ++round) {
    auto resp = client.call<protocol::FetchResponse>(
        broker::test::fetch_request(topic, partition, next, 0, 1, 4 << 20), 12);
    REQUIRE(resp.responses.size() == 1);
    const auto& p = resp.responses[0].partitions.at(0);
    REQUIRE_MESSAGE(p.error_code == 0, "fetch error " << p.error_code);
    if (!p.records || p.records->empty()) break;
    protocol::RecordsReader reader(*p.records);
    protocol::RecordBatchView batch;
    int64_t before = next;
    for (;;) {
      auto st = reader.next(batch);
      REQUIRE_MESSAGE(st.ok(), st.error().message);
      if (*st != protocol::ReadStatus::batch) break;
      for (const auto& r : batch.records()) {
        LoggedRecord rec;
        rec.offset = r.offset;
        rec.timestamp = r.timestamp;
        rec.key = text_of(r.key);
        rec.value = text_of(r.value);
        for (const auto& h : r.headers)
          rec.headers.emplace_back(std::string(h.key), text_of(h.value));
        rec.producer_id = batch.header().producer_id;
        rec.base_sequence = batch.header().base_sequence;
        out.push_back(std::move(rec));
        next = r.offset + 1;
      }
    }
    if (next == before || next >= p.high_watermark) break;
  }
  return out;
}

}  // namespace kafkit::test
