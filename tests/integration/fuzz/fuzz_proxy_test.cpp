// kafkit's producer and consumer through `kafkit-fuzz proxy` in front of kafkit-broker
// (issue 9, client mode): every send gets its delivery report in bounded time, every
// acknowledged record is in the log (read directly from the broker, not through the
// proxy), the log is intact (the proxy changes responses only), and the consumer reports
// errors, never delivers a corrupt record, and delivers every record once the proxy calms.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../broker/broker_process.hpp"
#include "../client/log_reader.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"
#include "proxy_process.hpp"

using namespace kafkit;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRecords = 2000;
constexpr int kPartitions = 3;
const std::string kTopic = "fuzzed";

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// "v<i>:<padding>:<fnv1a of what precedes the last colon, hex>"
std::string record_value(int i) {
  std::string body = "v" + std::to_string(i) + ":";
  uint64_t x = uint64_t(i) * 2654435761ULL + 1;
  for (int n = 0; n < 20 + i % 180; ++n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    body += char('a' + (x >> 59) % 26);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv1a(body));
  return body + ":" + hex;
}

// The record index when `value` is intact, else -1.
int check_value(std::string_view value) {
  auto colon = value.rfind(':');
  if (colon == std::string_view::npos || value.size() < 2 || value[0] != 'v') return -1;
  std::string_view body = value.substr(0, colon);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv1a(body));
  if (value.substr(colon + 1) != hex) return -1;
  int i = std::atoi(std::string(body.substr(1)).c_str());
  if (i < 0 || i >= kRecords || record_value(i) != value) return -1;
  return i;
}

// Everything except offset-lie and api-versions-lie: a lie about the offsets a client seeks
// to makes any correct client skip records, and a decodable ApiVersions lie ("no Fetch
// here") holds for the connection's lifetime in any client; neither fits the "eventually
// delivers all" check.
std::string honest_mutations() {
  return "error-code,throttle,offset,leader-id,partition-count,random-body,records-truncate,"
         "records-flip,records-bad-crc,records-bad-length,raw-flip,raw-truncate,wrong-length,"
         "wrong-correlation-id";
}

}  // namespace

