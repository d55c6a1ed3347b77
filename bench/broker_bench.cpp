// broker-bench: kafkit-broker side by side with librdkafka's in-memory mock cluster, both
// driven by librdkafka as the client. For 100-byte and 1 KiB messages it reports ingest
// (produce) and fetch (consume) throughput in msgs/s and MB/s, the kafkit/mock ratio, and
// the broker's CPU time per message. Run by hand:
//   broker-bench [--messages N] [--quick] [--repeats R] [--broker PATH]
//
// Goal (issue 4, "the broker is never the bottleneck"): kafkit-broker, persisting to disk
// and validating every batch CRC, sustains at least 90% of the ingest throughput the same
// client reaches against the mock, at under 100 ns of broker CPU per 100-byte message.
// A MISS is reported, not an exit status: this is a benchmark, not a test.
//
// Method:
// - Each broker is its own child process, so that its CPU time is its own: kafkit-broker
//   on 127.0.0.1:0 with a fresh --data-dir and default durability (no fsync per message,
//   like a Kafka broker's defaults), and this binary re-executed as `--serve-mock`, which
//   runs rd_kafka_mock_cluster_new() with one broker. A broker's CPU time (user + system,
//   all threads) is read before and after each phase; broker ns/msg = delta / messages.
// - Ingest: one producer (acks=1, linger.ms=5, batch.num.messages=10000, no compression,
//   null keys) sends N values round-robin over the 4 partitions of a fresh topic. The clock
//   runs from the first produce() until flush() returns; connection and metadata are set up
//   before. Afterwards the partitions' high watermarks must add up to N.
// - Fetch: librdkafka 2.0.2's mock keeps only the newest 5 MiB of each partition (fixed in
//   its code), so N messages cannot be read back from the 4-partition ingest topic. Each size
//   therefore has a second topic with enough partitions to hold N messages under that limit,
//   filled (untimed) by the same producer, and a simple consumer (consume_start_queue from
//   offset 0 on every partition into one queue, consume_batch_queue, no group.id) reads all
//   N back, checking every offset and length. The clock runs from consume_start until the
//   last message is in hand.
// - MB/s counts message values, 10^6 bytes. The client's own CPU per message is shown too:
//   on a 2-core machine client and broker share the CPUs, so a client at one full core is
//   the bottleneck whatever the broker does. Each run's line also shows how much of the
//   broker's CPU time was spent in the kernel (utime/stime ticks from /proc/<pid>/stat).
// - Noise: each broker runs --repeats times (default 3), interleaved and alternating which
//   goes first (mock kafkit, kafkit mock, ...), each run on a fresh broker process. The table
//   shows per broker the best throughput and, separately, the lowest broker CPU per message.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "broker_bench_process.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using kafkit::bench::BrokerProcess;

constexpr int kIngestPartitions = 4;
constexpr std::array<size_t, 2> kSizes = {100, 1024};
// Bytes of log we let the mock hold per partition of a fetch topic: under its 5 MiB limit,
// with room for record and batch framing (estimated at 16 bytes per record below).
constexpr double kMockPartitionBudget = 4.0e6;
constexpr auto kPhaseStall = std::chrono::seconds(30);

enum Broker { kMock = 0, kKafkit = 1 };
enum Phase { kIngest = 0, kFetch = 1 };
const char* const kBrokerNames[] = {"mock", "kafkit"};
const char* const kPhaseNames[] = {"ingest", "fetch"};

struct Options {
  long messages = 1'000'000;  // of 100 bytes; 1 KiB messages: a fifth of this
  bool quick = false;
  int repeats = 3;
  std::string broker_exe;
};

long messages_for(const Options& o, size_t size) {
  long n = o.quick ? o.messages / 10 : o.messages;
  return std::max(1L, size == 100 ? n : n / 5);
}

// Enough partitions that n messages of `size` bytes stay inside the mock's retention.
int fetch_partitions(size_t size, long n) {
  double bytes = double(n) * double(size + 16);
  return std::max(kIngestPartitions, int(std::ceil(bytes / kMockPartitionBudget)));
}

std::string topic_name(Phase phase, size_t size) {
  return std::string(phase == kIngest ? "ingest-" : "fetch-") + std::to_string(size);
}

