// consumer-bench: kafkit::Consumer side by side with librdkafka's consumer (C API), reading
// the same messages from the same broker. Run by hand:
//   consumer-bench [--quick] [--messages N] [--runs R] [--only kafkit|rdkafka] [--broker PATH]
//
// Method:
// - Matrix: value size 100 B and 1 KiB x compression none and lz4. Each cell gets its own
//   kafkit-broker process (127.0.0.1:0, fresh --data-dir, deleted afterwards) and one topic
//   of 8 partitions, filled once by librdkafka's producer (a third party: neither consumer
//   reads its own producer's batches): N messages round-robin over the partitions, batches
//   of up to 1 MB, values of pseudo-random words (compressing 2-3x, like logs).
// - Each client run is a child process (this binary re-executed as `--child CLIENT ...`),
//   so its peak RSS and CPU time are its own; runs alternate which client goes first.
// - Both consumers assign every partition from the beginning (no group: the join would only
//   add a fixed delay), with enable.auto.commit=false, check.crcs=true (CRC32C of every
//   batch verified; kafkit's default, librdkafka's is false) and their defaults otherwise.
//   librdkafka is read through rd_kafka_consumer_poll (one message per call, its common
//   API); kafkit through poll(), which hands out what is ready.
// - The clock runs from the first message until the N-th is in the application's hands;
//   the time from assign() to the first message (connect, metadata, offsets) is printed
//   apart, so a fixed start-up cost does not hide the rate.
//   Every message is checked: once, in offset order per partition, full value size. A run
//   that misses, repeats or reorders anything is FAILED, not a number.
// - msgs/s over N; MB/s counts values, 10^6 bytes; RSS+ is the child's peak RSS minus its
//   RSS before the client was created; CPU is the child's CPU time (all client threads) in
//   the timed phase, per message.
#include <librdkafka/rdkafka.h>
#include <signal.h>

#include <kafkit/version.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench_child.hpp"
#include "bench_report.hpp"
#include "broker_bench_process.hpp"
#include "consumer_bench_run.hpp"
#include "producer_bench_run.hpp"  // payload()
#include "rdkafka_admin.hpp"

