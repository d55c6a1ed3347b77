// Idempotent-producer state of a real kafkit-broker process across SIGKILL: rebuilt from
// the log alone (no snapshot yet), and from a clean-shutdown snapshot plus the batches
// written after it. Producer ids handed out before a crash are never handed out again.
#include <signal.h>

#include "broker_process.hpp"
#include "idempotence_support.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::broker::test {
namespace {

constexpr int16_t kNone = 0;
constexpr int16_t kOutOfOrder = 45;
constexpr int16_t kInvalidEpoch = 47;

TEST_CASE("producer state and producer ids survive SIGKILL, with and without a snapshot") {
  TempDir dir;
  BrokerProcess broker(dir.path.string());
  broker.start();
  int64_t pid = -1;
  {
    TestClient c(broker.port());
    protocol::MetadataRequest m;
    m.topics = std::vector<protocol::MetadataRequest::MetadataRequestTopic>{{{}, "idem", {}}};
    REQUIRE(c.call<protocol::MetadataResponse>(m, 9).topics.at(0).error_code == 0);
    auto init = init_producer_id(c);
    REQUIRE(init.error_code == kNone);
    pid = init.producer_id;
    for (int32_t s = 0; s < 3; ++s)
      REQUIRE(produce_one(c, "idem", 0, idempotent_batch(pid, 1, s)).error == kNone);
  }
  // Crash right away: well within the periodic snapshot interval, so the state must come
  // from the log.
  broker.stop(SIGKILL);
  broker.start();
  {
    TestClient c(broker.port());
    auto dup = produce_one(c, "idem", 0, idempotent_batch(pid, 1, 1));
    CHECK(dup.error == kNone);
    CHECK(dup.base_offset == 1);
    CHECK(produce_one(c, "idem", 0, idempotent_batch(pid, 1, 4)).error == kOutOfOrder);
    CHECK(produce_one(c, "idem", 0, idempotent_batch(pid, 0, 3)).error == kInvalidEpoch);
    CHECK(log_end_offset(c, "idem") == 3);
    auto next = init_producer_id(c);
    CHECK(next.error_code == kNone);
    CHECK(next.producer_id > pid);
  }
  // Clean stop (snapshot at offset 3), two more batches, then a crash: batch 1 comes from
  // the snapshot, batch 4 from replaying the log after it.
  CHECK(broker.stop(SIGTERM) == 0);
  broker.start();
  {
    TestClient c(broker.port());
    CHECK(produce_one(c, "idem", 0, idempotent_batch(pid, 1, 3)).error == kNone);
    CHECK(produce_one(c, "idem", 0, idempotent_batch(pid, 1, 4)).error == kNone);
  }
  broker.stop(SIGKILL);
  broker.start();
  TestClient c(broker.port());
  CHECK(produce_one(c, "idem", 0, idempotent_batch(pid, 1, 1)).base_offset == 1);
  auto dup = produce_one(c, "idem", 0, idempotent_batch(pid, 1, 4));
  CHECK(dup.error == kNone);
  CHECK(dup.base_offset == 4);
  CHECK(log_end_offset(c, "idem") == 5);
  CHECK(produce_one(c, "idem", 0, idempotent_batch(pid, 1, 6)).error == kOutOfOrder);
  auto next = produce_one(c, "idem", 0, idempotent_batch(pid, 1, 5));
  CHECK(next.error == kNone);
  CHECK(next.base_offset == 5);
}

}  // namespace
}  // namespace kafkit::broker::test