struct Measurement {
  long messages = 0;
  double seconds = 0;
  double broker_cpu = 0;         // seconds
  double broker_sys_share = -1;  // of broker_cpu, in the kernel (from clock ticks)
  double client_cpu = 0;         // seconds
  double msgs_per_s() const { return double(messages) / seconds; }
  double mb_per_s(size_t size) const { return msgs_per_s() * double(size) / 1e6; }
  double broker_ns() const { return broker_cpu * 1e9 / double(messages); }
  double client_ns() const { return client_cpu * 1e9 / double(messages); }
};

double client_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// Brackets a phase: wall clock, broker CPU and client CPU.
class PhaseClock {
 public:
  explicit PhaseClock(const BrokerProcess& broker)
      : broker_(broker),
        broker_cpu_(broker.cpu_seconds()),
        broker_split_(broker.user_system_seconds()),
        client_cpu_(client_cpu_seconds()),
        start_(Clock::now()) {}
  Measurement stop(long messages) const {
    Measurement m;
    m.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    m.broker_cpu = broker_.cpu_seconds() - broker_cpu_;
    auto [user, system] = broker_.user_system_seconds();
    double ticks = (user - broker_split_.first) + (system - broker_split_.second);
    double share = ticks > 0 ? (system - broker_split_.second) / ticks : -1;
    if (user >= 0 && broker_split_.first >= 0 && share >= 0 && share <= 1) {
      m.broker_sys_share = share;
    }
    m.client_cpu = client_cpu_seconds() - client_cpu_;
    m.messages = messages;
    return m;
  }

 private:
  const BrokerProcess& broker_;
  double broker_cpu_;
  std::pair<double, double> broker_split_;
  double client_cpu_;
  Clock::time_point start_;
};

// --- librdkafka handles ---------------------------------------------------------------

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};
using Client = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;
using Topic = std::unique_ptr<rd_kafka_topic_t, RdKafkaDeleter>;
using Queue = std::unique_ptr<rd_kafka_queue_t, RdKafkaDeleter>;
using Event = std::unique_ptr<rd_kafka_event_t, RdKafkaDeleter>;
using NewTopic = std::unique_ptr<rd_kafka_NewTopic_t, RdKafkaDeleter>;
using Metadata = std::unique_ptr<const rd_kafka_metadata_t, RdKafkaDeleter>;

using Props = std::vector<std::pair<const char*, std::string>>;

struct DeliveryCounts {
  long ok = 0;
  long failed = 0;
  std::string first_error;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* counts = static_cast<DeliveryCounts*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++counts->ok;
  } else if (counts->failed++ == 0) {
    counts->first_error = std::string(rd_kafka_err2name(msg->err)) + ": " +
                          rd_kafka_err2str(msg->err) + " (partition " +
                          std::to_string(msg->partition) + ")";
  }
}

Client make_client(rd_kafka_type_t type, const Props& props, DeliveryCounts* counts,
                   std::string& error) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [key, value] : props) {
    if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      error = std::string("librdkafka config ") + key + "=" + value + ": " + err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  if (counts != nullptr) {
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, counts);
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);  // owns conf on success
  if (rk == nullptr) {
    error = std::string("rd_kafka_new: ") + err;
    rd_kafka_conf_destroy(conf);
  }
  return Client(rk);
}

// Waits until the broker's metadata shows `partitions` partitions, each with a leader. This
// also opens the connection, so that a phase's clock does not include it.
bool wait_for_topic(rd_kafka_t* rk, rd_kafka_topic_t* rkt, int partitions, std::string& error) {
  auto deadline = Clock::now() + std::chrono::seconds(20);
  std::string last = "no answer";
  while (Clock::now() < deadline) {
    const rd_kafka_metadata_t* raw = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &raw, 5000);
    Metadata md(raw);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      last = rd_kafka_err2str(err);
    } else if (md->topic_cnt != 1) {
      last = "metadata names " + std::to_string(md->topic_cnt) + " topics";
    } else if (md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      last = rd_kafka_err2name(md->topics[0].err);
    } else if (md->topics[0].partition_cnt != partitions) {
      last = std::to_string(md->topics[0].partition_cnt) + " partitions";
    } else {
      const rd_kafka_metadata_topic_t& t = md->topics[0];
      bool ready = std::all_of(t.partitions, t.partitions + t.partition_cnt,
                               [](const auto& p) { return p.err == 0 && p.leader >= 0; });
      if (ready) return true;
      last = "a partition without leader";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  error = std::string("topic ") + rd_kafka_topic_name(rkt) + " not ready with " +
          std::to_string(partitions) + " partitions within 20 s (last: " + last + ")";
  return false;
}

