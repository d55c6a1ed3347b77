// Crash safety of kafkit-broker as a real process: with fsync before every acknowledgement
// (log.flush.interval.messages=1), SIGKILL at random moments while a producer writes must
// lose no acknowledged record, reorder none and duplicate none. Records that were sent but
// never acknowledged may or may not be there — that is what "not acknowledged" means.
#include <random>
#include <set>
#include <thread>

#include "broker_fixture.hpp"
#include "broker_process.hpp"
#include "protocol/messages/metadata.hpp"
#include "protocol/records/record_batch_reader.hpp"

namespace kafkit::broker::test {
namespace {

using protocol::FetchResponse;
using protocol::ProduceResponse;

// One produce round trip; nullopt when the broker died before answering.
std::optional<ProduceResponse> try_produce(TestClient& c, protocol::Bytes batch) {
  int32_t corr = c.send(produce_request("crash", 0, std::move(batch), -1), 9);
  auto frame = c.read_frame();
  if (!frame) return std::nullopt;
  protocol::Reader r(*frame);
  protocol::ResponseHeader h;
  REQUIRE(h.decode(r, protocol::response_header_version(0, 9)).ok());
  REQUIRE(h.correlation_id == corr);
  auto body =
      protocol::decode_message<ProduceResponse>(protocol::ByteView(*frame).subspan(r.offset()), 9);
  REQUIRE(body.ok());
  return std::move(*body);
}

TEST_CASE("SIGKILL at random moments loses, reorders and duplicates no acknowledged record") {
  TempDir dir;
  BrokerProcess broker(dir.path.string(), {"--set", "log.flush.interval.messages=1", "--set",
                                           "log.segment.bytes=1000000"});
  std::mt19937 rng(20261125);
  std::vector<std::string> acked;
  std::vector<int64_t> acked_offsets;
  int seq = 0;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    broker.start();
    {
      TestClient setup(broker.port());
      protocol::MetadataRequest m;
      m.topics = std::vector<protocol::MetadataRequest::MetadataRequestTopic>{{{}, "crash", {}}};
      auto md = setup.call<protocol::MetadataResponse>(m, 9);
      REQUIRE(md.topics.at(0).error_code == 0);
    }
    int delay_ms = std::uniform_int_distribution<int>(50, 400)(rng);
    std::thread killer([&broker, delay_ms] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      broker.stop(SIGKILL);
    });
    TestClient c(broker.port(), 3000);
    while (true) {
      // Mostly small batches, sometimes large ones, so kills also land mid-write.
      size_t n = std::uniform_int_distribution<size_t>(1, 5)(rng);
      size_t pad = std::uniform_int_distribution<int>(0, 9)(rng) == 0 ? 30000 : 20;
      std::vector<std::string> values;
      for (size_t i = 0; i < n; ++i)
        values.push_back("m" + std::to_string(seq++) + ":" + std::string(pad, 'p'));
      auto resp = try_produce(c, make_batch(values));
      if (!resp) break;
      const auto& p = resp->responses.at(0).partition_responses.at(0);
      REQUIRE(p.error_code == 0);
      for (size_t i = 0; i < n; ++i) {
        acked.push_back(values[i]);
        acked_offsets.push_back(p.base_offset + static_cast<int64_t>(i));
      }
    }
    killer.join();
  }
  REQUIRE(acked.size() > 20);

  broker.start();
  TestClient c(broker.port());
  std::vector<std::string> stored;
  std::vector<int64_t> stored_offsets;
  int64_t next = 0;
  while (true) {
    auto f = c.call<FetchResponse>(fetch_request("crash", 0, next, 0, 1, 4 << 20), 11);
    const auto& p = f.responses.at(0).partitions.at(0);
    REQUIRE(p.error_code == 0);
    if (p.records->empty()) break;
    protocol::RecordsReader reader(*p.records);
    protocol::RecordBatchView batch;
    while (true) {
      auto st = reader.next(batch);
      REQUIRE_MESSAGE(st.ok(), st.error().message);
      if (*st != protocol::ReadStatus::batch) break;
      for (const auto& r : batch.records()) {
        if (r.offset < next) continue;
        const auto& v = r.value;
        stored.emplace_back(reinterpret_cast<const char*>(v->data()), v->size());
        stored_offsets.push_back(r.offset);
        next = r.offset + 1;
      }
    }
  }
  // Offsets are dense from 0 and no value appears twice.
  for (size_t i = 0; i < stored_offsets.size(); ++i) REQUIRE(stored_offsets[i] == int64_t(i));
  std::set<std::string> unique(stored.begin(), stored.end());
  CHECK(unique.size() == stored.size());
  // Every acknowledged record is at the offset it was acknowledged with.
  for (size_t i = 0; i < acked.size(); ++i) {
    auto off = static_cast<size_t>(acked_offsets[i]);
    REQUIRE_MESSAGE(off < stored.size(), "acknowledged offset " << off << " lost");
    REQUIRE(stored[off] == acked[i]);
  }
  MESSAGE(acked.size() << " acknowledged records over " << kRounds << " kills, " << stored.size()
                       << " stored");
  CHECK(broker.stop(SIGTERM) == 0);
}

}  // namespace
}  // namespace kafkit::broker::test