TEST_CASE("fuzz proxy: kafkit producer and consumer through a hostile proxy") {
  broker::test::TempDir dir;
  broker::test::BrokerProcess broker((dir.path / "data").string(),
                                     {"--set", "num.partitions=" + std::to_string(kPartitions)});
  broker.start();
  // KAFKIT_FUZZ_SEED replaces the fixed seed, to explore.
  const char* seed_env = std::getenv("KAFKIT_FUZZ_SEED");
  std::string seed = seed_env != nullptr ? seed_env : "7";
  // KAFKIT_FUZZ_PROXY_LOG keeps the proxy's action log (for replaying a failure by hand).
  const char* keep_log = std::getenv("KAFKIT_FUZZ_PROXY_LOG");
  std::string log_file = keep_log != nullptr ? keep_log : (dir.path / "proxy.log").string();
  // KAFKIT_FUZZ_RATE, KAFKIT_FUZZ_ACTIONS and KAFKIT_FUZZ_MUTATIONS too (e.g. mutate only, at a
  // high rate).
  const char* rate_env = std::getenv("KAFKIT_FUZZ_RATE");
  const char* actions_env = std::getenv("KAFKIT_FUZZ_ACTIONS");
  fuzz::test::ProxyProcess proxy(
      {"--upstream", broker.bootstrap(), "--seed", seed, "--rate",
       rate_env != nullptr ? rate_env : "0.15", "--actions",
       actions_env != nullptr ? actions_env : "mutate,drop,delay,reorder,close", "--max-delay-ms",
       "1500", "--mutations",
       std::getenv("KAFKIT_FUZZ_MUTATIONS") != nullptr ? std::getenv("KAFKIT_FUZZ_MUTATIONS")
                                                       : honest_mutations(),
       "--log", log_file});
  proxy.start();
  MESSAGE("broker " << broker.bootstrap() << ", proxy " << proxy.bootstrap() << ", log "
                    << log_file);

  // --- Producer through the proxy: a report for every accepted send, in bounded time.
  std::vector<int> reports(kRecords, 0);
  std::vector<bool> acked(kRecords, false);
  std::map<int, int> failures;  // error code -> count
  std::map<std::string, int> failure_messages;
  std::vector<bool> accepted(kRecords, false);
  {
    Producer producer(Config{{"bootstrap.servers", proxy.bootstrap()},
                             {"acks", "all"},
                             {"enable.idempotence", "true"},
                             // Small batches: a few hundred requests for the proxy to act on.
                             {"linger.ms", "0"},
                             {"batch.num.messages", "8"},
                             {"request.timeout.ms", "1500"},
                             {"delivery.timeout.ms", "25000"},
                             {"retry.backoff.ms", "50"},
                             {"retry.backoff.max.ms", "500"},
                             {"max.block.ms", "5000"}},
                      {.on_delivery = [&](const DeliveryReport& r) {
                        auto i = int(reinterpret_cast<intptr_t>(r.opaque));
                        ++reports[size_t(i)];
                        if (r.ok())
                          acked[size_t(i)] = true;
                        else if (++failures[r.error->code] <= 3)
                          ++failure_messages[r.error->message];
                      }});
    for (int i = 0; i < kRecords; ++i) {
      std::string v = record_value(i);
      std::string k = "k" + std::to_string(i);
      auto sent = producer.send(
          {.topic = kTopic, .key = k, .value = v, .opaque = reinterpret_cast<void*>(intptr_t(i))});
      accepted[size_t(i)] = sent.ok();
      if (i % 100 == 0) producer.poll();
    }
    auto deadline = Clock::now() + std::chrono::seconds(45);
    auto outstanding = [&] {
      int n = 0;
      for (int i = 0; i < kRecords; ++i) n += accepted[size_t(i)] && reports[size_t(i)] == 0;
      return n;
    };
    while (outstanding() > 0 && Clock::now() < deadline)
      producer.poll(std::chrono::milliseconds(100));
    CHECK_MESSAGE(outstanding() == 0, "sends without a delivery report after 45 s");
    CHECK(producer.close(std::chrono::seconds(5)).ok());
  }
  int n_accepted = 0, n_acked = 0;
  for (int i = 0; i < kRecords; ++i) {
    n_accepted += accepted[size_t(i)];
    n_acked += acked[size_t(i)];
    CHECK_MESSAGE(reports[size_t(i)] <= 1, "record " << i << " reported twice");
  }
  std::string failure_text;
  for (const auto& [code, n] : failures)
    failure_text += " code " + std::to_string(code) + " x" + std::to_string(n);
  for (const auto& entry : failure_messages) MESSAGE("delivery failure: " << entry.first);
  MESSAGE("producer: " << n_accepted << " accepted, " << n_acked
                       << " acknowledged, failures:" << failure_text);
  // How many get through depends on how often the proxy strikes (each drop costs a request
  // timeout); that all are accounted for, and none is lost, is the point.
  CHECK(n_acked > 0);

  // --- The log, read straight from the broker: intact, and every ack is in it.
  std::set<int> in_log;
  std::map<int, std::pair<int, int64_t>> where;  // record -> partition, offset
  for (int p = 0; p < kPartitions; ++p) {
    for (const auto& rec : test::read_partition(broker.port(), kTopic, p)) {
      REQUIRE(rec.value.has_value());
      int i = check_value(*rec.value);
      CHECK_MESSAGE(i >= 0, "corrupt record in the log at " << p << "/" << rec.offset);
      if (i >= 0) {
        in_log.insert(i);
        where[i] = {p, rec.offset};
      }
    }
  }
  int lost = 0;
  for (int i = 0; i < kRecords; ++i)
    if (acked[size_t(i)] && !in_log.contains(i)) {
      if (++lost <= 10) MESSAGE("acknowledged record " << i << " is not in the log");
    }
  CHECK(lost == 0);

  // --- A group consumer through the proxy: errors reported, nothing corrupt delivered, and
  // after the proxy calms down every record in the log is delivered.
  std::set<int> delivered;
  int corrupt = 0, error_events = 0;
  std::set<std::string> error_texts;
  {
    Consumer consumer(Config{{"bootstrap.servers", proxy.bootstrap()},
                             {"group.id", "fuzz-proxy"},
                             {"auto.offset.reset", "earliest"},
                             {"session.timeout.ms", "6000"},
                             {"heartbeat.interval.ms", "500"},
                             // A JoinGroup may be held by the broker for the rebalance timeout
                             // (this), so one whose answer never arrives (a wrong size
                             // prefix) times out after it plus 5 s, as in Java's client.
                             {"max.poll.interval.ms", "8000"},
                             // A lie in Metadata (a topic error, no partitions) held at the
                             // last rebalance leaves the group's assignment empty until the
                             // next refresh shows the partitions again (then it rejoins).
                             {"metadata.max.age.ms", "3000"},
                             {"request.timeout.ms", "2500"},
                             {"fetch.max.wait.ms", "200"},
                             // Small fetches: many responses for the proxy to act on.
                             {"max.partition.fetch.bytes", "2048"},
                             {"fetch.max.bytes", "4096"},
                             {"retry.backoff.ms", "50"},
                             {"retry.backoff.max.ms", "500"},
                             {"fetch.error.backoff.ms", "100"}});
    REQUIRE(consumer.subscribe({kTopic}).ok());
    auto consume_until = [&](Clock::time_point until) {
      while (Clock::now() < until && delivered.size() < in_log.size()) {
        PollResult got = consumer.poll(std::chrono::milliseconds(200));
        for (const auto& e : got.events)
          if (e.type == ConsumerEvent::Type::error || e.type == ConsumerEvent::Type::fatal) {
            ++error_events;
            std::string text = e.error ? e.error->message : "?";
            if (error_texts.size() < 8) error_texts.insert(text.substr(0, 160));
          }
        for (const auto& r : got.records) {
          int i = r.value ? check_value(*r.value) : -1;
          if (i < 0) {
            if (++corrupt <= 10)
              MESSAGE("corrupt record delivered at " << r.partition << "/" << r.offset);
            continue;
          }
          delivered.insert(i);
        }
      }
    };
    consume_until(Clock::now() + std::chrono::seconds(10));
    MESSAGE("consumer, hostile phase: " << delivered.size() << " of " << in_log.size()
                                        << " delivered, " << error_events << " error events");
    proxy.calm();
    consume_until(Clock::now() + std::chrono::seconds(30));
    if (delivered.size() < in_log.size()) {
      // What a stalled consumer thinks, for the report.
      MESSAGE("stalled: member '" << consumer.member_id() << "', " << consumer.assignment().size()
                                  << " partitions assigned");
      for (const auto& tp : consumer.assignment()) {
        auto pos = consumer.position(tp);
        auto lag = consumer.lag(tp);
        MESSAGE("  " << tp.topic << "/" << tp.partition << " position "
                     << (pos.ok() ? std::to_string(*pos) : pos.error().message) << " lag "
                     << (lag ? std::to_string(*lag) : "unknown"));
      }
    }
    (void)consumer.close(std::chrono::seconds(5));
  }
  MESSAGE("consumer: " << delivered.size() << " of " << in_log.size() << " delivered, "
                       << error_events << " error events");
  for (const auto& t : error_texts) MESSAGE("consumer error: " << t);
  CHECK(corrupt == 0);
  CHECK(delivered == in_log);
  int missing = 0;
  for (int i : in_log)
    if (!delivered.contains(i) && ++missing <= 10)
      MESSAGE("record " << i << " at " << where[i].first << "/" << where[i].second
                        << " was never delivered");

  CHECK(proxy.stop() == 0);
  MESSAGE(proxy.output());
  CHECK(proxy.output().find("summary") != std::string::npos);
  CHECK(broker.stop() == 0);
}