// Sum of the high watermarks. With `whole_log`, each partition's low watermark must be 0
// (the mock drops the oldest messages past 5 MiB a partition; a fetch topic must not need it).
std::optional<int64_t> high_watermarks(rd_kafka_t* rk, const std::string& topic, int partitions,
                                       bool whole_log, std::string& error) {
  int64_t sum = 0;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 10000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      error = "watermarks of " + topic + " [" + std::to_string(p) + "]: " + rd_kafka_err2str(err);
      return std::nullopt;
    }
    if (whole_log && low != 0) {
      error = topic + " [" + std::to_string(p) + "] starts at offset " + std::to_string(low) +
              ", not 0: the broker dropped messages";
      return std::nullopt;
    }
    sum += high;
  }
  return sum;
}

// kafkit-broker: topics through the Admin API (CreateTopics), as an application would.
bool create_topics(const std::string& bootstrap,
                   const std::vector<std::pair<std::string, int>>& topics, std::string& error) {
  Client rk = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}}, nullptr, error);
  if (!rk) return false;
  char err[512];
  std::vector<NewTopic> owned;
  std::vector<rd_kafka_NewTopic_t*> list;
  for (const auto& [name, partitions] : topics) {
    owned.emplace_back(rd_kafka_NewTopic_new(name.c_str(), partitions, 1, err, sizeof err));
    if (!owned.back()) {
      error = std::string("NewTopic ") + name + ": " + err;
      return false;
    }
    list.push_back(owned.back().get());
  }
  Queue queue(rd_kafka_queue_new(rk.get()));
  rd_kafka_CreateTopics(rk.get(), list.data(), list.size(), nullptr, queue.get());
  Event ev(rd_kafka_queue_poll(queue.get(), 30000));
  if (!ev) {
    error = "CreateTopics: no result within 30 s";
    return false;
  }
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = std::string("CreateTopics: ") + rd_kafka_event_error_string(ev.get());
    return false;
  }
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &count);
  for (size_t i = 0; i < count; ++i) {
    if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* message = rd_kafka_topic_result_error_string(results[i]);
      error = std::string("CreateTopics ") + rd_kafka_topic_result_name(results[i]) + ": " +
              rd_kafka_err2name(rd_kafka_topic_result_error(results[i])) + " " +
              (message ? message : "");
      return false;
    }
  }
  return true;
}

// --- phases ------------------------------------------------------------------------------

// Message values: one buffer of pseudo-random bytes that every message points into
// (produced without RD_KAFKA_MSG_F_COPY, so the client does not copy or free them).
const std::vector<char>& payload() {
  static const std::vector<char> bytes = [] {
    std::vector<char> b(kSizes.back());
    uint32_t x = 2463534242u;
    for (char& c : b) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      c = static_cast<char>('a' + x % 26);
    }
    return b;
  }();
  return bytes;
}

