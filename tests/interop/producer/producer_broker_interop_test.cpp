// What kafkit's producer writes to kafkit-broker (in-process broker::Cluster), read by
// clients nobody here wrote: librdkafka's consumer for every codec, and kcat (Debian's, on
// librdkafka) for keys, values and headers. A batch only kafkit can decode would pass
// every kafkit-only test; these would fail.
#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "../../integration/broker/broker_fixture.hpp"
#include "kafkit/producer.hpp"
#include "protocol/records/record_batch_reader.hpp"
#include "rdkafka_reader.hpp"

namespace kafkit::test {
namespace {

using namespace std::chrono_literals;
using broker::test::RunningBroker;
using broker::test::stored_codecs;

std::string bootstrap_of(const RunningBroker& b) {
  return "127.0.0.1:" + std::to_string(b.port());
}

// Runs a shell command with a bounded run time (timeout(1)) and returns its stdout.
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(("timeout 30 " + command).c_str(), "r");
  REQUIRE_MESSAGE(pipe != nullptr, command);
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  CHECK_MESSAGE(status == 0, command, " exited with ", status);
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("interop-producer-broker");

TEST_CASE("kafkit-broker: librdkafka reads what kafkit produced, for every codec") {
  constexpr std::int32_t kPartitions = 4;
  constexpr int kRecords = 20000;
  RunningBroker broker(Properties{{"num.partitions", std::to_string(kPartitions)}});
  std::vector<std::string> keys, values;
  for (int i = 0; i < kRecords; ++i) {
    keys.push_back("key-" + std::to_string(i % 101));
    // Varied and compressible: a counter and a run of one letter.
    values.push_back(
        "value-" + std::to_string(i) + "-" +
        std::string(static_cast<std::size_t>(i % 150), static_cast<char>('a' + i % 26)));
  }
  const std::array<std::string, 5> codecs{"none", "gzip", "snappy", "lz4", "zstd"};
  // Explicit CreateTimes, but recent ones: older than retention.ms (7 days) they would be
  // deleted by the broker's retention pass before the consumer gets to them.
  const std::int64_t base_ts = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count() -
                               3600000;
  for (std::size_t codec_id = 0; codec_id < codecs.size(); ++codec_id) {
    const std::string& codec = codecs[codec_id];
    CAPTURE(codec);
    const std::string topic = "kb-" + codec;
    std::int64_t failed = 0;
    {
      Producer producer({{"bootstrap.servers", bootstrap_of(broker)}, {"compression.type", codec}},
                        {.on_delivery = [&failed](const DeliveryReport& r) {
                          if (!r.ok()) ++failed;
                        }});
      for (int i = 0; i < kRecords; ++i) {
        const auto idx = static_cast<std::size_t>(i);
        const std::string n = std::to_string(i);
        const std::array<Header, 2> headers{Header{"n", n}, Header{"null", std::nullopt}};
        auto r = producer.send({.topic = topic,
                                .key = keys[idx],
                                .value = values[idx],
                                .headers = headers,
                                .timestamp = base_ts + i});
        REQUIRE_MESSAGE(r.ok(), r.error().message);
      }
      auto flushed = producer.flush(60s);
      REQUIRE_MESSAGE(flushed.ok(), flushed.error().message);
    }
    CHECK(failed == 0);
    // The batches really carry the codec (attribute bits 0-2: none 0 ... zstd 4).
    CHECK(stored_codecs(broker.port(), topic, 0) == std::set<int>{static_cast<int>(codec_id)});

    RdKafkaReader reader(bootstrap_of(broker), topic);
    std::vector<ConsumedRecord> got = reader.read_all(kPartitions, 60s);
    REQUIRE(got.size() == static_cast<std::size_t>(kRecords));
    std::vector<bool> seen(kRecords, false);
    std::map<std::int32_t, int> last;
    for (const ConsumedRecord& r : got) {
      REQUIRE(r.headers.size() == 2);
      REQUIRE(r.headers[0].second.has_value());
      const int i = std::stoi(*r.headers[0].second);
      REQUIRE(i >= 0);
      REQUIRE(i < kRecords);
      const auto idx = static_cast<std::size_t>(i);
      CHECK_FALSE(seen[idx]);
      seen[idx] = true;
      CHECK(r.key == keys[idx]);
      CHECK(r.value == values[idx]);
      CHECK(r.timestamp == base_ts + i);
      CHECK(r.headers[0].first == "n");
      CHECK(r.headers[1].first == "null");
      CHECK_FALSE(r.headers[1].second.has_value());
      auto it = last.find(r.partition);
      if (it != last.end()) CHECK(i > it->second);
      last[r.partition] = i;
    }
  }
}

TEST_CASE("kafkit-broker: kcat prints kafkit's keys, values and headers as sent") {
  RunningBroker broker;
  for (std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    CAPTURE(codec);
    const std::string topic = "kcat-" + codec;
    std::string expected;
    {
      Producer producer({{"bootstrap.servers", bootstrap_of(broker)}, {"compression.type", codec}});
      for (int i = 0; i < 50; ++i) {
        const std::string key = "key" + std::to_string(i);
        const std::string value = "value " + std::to_string(i) + " " + codec;
        const std::string trace = "t" + std::to_string(i * 7);
        const std::array<Header, 2> headers{Header{"trace", trace}, Header{"codec", codec}};
        auto r = producer.send(
            {.topic = topic, .partition = 0, .key = key, .value = value, .headers = headers});
        REQUIRE_MESSAGE(r.ok(), r.error().message);
        expected += key + " " + value + " trace=" + trace + ",codec=" + codec + "\n";
      }
      REQUIRE(producer.flush(30s).ok());
    }
    const std::string got = run("kcat -b " + bootstrap_of(broker) + " -C -t " + topic +
                                " -p 0 -o beginning -e -q -f '%k %s %h\\n' 2>&1");
    CHECK(got == expected);
  }
}

TEST_SUITE_END();

}  // namespace kafkit::test