// A raw client of the proxy: connects to host:port and sends `bytes`; true when the proxy
// then closes the connection within 10 s.
bool closed_after_sending(const std::string& hostport, const std::string& bytes) {
  auto colon = hostport.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(std::stoi(hostport.substr(colon + 1))));
  REQUIRE(inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &addr.sin_addr) == 1);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size()));
  pollfd p{fd, POLLIN, 0};
  bool closed = false;
  char buf[64];
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!closed && Clock::now() < deadline) {
    if (::poll(&p, 1, 100) <= 0) continue;
    closed = ::recv(fd, buf, sizeof buf, 0) <= 0;
  }
  ::close(fd);
  return closed;
}

TEST_CASE("fuzz proxy: a client frame of a bad size closes that connection, others are served") {
  broker::test::TempDir dir;
  broker::test::BrokerProcess broker((dir.path / "data").string(), {});
  broker.start();
  std::string log_file = (dir.path / "proxy.log").string();
  fuzz::test::ProxyProcess proxy(
      {"--upstream", broker.bootstrap(), "--rate", "0", "--log", log_file});
  proxy.start();
  CHECK(closed_after_sending(proxy.bootstrap(), std::string("\x7f\xff\xff\xff", 4)));
  CHECK(closed_after_sending(proxy.bootstrap(), std::string("\x00\x00\x00\x02xx", 6)));
  // The proxy goes on forwarding for everyone else.
  Producer p(Config{{"bootstrap.servers", proxy.bootstrap()}, {"linger.ms", "0"}});
  REQUIRE(p.send({.topic = "after-bad-frames", .value = "ok"}).ok());
  auto flushed = p.flush(std::chrono::seconds(15));
  CHECK_MESSAGE(flushed.ok(), (flushed.ok() ? "" : flushed.error().message));
  CHECK(p.close(std::chrono::seconds(5)).ok());
  CHECK(proxy.stop() == 0);
  std::stringstream log;
  log << std::ifstream(log_file).rdbuf();
  CHECK_MESSAGE(
      log.str().find("client sent a frame of size 2147483647; closed") != std::string::npos,
      log.str());
  CHECK(log.str().find("client sent a frame of size 2; closed") != std::string::npos);
  CHECK(broker.stop() == 0);
}