// Produces n values of `size` bytes round-robin over the topic's partitions and waits for
// every delivery report. The measurement covers first produce() to flush() returning.
std::optional<Measurement> produce(const std::string& bootstrap, const BrokerProcess& broker,
                                   const std::string& topic, int partitions, size_t size, long n,
                                   std::string& error) {
  DeliveryCounts counts;
  Client rk = make_client(RD_KAFKA_PRODUCER,
                          {{"bootstrap.servers", bootstrap},
                           {"acks", "1"},
                           {"linger.ms", "5"},
                           {"batch.num.messages", "10000"},
                           {"compression.type", "none"},
                           {"queue.buffering.max.messages", "2000000"},
                           {"message.timeout.ms", "120000"}},
                          &counts, error);
  if (!rk) return std::nullopt;
  Topic rkt(rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr));
  if (!wait_for_topic(rk.get(), rkt.get(), partitions, error)) return std::nullopt;

  void* value = const_cast<char*>(payload().data());
  PhaseClock clock(broker);
  for (long i = 0; i < n;) {
    auto partition = static_cast<int32_t>(i % partitions);
    if (rd_kafka_produce(rkt.get(), partition, 0, value, size, nullptr, 0, nullptr) != 0) {
      rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        error = std::string("produce: ") + rd_kafka_err2str(err);
        return std::nullopt;
      }
      rd_kafka_poll(rk.get(), 10);
      continue;
    }
    if ((++i & 1023) == 0) rd_kafka_poll(rk.get(), 0);
  }
  rd_kafka_resp_err_t flushed = rd_kafka_flush(rk.get(), 180000);
  Measurement m = clock.stop(n);
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = "flush: " + std::string(rd_kafka_err2str(flushed)) + " with " +
            std::to_string(rd_kafka_outq_len(rk.get())) + " messages outstanding";
    return std::nullopt;
  }
  if (counts.failed != 0 || counts.ok != n) {
    error = std::to_string(counts.failed) + " of " + std::to_string(n) +
            " messages failed, first: " + counts.first_error;
    return std::nullopt;
  }
  auto high = high_watermarks(rk.get(), topic, partitions, false, error);
  if (!high) return std::nullopt;
  if (*high != n) {
    error = topic + ": high watermarks add up to " + std::to_string(*high) + " after " +
            std::to_string(n) + " acknowledged messages";
    return std::nullopt;
  }
  return m;
}

// Reads the n messages that produce() wrote to a fresh topic, every offset once.
std::optional<Measurement> consume(const std::string& bootstrap, const BrokerProcess& broker,
                                   const std::string& topic, int partitions, size_t size, long n,
                                   std::string& error) {
  Client rk = make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap}}, nullptr, error);
  if (!rk) return std::nullopt;
  // The simple consumer has no group: nothing to commit.
  char err[512];
  rd_kafka_topic_conf_t* tconf = rd_kafka_topic_conf_new();
  if (rd_kafka_topic_conf_set(tconf, "auto.commit.enable", "false", err, sizeof err) !=
      RD_KAFKA_CONF_OK) {
    error = std::string("auto.commit.enable: ") + err;
    rd_kafka_topic_conf_destroy(tconf);
    return std::nullopt;
  }
  Topic rkt(rd_kafka_topic_new(rk.get(), topic.c_str(), tconf));
  if (!wait_for_topic(rk.get(), rkt.get(), partitions, error)) return std::nullopt;
  auto high = high_watermarks(rk.get(), topic, partitions, true, error);
  if (!high) return std::nullopt;
  if (*high != n) {
    error = topic + " holds " + std::to_string(*high) + " messages, expected " + std::to_string(n);
    return std::nullopt;
  }

  Queue queue(rd_kafka_queue_new(rk.get()));
  std::vector<int64_t> next(size_t(partitions), 0);
  std::vector<rd_kafka_message_t*> batch(4096);
  long received = 0;
  PhaseClock clock(broker);
  for (int p = 0; p < partitions; ++p) {
    if (rd_kafka_consume_start_queue(rkt.get(), p, 0, queue.get()) != 0) {
      error = "consume_start: " + std::string(rd_kafka_err2str(rd_kafka_last_error()));
      return std::nullopt;
    }
  }
  auto last_progress = Clock::now();
  while (received < n && error.empty()) {
    // consume_batch_queue waits until the array is full or the timeout passes, so never ask
    // for more than are still to come: the last call returns with the last message.
    size_t want = std::min(batch.size(), size_t(n - received));
    ssize_t got = rd_kafka_consume_batch_queue(queue.get(), 1000, batch.data(), want);
    if (got < 0) {
      error = "consume_batch_queue: " + std::string(rd_kafka_err2str(rd_kafka_last_error()));
      break;
    }
    if (got == 0 && Clock::now() - last_progress > kPhaseStall) {
      error = "stalled: no message for 30 s after " + std::to_string(received) + " of " +
              std::to_string(n);
    }
    if (got > 0) last_progress = Clock::now();
    for (ssize_t i = 0; i < got; ++i) {
      const rd_kafka_message_t* msg = batch[size_t(i)];
      if (!error.empty()) {
      } else if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      } else if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = std::string("fetch ") + topic + " [" + std::to_string(msg->partition) +
                "]: " + rd_kafka_err2name(msg->err) + " " + rd_kafka_message_errstr(msg);
      } else if (msg->partition < 0 || msg->partition >= partitions ||
                 msg->offset != next[size_t(msg->partition)] || msg->len != size) {
        error = "unexpected message: " + topic + " [" + std::to_string(msg->partition) +
                "] offset " + std::to_string(msg->offset) + ", " + std::to_string(msg->len) +
                " bytes";
      } else {
        ++next[size_t(msg->partition)];
        ++received;
      }
      rd_kafka_message_destroy(batch[size_t(i)]);
    }
  }
  Measurement m = clock.stop(n);
  for (int p = 0; p < partitions; ++p) rd_kafka_consume_stop(rkt.get(), p);
  if (!error.empty()) return std::nullopt;
  return m;
}

