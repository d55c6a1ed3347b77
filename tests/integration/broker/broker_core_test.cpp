// The reference broker's data plane over real loopback sockets: version negotiation,
// metadata with auto-creation, produce and fetch (long-polling, limits, mid-batch), the
// validation errors a real broker gives, and data surviving a restart.
#include <chrono>
#include <thread>

#include "broker_fixture.hpp"
#include "protocol/messages/add_offsets_to_txn.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/metadata.hpp"
#include "protocol/records/record_batch_reader.hpp"
#include "protocol/writer.hpp"

namespace kafkit::broker::test {
namespace {

using protocol::ApiVersionsRequest;
using protocol::ApiVersionsResponse;
using protocol::FetchResponse;
using protocol::MetadataRequest;
using protocol::MetadataResponse;
using protocol::ProduceResponse;

std::vector<std::string> values_in(const protocol::Bytes& records, std::vector<int64_t>* offsets) {
  std::vector<std::string> out;
  protocol::RecordsReader reader(records);
  protocol::RecordBatchView batch;
  while (true) {
    auto st = reader.next(batch);
    REQUIRE(st.ok());
    if (*st != protocol::ReadStatus::batch) break;
    for (const auto& r : batch.records()) {
      const auto& v = r.value;
      out.emplace_back(reinterpret_cast<const char*>(v->data()), v->size());
      if (offsets) offsets->push_back(r.offset);
    }
  }
  return out;
}

MetadataResponse metadata(TestClient& c, std::vector<std::string> topics, int16_t version = 12,
                          bool auto_create = true) {
  MetadataRequest req;
  req.topics.emplace();
  for (auto& t : topics) req.topics->push_back({{}, t, {}});
  req.allow_auto_topic_creation = auto_create;
  return c.call<MetadataResponse>(req, version);
}

int16_t produce(TestClient& c, const std::string& topic, protocol::Bytes batch,
                int64_t* base = nullptr, int16_t version = 9) {
  auto resp = c.call<ProduceResponse>(produce_request(topic, 0, std::move(batch)), version);
  REQUIRE(resp.responses.size() == 1);
  const auto& p = resp.responses[0].partition_responses.at(0);
  if (base) *base = p.base_offset;
  return p.error_code;
}

TEST_CASE("ApiVersions advertises the legacy minimums librdkafka 2.0.2 gates features on") {
  RunningBroker b;
  TestClient c(b.port());
  for (int16_t v = 0; v <= 4; ++v) {
    ApiVersionsRequest req;
    req.client_software_name = "kafkit-test";
    req.client_software_version = "1.0";
    auto resp = c.call<ApiVersionsResponse>(req, v);
    CHECK(resp.error_code == 0);
    auto range = [&](int16_t key) -> std::pair<int, int> {
      for (const auto& k : resp.api_keys)
        if (k.api_key == key) return {k.min_version, k.max_version};
      return {-1, -1};
    };
    // protocol-facts §1.3: compression needs Produce 0, LZ4 needs FindCoordinator 0,
    // MsgVer2 needs Produce 3 and Fetch 4, ZSTD needs Produce 7 and Fetch 10.
    CHECK(range(0).first == 0);
    CHECK(range(0).second >= 7);
    CHECK(range(1).first <= 4);
    CHECK(range(1).second >= 10);
    CHECK(range(10).first == 0);
    CHECK(range(18) == std::pair<int, int>{0, 4});
    CHECK(range(2).first <= 1);
    CHECK(range(22) == std::pair<int, int>{0, 5});  // IdempotentProducer needs InitProducerId 0
    // The classic group APIs from v0 (JoinGroup 0 also gates GSSAPI in librdkafka < 2.11).
    CHECK(range(11) == std::pair<int, int>{0, 9});
    CHECK(range(12) == std::pair<int, int>{0, 4});
    CHECK(range(13) == std::pair<int, int>{0, 5});
    CHECK(range(14) == std::pair<int, int>{0, 5});
  }
}

TEST_CASE("ApiVersions at an unknown version gets the v0-layout UNSUPPORTED_VERSION reply") {
  RunningBroker b;
  TestClient c(b.port());
  // Version 127 with a body nobody can parse: the broker must not try.
  protocol::Bytes frame;
  protocol::Writer w(frame);
  w.i32(0);
  w.i16(18);
  w.i16(127);
  w.i32(42);
  w.i16(4);
  for (char ch : std::string("test")) w.i8(static_cast<int8_t>(ch));
  w.i8(0x7f);  // garbage body
  int32_t size = static_cast<int32_t>(frame.size() - 4);
  for (int i = 0; i < 4; ++i)
    frame[static_cast<size_t>(i)] = std::byte(uint8_t(size >> (24 - 8 * i)));
  REQUIRE(c.send_raw(frame));
  auto resp = c.receive<ApiVersionsResponse>(42, 0);
  CHECK(resp.error_code == 35);
  REQUIRE(resp.api_keys.size() == 1);
  CHECK(resp.api_keys[0].api_key == 18);
  CHECK(resp.api_keys[0].max_version == 4);
  // The connection stays usable.
  auto again = c.call<ApiVersionsResponse>(ApiVersionsRequest{}, 0);
  CHECK(again.error_code == 0);
}

TEST_CASE("Metadata auto-creates topics, validates names and honours the client's flag") {
  RunningBroker b(Properties{{"num.partitions", "3"}});
  TestClient c(b.port());
  auto m = metadata(c, {"orders"});
  REQUIRE(m.topics.size() == 1);
  CHECK(m.topics[0].error_code == 0);
  CHECK(m.topics[0].partitions.size() == 3);
  CHECK(!m.topics[0].topic_id.is_zero());
  CHECK(m.brokers.size() == 1);
  CHECK(m.brokers[0].port == b.port());
  CHECK(m.cluster_id.has_value());
  CHECK(metadata(c, {"bad/name"}).topics[0].error_code == 17);
  CHECK(metadata(c, {"not-created"}, 12, false).topics[0].error_code == 3);
  // A null topic list lists every topic (v1+); an empty list at v0 does too.
  MetadataRequest all;
  all.topics = std::nullopt;
  CHECK(c.call<MetadataResponse>(all, 12).topics.size() == 1);
  MetadataRequest v0;
  CHECK(c.call<MetadataResponse>(v0, 0).topics.size() == 1);
}

TEST_CASE("produce then fetch returns the records byte for byte at their offsets") {
  RunningBroker b;
  TestClient c(b.port());
  protocol::Uuid id = metadata(c, {"t"}).topics.at(0).topic_id;
  int64_t base = -1;
  CHECK(produce(c, "t", make_batch({"a", "b", "c"}), &base) == 0);
  CHECK(base == 0);
  CHECK(produce(c, "t", make_batch({"d", "e"}), &base) == 0);
  CHECK(base == 3);
  for (int16_t v : {4, 11, 12, 17}) {
    auto req = fetch_request("t", 0, 0);
    if (v >= 13) req.topics[0].topic_id = id;  // KIP-516: topic ids only from v13
    auto f = c.call<FetchResponse>(req, v);
    const auto& p = f.responses.at(0).partitions.at(0);
    CHECK(p.error_code == 0);
    CHECK(p.high_watermark == 5);
    std::vector<int64_t> offsets;
    CHECK(values_in(*p.records, &offsets) == std::vector<std::string>{"a", "b", "c", "d", "e"});
    CHECK(offsets == std::vector<int64_t>{0, 1, 2, 3, 4});
  }
  // From the middle of the first batch: the whole batch comes back, the client skips.
  auto mid = c.call<FetchResponse>(fetch_request("t", 0, 1), 11);
  std::vector<int64_t> offsets;
  values_in(*mid.responses[0].partitions[0].records, &offsets);
  CHECK(offsets.front() == 0);
  // Past the end: OFFSET_OUT_OF_RANGE.
  auto past = c.call<FetchResponse>(fetch_request("t", 0, 6), 11);
  CHECK(past.responses[0].partitions[0].error_code == 1);
  // At the end: nothing, no error.
  auto at_end = c.call<FetchResponse>(fetch_request("t", 0, 5), 11);
  CHECK(at_end.responses[0].partitions[0].error_code == 0);
  CHECK(at_end.responses[0].partitions[0].records->empty());
}

TEST_CASE("fetch byte limits cut at whole batches but always return a first batch") {
  RunningBroker b;
  TestClient c(b.port());
  metadata(c, {"t"});
  std::string big(3000, 'x');
  for (int i = 0; i < 4; ++i) CHECK(produce(c, "t", make_batch({big})) == 0);
  auto small = c.call<FetchResponse>(fetch_request("t", 0, 0, 0, 1, 100), 11);
  std::vector<int64_t> offsets;
  values_in(*small.responses[0].partitions[0].records, &offsets);
  CHECK(offsets == std::vector<int64_t>{0});  // larger than the limit, yet returned
  auto two = c.call<FetchResponse>(fetch_request("t", 0, 0, 0, 1, 7000), 11);
  offsets.clear();
  values_in(*two.responses[0].partitions[0].records, &offsets);
  CHECK(offsets == std::vector<int64_t>{0, 1});
}

TEST_CASE("a long-polling fetch wakes on produce and times out when nothing comes") {
  RunningBroker b;
  TestClient consumer(b.port());
  TestClient producer(b.port());
  metadata(producer, {"t"});
  auto start = std::chrono::steady_clock::now();
  auto empty = consumer.call<FetchResponse>(fetch_request("t", 0, 0, 300, 1), 11);
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(empty.responses[0].partitions[0].records->empty());
  CHECK(waited >= std::chrono::milliseconds(250));

  int32_t corr = consumer.send(fetch_request("t", 0, 0, 10000, 1), 11);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  start = std::chrono::steady_clock::now();
  CHECK(produce(producer, "t", make_batch({"wake"})) == 0);
  auto woke = consumer.receive<FetchResponse>(corr, 11);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(values_in(*woke.responses[0].partitions[0].records, nullptr) ==
        std::vector<std::string>{"wake"});
}

TEST_CASE("produce validation: CRC, size, names, versions, acks") {
  RunningBroker b(Properties{{"message.max.bytes", "2000"}, {"auto.create.topics.enable", "true"}});
  TestClient c(b.port());
  metadata(c, {"t"});
  protocol::Bytes corrupt = make_batch({"x"});
  corrupt.back() ^= std::byte{1};
  CHECK(produce(c, "t", corrupt) == 2);                                // CORRUPT_MESSAGE
  CHECK(produce(c, "t", make_batch({std::string(5000, 'y')})) == 10);  // MESSAGE_TOO_LARGE
  CHECK(produce(c, "missing", make_batch({"x"})) == 3);                // no auto-create on produce
  protocol::Bytes two = make_batch({"a"});
  protocol::Bytes second = make_batch({"b"});
  two.insert(two.end(), second.begin(), second.end());
  CHECK(produce(c, "t", two) == 87);  // INVALID_RECORD: exactly one batch per partition
  CHECK(produce(c, "t", make_batch({"old"}), nullptr, 2) == 35);  // v0-2: UNSUPPORTED_VERSION
  auto bad_acks = c.call<ProduceResponse>(produce_request("t", 0, make_batch({"x"}), 5), 9);
  CHECK(bad_acks.responses[0].partition_responses[0].error_code == 21);
  // Nothing of the above reached the log.
  auto f = c.call<FetchResponse>(fetch_request("t", 0, 0), 11);
  CHECK(f.responses[0].partitions[0].high_watermark == 0);
}

TEST_CASE("acks=0 gets no response and the next request is answered in order") {
  RunningBroker b;
  TestClient c(b.port());
  metadata(c, {"t"});
  c.send(produce_request("t", 0, make_batch({"fire", "forget"}), 0), 9);
  auto f = c.call<FetchResponse>(fetch_request("t", 0, 0, 1000, 1), 11);
  CHECK(values_in(*f.responses[0].partitions[0].records, nullptr).size() == 2);
}

TEST_CASE("bad frames close only their own connection") {
  RunningBroker b(Properties{{"socket.request.max.bytes", "65536"}});
  TestClient good(b.port());
  metadata(good, {"t"});
  {
    TestClient huge(b.port());
    std::byte prefix[4] = {std::byte{0x10}, std::byte{0}, std::byte{0}, std::byte{0}};
    REQUIRE(huge.send_raw(prefix));
    CHECK(huge.closed_by_peer());
  }
  {
    TestClient unknown(b.port());
    protocol::Bytes frame;
    protocol::Writer w(frame);
    w.i32(10);
    w.i16(9999);
    w.i16(0);
    w.i32(1);
    w.i16(-1);
    REQUIRE(unknown.send_raw(frame));
    CHECK(unknown.closed_by_peer());
  }
  {
    TestClient garbage(b.port());
    protocol::RequestHeader h{0, 9, 7, std::string("x"), {}};
    protocol::Bytes f = protocol::frame_request(h, produce_request("t", 0, make_batch({"x"})));
    f.resize(f.size() - 10);  // body cut short, size prefix fixed up
    int32_t size = static_cast<int32_t>(f.size() - 4);
    for (int i = 0; i < 4; ++i)
      f[static_cast<size_t>(i)] = std::byte(uint8_t(size >> (24 - 8 * i)));
    REQUIRE(garbage.send_raw(f));
    CHECK(garbage.closed_by_peer());
  }
  CHECK(metadata(good, {"t"}).topics[0].error_code == 0);
}

TEST_CASE("an API the broker does not serve is answered with UNSUPPORTED_VERSION") {
  RunningBroker b;
  TestClient c(b.port());
  protocol::AddOffsetsToTxnRequest req;  // transactions are not served yet
  req.transactional_id = "tx";
  req.group_id = "g";
  auto resp = c.call<protocol::AddOffsetsToTxnResponse>(req, 1);
  CHECK(resp.error_code == 35);
  // The connection stays open and usable.
  CHECK(metadata(c, {"t"}).topics[0].error_code == 0);
}

TEST_CASE("topics and their data survive a restart") {
  RunningBroker b;
  {
    TestClient c(b.port());
    metadata(c, {"durable"});
    CHECK(produce(c, "durable", make_batch({"one", "two"})) == 0);
  }
  protocol::Uuid id;
  {
    TestClient c(b.port());
    id = metadata(c, {"durable"}).topics[0].topic_id;
  }
  b.restart();
  TestClient c(b.port());
  auto m = metadata(c, {"durable"}, 12, false);
  CHECK(m.topics[0].error_code == 0);
  CHECK(m.topics[0].topic_id == id);
  auto f = c.call<FetchResponse>(fetch_request("durable", 0, 0), 11);
  CHECK(values_in(*f.responses[0].partitions[0].records, nullptr) ==
        std::vector<std::string>{"one", "two"});
  CHECK(produce(c, "durable", make_batch({"three"})) == 0);
}

}  // namespace
}  // namespace kafkit::broker::test