namespace {

using namespace kafkit::bench;

enum ClientId { kRdkafka = 0, kKafkit = 1 };
const char* const kClientNames[] = {"rdkafka", "kafkit"};

struct Options {
  std::optional<long> messages;  // default 1000000 (100 B) and 300000 (1 KiB)
  bool quick = false;
  int runs = 2;
  int partitions = 8;
  std::array<bool, 2> clients = {true, true};
  std::string broker_exe;
};

long messages_for(const Options& o, long size) {
  if (o.messages) return *o.messages;
  long n = size == 100 ? 1'000'000 : 300'000;
  return o.quick ? n / 20 : n;
}

struct CellSpec {
  long size;
  const char* compression;
};

std::string cell_name(const CellSpec& c) {
  return std::to_string(c.size) + "B-" + c.compression;
}

// `consumer-bench --child CLIENT key=value...`: one run, one RESULT line on stdout.
int child_main(int argc, char** argv) {
  ConsumeSpec spec;
  std::vector<std::string> words(argv + 3, argv + argc);
  if (argc < 3 || !spec.from_args(words)) {
    std::fprintf(stderr, "consumer-bench --child: bad arguments\n");
    return 2;
  }
  std::string_view client = argv[2];
  ConsumeOutcome out = client == "kafkit" ? consume_kafkit(spec) : consume_rdkafka(spec);
  std::fputs(out.to_line().c_str(), stdout);
  std::fflush(stdout);
  return 0;
}

ConsumeOutcome run_client(const std::vector<std::string>& args, std::chrono::milliseconds limit) {
  ConsumeOutcome out;
  ChildRun child = run_child(args, limit);
  if (!child.error.empty()) {
    out.error = child.error;
  } else if (!out.from_output(child.output)) {
    out.ok = false;
    out.error = child.failure();
  }
  out.rss_peak_kb = child.rss_peak_kb;
  return out;
}

// Fills the topic with librdkafka's producer: n messages, partition i % partitions.
bool preload(const std::string& bootstrap, const std::string& topic, const CellSpec& c, long n,
             int partitions, std::string& error) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::pair<const char*, std::string> props[] = {
      {"bootstrap.servers", bootstrap},     {"linger.ms", "5"}, {"batch.size", "1000000"},
      {"compression.codec", c.compression}, {"acks", "1"},
  };
  for (const auto& [name, value] : props) {
    if (rd_kafka_conf_set(conf, name, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      error = std::string(name) + ": " + err;
      return false;
    }
  }
  RdHandle rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    error = std::string("rd_kafka_new: ") + err;
    return false;
  }
  for (long i = 0; i < n; ++i) {
    std::string_view v = payload(size_t(i), size_t(c.size));
    for (;;) {
      rd_kafka_resp_err_t e = rd_kafka_producev(
          rk.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(int32_t(i % partitions)),
          RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        error = std::string("produce: ") + rd_kafka_err2str(e);
        return false;
      }
      rd_kafka_poll(rk.get(), 10);
    }
    if (i % 1024 == 0) rd_kafka_poll(rk.get(), 0);
  }
  if (rd_kafka_flush(rk.get(), 120'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = "preload: flush timed out";
    return false;
  }
  return true;
}

struct CellResult {
  CellSpec spec;
  long messages = 0;
  std::array<Best<ConsumeOutcome>, 2> clients;
};

void print_run(int run, ClientId client, const CellSpec& c, const ConsumeOutcome& o) {
  std::printf("run %d %-7s %4ld B %-4s: ", run, kClientNames[client], c.size, c.compression);
  if (!o.ok) {
    std::printf("FAILED: %s\n", o.error.c_str());
  } else {
    double rate = double(o.messages) / o.seconds;
    std::printf(
        "first after %5.0f ms, then %8ld msgs in %6.3f s = %9.0f msgs/s %7.1f MB/s; RSS+ %6.1f "
        "MB; CPU %6.0f ns/msg\n",
        o.first_seconds * 1e3, o.messages, o.seconds, rate, double(o.bytes) / o.seconds / 1e6,
        double(o.rss_peak_kb - o.rss_base_kb) / 1024.0, o.cpu_seconds * 1e9 / double(o.messages));
  }
  std::fflush(stdout);
}

CellResult run_cell(const CellSpec& c, const Options& opt) {
  CellResult result{c, messages_for(opt, c.size), {}};
  const long n = result.messages;
  std::string dir = make_temp_dir("consumer-bench");
  std::string error;
  BrokerProcess broker;
  const std::string topic = "bench-" + cell_name(c);
  bool ok = !dir.empty();
  if (!ok) error = std::string("mkdtemp: ") + std::strerror(errno);
  ok = ok && broker.start({opt.broker_exe, "--listen", "127.0.0.1:0", "--data-dir", dir + "/data"},
                          dir + "/broker.log", std::chrono::seconds(30), error);
  if (ok) {
    RdHandle admin = admin_client(broker.bootstrap(), error);
    ok = admin && create_topics(admin.get(), {topic}, opt.partitions, error) &&
         preload(broker.bootstrap(), topic, c, n, opt.partitions, error);
    long in_log = ok ? topic_messages(admin.get(), topic, opt.partitions, error) : -1;
    if (ok && in_log != n) {
      error = topic + " holds " + std::to_string(in_log) + " messages after preloading " +
              std::to_string(n);
      ok = false;
    }
  }
  if (!ok) {
    std::printf("cell %s: FAILED to set up: %s\n", cell_name(c).c_str(), error.c_str());
    for (auto& b : result.clients) b.failures = opt.runs;
    return result;
  }
  long timeout_ms = std::max(60'000L, n / 20);
  for (int run = 1; run <= opt.runs; ++run) {
    for (int k = 0; k < 2; ++k) {
      auto client = ClientId(run % 2 == 1 ? k : 1 - k);
      if (!opt.clients[client]) continue;
      ConsumeSpec spec;
      spec.bootstrap = broker.bootstrap();
      spec.topic = topic;
      spec.partitions = opt.partitions;
      spec.messages = n;
      spec.size = c.size;
      spec.timeout_ms = timeout_ms;
      std::vector<std::string> args = {self_exe(), "--child", kClientNames[client]};
      for (std::string& a : spec.to_args()) args.push_back(std::move(a));
      ConsumeOutcome o = run_client(args, std::chrono::milliseconds(timeout_ms + 30'000));
      print_run(run, client, c, o);
      result.clients[client].add(o);
    }
  }
  std::string how = broker.stop(std::chrono::seconds(30));
  if (how != "exit 0")
    std::printf("cell %s: broker ended with %s\n", cell_name(c).c_str(), how.c_str());
  bool any_failed = result.clients[0].failures + result.clients[1].failures > 0;
  if (how == "exit 0" && !any_failed) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  } else {
    std::printf("cell %s: kept %s (broker stderr in broker.log)\n", cell_name(c).c_str(),
                dir.c_str());
  }
  return result;
}

void print_table(const Options& opt, const std::vector<CellResult>& cells) {
  std::printf(
      "\nfastest of %d run(s) per client; ratio = kafkit / librdkafka (higher is better for "
      "kafkit)\n"
      "%-4s %-4s %7s | %-27s | %-20s | %-13s | %-13s\n"
      "%-4s %-4s %7s | %9s %9s %7s | %6s %6s %6s | %6s %6s | %6s %6s\n",
      opt.runs, "", "", "", "msgs/s", "MB/s", "RSS+ MB", "CPU ns/msg", "size", "comp", "msgs",
      "rdkafka", "kafkit", "ratio", "rdk", "kafkit", "ratio", "rdk", "kafkit", "rdk", "kafkit");
  for (const CellResult& cell : cells) {
    const auto& rd = cell.clients[kRdkafka].run;
    const auto& kk = cell.clients[kKafkit].run;
    auto col = [&](const std::optional<ConsumeOutcome>& r, int failures, auto value,
                   const char* fmt) {
      if (r) return num(value(*r), fmt);
      return std::string(failures > 0 ? "FAILED" : "-");
    };
    auto rate = [](const ConsumeOutcome& r) { return double(r.messages) / r.seconds; };
    auto mbs = [](const ConsumeOutcome& r) { return double(r.bytes) / r.seconds / 1e6; };
    auto rss = [](const ConsumeOutcome& r) { return double(r.rss_peak_kb - r.rss_base_kb) / 1024; };
    auto cpu = [](const ConsumeOutcome& r) { return r.cpu_seconds * 1e9 / double(r.messages); };
    int rf = cell.clients[kRdkafka].failures, kf = cell.clients[kKafkit].failures;
    std::string ratio = rd && kk ? num(rate(*kk) / rate(*rd), "%.2f") : "-";
    std::printf("%4ld %-4s %7ld | %9s %9s %7s | %6s %6s %6s | %6s %6s | %6s %6s\n", cell.spec.size,
                cell.spec.compression, cell.messages, col(rd, rf, rate, "%.0f").c_str(),
                col(kk, kf, rate, "%.0f").c_str(), ratio.c_str(), col(rd, rf, mbs, "%.1f").c_str(),
                col(kk, kf, mbs, "%.1f").c_str(), ratio.c_str(), col(rd, rf, rss, "%.1f").c_str(),
                col(kk, kf, rss, "%.1f").c_str(), col(rd, rf, cpu, "%.0f").c_str(),
                col(kk, kf, cpu, "%.0f").c_str());
  }
}

const char* kUsage =
    "usage: consumer-bench [--quick] [--messages N] [--runs R] [--only kafkit|rdkafka]\n"
    "                      [--partitions P] [--broker PATH]\n"
    "  --quick          a twentieth of the messages (50000 x 100 B, 15000 x 1 KiB)\n"
    "  --messages N     messages per cell for both sizes (default 1000000 x 100 B, 300000 x "
    "1 KiB)\n"
    "  --runs R         runs per client and cell; the fastest is reported (default 2)\n"
    "  --only CLIENT    run one client only\n"
    "  --partitions P   partitions of the topic (default 8)\n"
    "  --broker PATH    kafkit-broker binary (default: $KAFKIT_BROKER, else the one meson "
    "built)\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "--child") return child_main(argc, argv);
  Options opt;
  opt.broker_exe = default_broker_exe();
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    long v = 0;
    if (arg == "--quick") {
      opt.quick = true;
    } else if (arg == "--messages" && value && parse_number(value, 100'000'000, v)) {
      opt.messages = v, ++i;
    } else if (arg == "--runs" && value && parse_number(value, 100, v)) {
      opt.runs = int(v), ++i;
    } else if (arg == "--partitions" && value && parse_number(value, 1000, v)) {
      opt.partitions = int(v), ++i;
    } else if (arg == "--only" && value &&
               (std::string_view(value) == "kafkit" || std::string_view(value) == "rdkafka")) {
      opt.clients = {std::string_view(value) == "rdkafka", std::string_view(value) == "kafkit"};
      ++i;
    } else if (arg == "--broker" && value) {
      opt.broker_exe = value, ++i;
    } else {
      bool help = arg == "--help" || arg == "-h";
      std::fputs(kUsage, help ? stdout : stderr);
      return help ? 0 : 2;
    }
  }
  if (opt.broker_exe.empty()) {
    std::fprintf(stderr, "consumer-bench: no kafkit-broker binary: pass --broker PATH\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  std::printf(
      "consumer-bench: kafkit %s vs librdkafka %s, each run a child process, against %s\n"
      "%ld x 100 B and %ld x 1 KiB per cell over %d partitions, assigned from the beginning, "
      "check.crcs=true on both\n",
      kafkit::version_string, rd_kafka_version_str(), opt.broker_exe.c_str(),
      messages_for(opt, 100), messages_for(opt, 1024), opt.partitions);
  std::fflush(stdout);
  std::vector<CellResult> cells;
  bool all_ok = true;
  for (long size : {100L, 1024L}) {
    for (const char* compression : {"none", "lz4"}) {
      cells.push_back(run_cell({size, compression}, opt));
      for (const auto& b : cells.back().clients) all_ok &= b.failures == 0;
    }
  }
  print_table(opt, cells);
  if (!all_ok) std::printf("some runs FAILED (see above)\n");
  return all_ok ? 0 : 1;
}