// --- the mock cluster as a process ---------------------------------------------------------

// `broker-bench --serve-mock TOPIC:PARTITIONS...`: one mock broker with those topics; prints
// its ready line and serves until SIGTERM.
int serve_mock(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before librdkafka starts its threads

  std::string error;
  Client rk = make_client(RD_KAFKA_PRODUCER, {}, nullptr, error);
  if (!rk) {
    std::fprintf(stderr, "mock: %s\n", error.c_str());
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk.get(), 1);
  if (cluster == nullptr) {
    std::fprintf(stderr, "mock: rd_kafka_mock_cluster_new failed\n");
    return 1;
  }
  for (int i = 2; i < argc; ++i) {
    std::string_view spec = argv[i];
    size_t colon = spec.rfind(':');
    std::string name(spec.substr(0, colon));
    int partitions = colon == std::string_view::npos ? 1 : std::atoi(argv[i] + colon + 1);
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, 1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "mock: topic %s: %s\n", name.c_str(), rd_kafka_err2str(err));
      return 1;
    }
  }
  std::printf("mock ready bootstrap.servers=%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  rd_kafka_mock_cluster_destroy(cluster);
  return 0;
}

// --- runs and report -------------------------------------------------------------------------

struct Cell {
  std::optional<Measurement> best;  // highest msgs/s
  double min_broker_ns = std::numeric_limits<double>::infinity();
  double min_client_ns = std::numeric_limits<double>::infinity();
  void add(const Measurement& m) {
    if (!best || m.msgs_per_s() > best->msgs_per_s()) best = m;
    min_broker_ns = std::min(min_broker_ns, m.broker_ns());
    min_client_ns = std::min(min_client_ns, m.client_ns());
  }
};

// [phase][size index][broker]
using Results = std::array<std::array<std::array<Cell, 2>, kSizes.size()>, 2>;

std::string self_exe() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : path.string();
}

// The machine's 1/5/15-minute load averages: other work on these cores shows up as noise.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

std::string make_temp_dir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/broker-bench.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
}

std::string percent(double share) {
  if (share < 0) return "  ?";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%3.0f%%", 100 * share);
  return buf;
}

