// A client that pipelines requests and never reads the answers (found by kafkit-fuzz's
// pipelined cases, issue 9): the broker must stop reading from it once its responses stop
// draining, as Kafka's SocketServer keeps a channel muted until the response is sent, so
// the backlog waits in the client's socket buffer and not in broker memory. Before the
// fix, the session went on reading and answering into an unbounded queue: over 100 MB of
// broker memory in a few seconds from one connection.
#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "broker_process.hpp"
#include "broker_test_client.hpp"
#include "protocol/messages/api_versions.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::broker::test {
namespace {

// Under ASan, freed blocks wait in a quarantine (256 MB by default) before their memory is
// reused, so the broker's RSS would measure the quarantine and not what it keeps. A small
// one makes the bound mean the same in every build; other builds ignore the variable.
void small_asan_quarantine() {
  const char* now = std::getenv("ASAN_OPTIONS");
  std::string options = now && *now ? std::string(now) + ":" : std::string();
  setenv("ASAN_OPTIONS", (options + "quarantine_size_mb=8").c_str(), 1);
}

long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

protocol::Bytes metadata_request(int32_t correlation) {
  protocol::MetadataRequest req;
  req.topics = std::vector<protocol::MetadataRequest::MetadataRequestTopic>(1);
  req.topics->front().name = "wide";
  protocol::RequestHeader h{
      protocol::MetadataRequest::api_key, 12, correlation, std::string("slow-reader"), {}};
  return protocol::frame_request(h, req);
}

}  // namespace

TEST_CASE("a client that never reads its responses does not grow the broker's memory") {
  small_asan_quarantine();
  TempDir dir;
  // Each Metadata answer for a 500-partition topic is ~100 times its request: what the
  // broker keeps of the backlog shows quickly in its RSS.
  BrokerProcess broker((dir.path / "data").string(), {"--set", "num.partitions=500"});
  broker.start();
  {
    TestClient setup(broker.port());
    protocol::MetadataRequest req;
    req.topics = std::vector<protocol::MetadataRequest::MetadataRequestTopic>(1);
    req.topics->front().name = "wide";
    auto first = setup.call<protocol::MetadataResponse>(req, 12);  // auto-creates it
    auto again = setup.call<protocol::MetadataResponse>(req, 12);
    REQUIRE(again.topics.size() == 1);
    CHECK(again.topics[0].partitions.size() == 500);
  }
  long before = rss_kb(broker.pid());
  REQUIRE(before > 0);

  TestClient flood(broker.port());
  protocol::Bytes batch;
  for (int i = 0; i < 1000; ++i) {
    protocol::Bytes one = metadata_request(i);
    batch.insert(batch.end(), one.begin(), one.end());
  }
  // Offer requests for 3 s without reading a byte; the broker decides how many it takes.
  size_t sent = 0;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < end) {
    if (!flood.send_nowait(batch, sent)) break;
  }
  long after = rss_kb(broker.pid());
  MESSAGE("offered for 3 s: " << sent / 1024 << " KiB of requests accepted; broker RSS " << before
                              << " kB -> " << after << " kB");
  CHECK(after - before < 64 * 1024);

  // Everyone else is still served while that connection is stuck.
  TestClient other(broker.port(), 5000);
  protocol::ApiVersionsRequest av;
  av.client_software_name = "slow-reader-test";
  av.client_software_version = "1";
  auto versions = other.call<protocol::ApiVersionsResponse>(av, 3);
  CHECK(versions.error_code == 0);
  CHECK(broker.stop(SIGTERM) == 0);
}

}  // namespace kafkit::broker::test