// One run against a fresh broker process: for each size, ingest, then fill the fetch topic
// and fetch. Returns false if anything failed (the reason is printed).
bool run_broker(Broker which, int run, const Options& opt, Results& results) {
  std::string dir = make_temp_dir();
  if (dir.empty()) {
    std::fprintf(stderr, "broker-bench: mkdtemp: %s\n", std::strerror(errno));
    return false;
  }
  std::vector<std::pair<std::string, int>> topics;
  for (size_t size : kSizes) {
    topics.emplace_back(topic_name(kIngest, size), kIngestPartitions);
    topics.emplace_back(topic_name(kFetch, size), fetch_partitions(size, messages_for(opt, size)));
  }
  std::vector<std::string> args;
  if (which == kKafkit) {
    args = {opt.broker_exe,
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            dir + "/data",
            "--set",
            "num.partitions=" + std::to_string(kIngestPartitions)};
  } else {
    args = {self_exe(), "--serve-mock"};
    for (const auto& [name, partitions] : topics) {
      args.push_back(name + ":" + std::to_string(partitions));
    }
  }
  const char* name = kBrokerNames[which];
  std::string log_path = dir + "/" + name + ".log";
  std::string error;
  BrokerProcess broker;
  bool ok = broker.start(args, log_path, std::chrono::seconds(30), error) &&
            (which == kMock || create_topics(broker.bootstrap(), topics, error));
  for (size_t s = 0; ok && s < kSizes.size(); ++s) {
    size_t size = kSizes[s];
    long n = messages_for(opt, size);
    int fetch_parts = fetch_partitions(size, n);
    for (Phase phase : {kIngest, kFetch}) {
      std::optional<Measurement> m;
      if (phase == kIngest) {
        m = produce(broker.bootstrap(), broker, topic_name(kIngest, size), kIngestPartitions, size,
                    n, error);
      } else {
        m = produce(broker.bootstrap(), broker, topic_name(kFetch, size), fetch_parts, size, n,
                    error);
        if (m) {
          m = consume(broker.bootstrap(), broker, topic_name(kFetch, size), fetch_parts, size, n,
                      error);
        }
      }
      if (!m) {
        std::printf("run %d %-6s %-6s %4zu B: FAILED: %s\n", run, name, kPhaseNames[phase], size,
                    error.c_str());
        ok = false;
        break;
      }
      std::printf(
          "run %d %-6s %-6s %4zu B: %8ld msgs in %6.3f s = %9.0f msgs/s %7.1f MB/s; "
          "CPU ns/msg broker %6.1f (%s sys) client %6.1f\n",
          run, name, kPhaseNames[phase], size, m->messages, m->seconds, m->msgs_per_s(),
          m->mb_per_s(size), m->broker_ns(), percent(m->broker_sys_share).c_str(), m->client_ns());
      std::fflush(stdout);
      results[phase][s][which].add(*m);
    }
  }
  std::string how = broker.stop(std::chrono::seconds(60));
  if (how != "exit 0") {
    std::printf("run %d %-6s: broker ended with %s\n", run, name, how.c_str());
    ok = false;
  }
  if (ok) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  } else {
    std::printf("run %d %-6s: kept %s (broker stderr in %s)\n", run, name, dir.c_str(),
                log_path.c_str());
  }
  return ok;
}

std::string cell_text(const std::optional<Measurement>& m, double value) {
  if (!m) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, value >= 100 ? "%.0f" : "%.1f", value);
  return buf;
}

void print_table(const Options& opt, const Results& results) {
  std::printf(
      "\nbest of %d run(s) per broker (throughput: the fastest run; CPU: the lowest)\n"
      "%-6s %6s %8s | %-28s | %-17s | %-17s | %-17s\n"
      "%-6s %6s %8s | %10s %10s %6s | %8s %8s | %8s %8s | %8s %8s\n",
      opt.repeats, "", "", "", "msgs/s", "MB/s", "broker CPU ns/msg", "client CPU ns/msg", "phase",
      "size", "messages", "mock", "kafkit", "ratio", "mock", "kafkit", "mock", "kafkit", "mock",
      "kafkit");
  for (Phase phase : {kIngest, kFetch}) {
    for (size_t s = 0; s < kSizes.size(); ++s) {
      const Cell& mock = results[phase][s][kMock];
      const Cell& kafkit = results[phase][s][kKafkit];
      std::string ratio = "-";
      if (mock.best && kafkit.best) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.2f", kafkit.best->msgs_per_s() / mock.best->msgs_per_s());
        ratio = buf;
      }
      auto rate = [](const Cell& c) { return c.best ? c.best->msgs_per_s() : 0; };
      auto mbs = [&](const Cell& c) { return c.best ? c.best->mb_per_s(kSizes[s]) : 0; };
      std::printf(
          "%-6s %4zu B %8ld | %10s %10s %6s | %8s %8s | %8s %8s | %8s %8s\n", kPhaseNames[phase],
          kSizes[s], messages_for(opt, kSizes[s]), cell_text(mock.best, rate(mock)).c_str(),
          cell_text(kafkit.best, rate(kafkit)).c_str(), ratio.c_str(),
          cell_text(mock.best, mbs(mock)).c_str(), cell_text(kafkit.best, mbs(kafkit)).c_str(),
          cell_text(mock.best, mock.min_broker_ns).c_str(),
          cell_text(kafkit.best, kafkit.min_broker_ns).c_str(),
          cell_text(mock.best, mock.min_client_ns).c_str(),
          cell_text(kafkit.best, kafkit.min_client_ns).c_str());
    }
  }
}

// The goals, PASS or MISS (or "no data" when a run failed).
void print_goals(const Results& results) {
  std::string line = "goals:";
  for (size_t s = 0; s < kSizes.size(); ++s) {
    const Cell& mock = results[kIngest][s][kMock];
    const Cell& kafkit = results[kIngest][s][kKafkit];
    char buf[128];
    if (mock.best && kafkit.best) {
      double ratio = kafkit.best->msgs_per_s() / mock.best->msgs_per_s();
      std::snprintf(buf, sizeof buf, " ingest %zu B ratio %.2f >= 0.90 %s;", kSizes[s], ratio,
                    ratio >= 0.90 ? "PASS" : "MISS");
    } else {
      std::snprintf(buf, sizeof buf, " ingest %zu B ratio: no data;", kSizes[s]);
    }
    line += buf;
  }
  const Cell& cpu = results[kIngest][0][kKafkit];
  char buf[128];
  if (cpu.best) {
    std::snprintf(buf, sizeof buf, " kafkit CPU per 100 B message %.1f ns < 100 ns %s",
                  cpu.min_broker_ns, cpu.min_broker_ns < 100 ? "PASS" : "MISS");
  } else {
    std::snprintf(buf, sizeof buf, " kafkit CPU per 100 B message: no data");
  }
  line += buf;
  std::printf("%s\n", line.c_str());
}

const char* kUsage =
    "usage: broker-bench [--messages N] [--quick] [--repeats R] [--broker PATH]\n"
    "  --messages N   100-byte messages per phase (default 1000000; 1 KiB: N/5)\n"
    "  --quick        a tenth of the messages, for a smoke run\n"
    "  --repeats R    runs per broker, interleaved; best is reported (default 3)\n"
    "  --broker PATH  kafkit-broker binary (default: $KAFKIT_BROKER, else the one meson built)\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "--serve-mock") return serve_mock(argc, argv);
  Options opt;
  opt.broker_exe = kafkit::bench::default_broker_exe();
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--quick") {
      opt.quick = true;
    } else if ((arg == "--messages" || arg == "--repeats" || arg == "--broker") && value) {
      ++i;
      if (arg == "--broker") {
        opt.broker_exe = value;
        continue;
      }
      char* end = nullptr;
      long v = std::strtol(value, &end, 10);
      if (*end != '\0' || v < 1 || v > 100'000'000) {
        std::fprintf(stderr, "broker-bench: %s needs a positive number\n%s", argv[i - 1], kUsage);
        return 2;
      }
      if (arg == "--messages") opt.messages = v;
      if (arg == "--repeats") opt.repeats = int(std::min(v, 100L));
    } else {
      std::fputs(kUsage, arg == "--help" || arg == "-h" ? stdout : stderr);
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
  }
  if (opt.broker_exe.empty()) {
    std::fprintf(stderr, "broker-bench: no kafkit-broker binary: pass --broker PATH\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);

  std::printf(
      "broker-bench: librdkafka %s as the client; kafkit-broker %s vs the librdkafka mock\n"
      "ingest: %ld x 100 B and %ld x 1 KiB over %d partitions; fetch: the same counts over "
      "%d and %d partitions; load average %s\n",
      rd_kafka_version_str(), opt.broker_exe.c_str(), messages_for(opt, 100),
      messages_for(opt, 1024), kIngestPartitions, fetch_partitions(100, messages_for(opt, 100)),
      fetch_partitions(1024, messages_for(opt, 1024)), load_average().c_str());
  std::fflush(stdout);

  Results results;
  bool all_ok = true;
  for (int run = 1; run <= opt.repeats; ++run) {
    // Alternate which broker goes first, so drift (page cache, thermal) favours neither.
    Broker first = run % 2 == 1 ? kMock : kKafkit;
    Broker second = first == kMock ? kKafkit : kMock;
    all_ok &= run_broker(first, run, opt, results);
    all_ok &= run_broker(second, run, opt, results);
  }
  std::printf("load average after the runs: %s\n", load_average().c_str());
  print_table(opt, results);
  print_goals(results);
  if (!all_ok) std::printf("some runs FAILED (see above)\n");
  return all_ok ? 0 : 1;
}
