// producer-bench: kafkit::Producer side by side with librdkafka's producer (C API), same
// broker, same settings. Run by hand:
//   producer-bench [--quick] [--messages N] [--runs R] [--only kafkit|rdkafka] [--broker PATH]
//
// Method:
// - Matrix: value size 100 B and 1 KiB x acks=1 and acks=all x compression none and lz4.
//   Each cell gets its own kafkit-broker process (127.0.0.1:0, fresh --data-dir, deleted
//   afterwards), and both clients run against it, alternating which goes first per run.
// - Each client run is a child process (this binary re-executed as `--child CLIENT ...`),
//   so its peak RSS (wait4's ru_maxrss) and CPU time are its own and a hung client can be
//   killed: the parent bounds every run, and the child bounds its flush.
// - Same settings for both: linger.ms=5, batch.size=1000000 (librdkafka also caps a batch
//   at batch.num.messages=10000, its default), values copied at send (librdkafka
//   RD_KAFKA_MSG_F_COPY), null keys, explicit partitions round-robin over the 8 partitions
//   of a fresh topic (created with CreateTopics), so both partition alike whatever their
//   partitioners do. Idempotence is set explicitly on both (kafkit's default is true,
//   librdkafka 2.0.2's false): off by default, as librdkafka's default; with --idempotence
//   both clients run it on the acks=all cells (Kafka allows it only with acks=all; the
//   acks=1 cells stay off).
// - One untimed warm-up message first (connection, metadata, producer id). The clock runs
//   from the first timed send until flush() returns with every report in. Latency per
//   message: the send timestamp is kept in an array indexed by the message's opaque, and the
//   delivery callback (on the application's thread, inside poll/flush) takes the difference.
//   Both clients are polled every 1024 sends, as an application's loop would.
// - --security MODES repeats the matrix per security.protocol (plaintext, ssl,
//   sasl_plaintext, sasl_ssl; bench_security.hpp): the broker gets a listener of that
//   protocol only, both clients the same settings (SASL: SCRAM-SHA-512), and a last table
//   gives each client's throughput relative to its own plaintext run of the same cell.
// - A run with any failed delivery, refused send or flush timeout is FAILED, not a number;
//   afterwards the topic's high watermarks must add up to the messages sent.
// - msgs/s over the timed messages; MB/s counts values, 10^6 bytes; RSS+ is the child's peak
//   RSS minus its RSS just before the client was created; CPU is the child's process CPU
//   time (all client threads) in the timed phase, per message.
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <unistd.h>

#include <kafkit/version.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench_child.hpp"
#include "bench_report.hpp"
#include "bench_security.hpp"
#include "broker_bench_process.hpp"
#include "producer_bench_run.hpp"
#include "rdkafka_admin.hpp"

namespace {

using namespace kafkit::bench;

enum ClientId { kRdkafka = 0, kKafkit = 1 };
const char* const kClientNames[] = {"rdkafka", "kafkit"};

struct Options {
  std::optional<long> messages;  // both sizes; default 1000000 (100 B) and 300000 (1 KiB)
  bool quick = false;
  int runs = 2;
  int partitions = 8;
  std::array<bool, 2> clients = {true, true};
  bool idempotence = false;  // on the acks=all cells
  long rate = 0;             // msgs/s per run; 0: flat out
  std::vector<std::string> security = {"plaintext"};
  std::string broker_exe;
};

long messages_for(const Options& o, long size) {
  if (o.messages) return *o.messages;
  long n = size == 100 ? 1'000'000 : 300'000;
  return o.quick ? n / 20 : n;
}

struct CellSpec {
  long size;
  const char* acks;
  const char* compression;
  std::string security = "plaintext";
};

std::vector<CellSpec> matrix(const Options& opt) {
  std::vector<CellSpec> cells;
  for (const std::string& security : opt.security) {
    for (long size : {100L, 1024L}) {
      for (const char* acks : {"1", "all"}) {
        for (const char* compression : {"none", "lz4"})
          cells.push_back({size, acks, compression, security});
      }
    }
  }
  return cells;
}

// --- child processes --------------------------------------------------------------------------

// Runs one client child and fills its RunOutcome from the RESULT line and wait4().
RunOutcome run_client(const std::vector<std::string>& args, std::chrono::milliseconds limit) {
  RunOutcome out;
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

// `producer-bench --child CLIENT key=value...`: one run, one RESULT line on stdout.
int child_main(int argc, char** argv) {
  RunSpec spec;
  std::vector<std::string> words(argv + 3, argv + argc);
  if (argc < 3 || !spec.from_args(words)) {
    std::fprintf(stderr, "producer-bench --child: bad arguments\n");
    return 2;
  }
  std::string_view client = argv[2];
  RunOutcome out = client == "kafkit" ? run_kafkit(spec) : run_rdkafka(spec);
  std::fputs(out.to_line().c_str(), stdout);
  std::fflush(stdout);
  return 0;
}

// --- the matrix --------------------------------------------------------------------------------

struct CellResult {
  CellSpec spec;
  long messages = 0;
  std::array<Best<RunOutcome>, 2> clients;
};

std::string cell_name(const CellSpec& c) {
  return std::to_string(c.size) + "B-acks" + c.acks + "-" + c.compression + "-" + c.security;
}

void print_run(int run, ClientId client, const CellSpec& c, long n, const RunOutcome& o) {
  std::printf("run %d %-7s %4ld B acks=%-3s %-4s %-14s: ", run, kClientNames[client], c.size,
              c.acks, c.compression, c.security.c_str());
  if (!o.ok) {
    std::printf("FAILED: %s\n", o.error.c_str());
  } else {
    double rate = double(n) / o.seconds;
    std::printf(
        "%8ld msgs in %6.3f s = %9.0f msgs/s %7.1f MB/s; latency p50 %7.2f ms p99 %7.2f ms "
        "max %7.2f ms; RSS+ %6.1f MB; CPU %6.0f ns/msg\n",
        n, o.seconds, rate, rate * double(c.size) / 1e6, o.p50_us / 1e3, o.p99_us / 1e3,
        o.max_us / 1e3, double(o.rss_peak_kb - o.rss_base_kb) / 1024.0,
        o.cpu_seconds * 1e9 / double(n));
  }
  std::fflush(stdout);
}

// One cell: a fresh broker, a fresh topic per client and run, every run checked.
CellResult run_cell(const CellSpec& c, const Options& opt) {
  CellResult result{c, messages_for(opt, c.size), {}};
  const long n = result.messages;
  std::string dir = make_temp_dir("producer-bench");
  std::string error;
  BrokerProcess broker;
  RdHandle admin;
  std::vector<std::string> topics;
  for (int run = 1; run <= opt.runs; ++run) {
    for (int client = 0; client < 2; ++client) {
      topics.push_back("bench-" + cell_name(c) + "-" + kClientNames[client] + "-" +
                       std::to_string(run));
    }
  }
  bool ok = !dir.empty();
  if (!ok) error = std::string("mkdtemp: ") + std::strerror(errno);
  SecuritySetup security = ok ? security_setup(c.security, dir) : SecuritySetup{};
  std::vector<std::string> broker_args = {opt.broker_exe, "--data-dir", dir + "/data"};
  broker_args.insert(broker_args.end(), security.broker_args.begin(), security.broker_args.end());
  ok = ok && broker.start(broker_args, dir + "/broker.log", std::chrono::seconds(30), error);
  if (ok) {
    admin = admin_client(broker.bootstrap(), error, security.client_properties);
    ok = admin && create_topics(admin.get(), topics, opt.partitions, error);
  }
  if (!ok) {
    std::printf("cell %s: FAILED to set up: %s\n", cell_name(c).c_str(), error.c_str());
    for (auto& b : result.clients) b.failures = opt.runs;
    return result;
  }
  // Generous, but bounded: at least 60 s, or 50 us a message, plus the paced sending time.
  long timeout_ms = std::max(60'000L, n / 20) + (opt.rate > 0 ? n * 1000 / opt.rate : 0);
  for (int run = 1; run <= opt.runs; ++run) {
    // Alternate who goes first, so page cache and log growth favour neither.
    for (int k = 0; k < 2; ++k) {
      auto client = ClientId(run % 2 == 1 ? k : 1 - k);
      if (!opt.clients[client]) continue;
      RunSpec spec;
      spec.bootstrap = broker.bootstrap();
      spec.topic = topics[size_t((run - 1) * 2 + client)];
      spec.partitions = opt.partitions;
      spec.size = c.size;
      spec.messages = n;
      spec.acks = c.acks;
      spec.compression = c.compression;
      spec.idempotence = opt.idempotence && std::string_view(c.acks) == "all";
      spec.timeout_ms = timeout_ms;
      spec.rate = opt.rate;
      spec.properties = security.client_properties;
      std::vector<std::string> args = {self_exe(), "--child", kClientNames[client]};
      for (std::string& a : spec.to_args()) args.push_back(std::move(a));
      RunOutcome o = run_client(args, std::chrono::milliseconds(timeout_ms + 60'000));
      if (o.ok) {
        // The log must hold the warm-up message and every timed one, once.
        long in_log = topic_messages(admin.get(), spec.topic, opt.partitions, o.error);
        if (in_log >= 0 && in_log != n + 1) {
          o.error = spec.topic + " holds " + std::to_string(in_log) + " messages after " +
                    std::to_string(n + 1) + " acknowledged";
        }
        o.ok = o.error.empty();
      }
      print_run(run, client, c, n, o);
      result.clients[client].add(o);
    }
  }
  admin.reset();
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
      "\nfastest of %d run(s) per client; ratio = kafkit / librdkafka (throughput: higher is "
      "better for kafkit; p99: lower is)\n"
      "%-4s %-4s %-4s %-14s %7s | %-27s | %-13s | %-13s | %-20s | %-13s | %-13s\n"
      "%-4s %-4s %-4s %-14s %7s | %9s %9s %7s | %6s %6s | %6s %6s | %6s %6s %6s | %6s %6s | %6s "
      "%6s\n",
      opt.runs, "", "", "", "", "", "msgs/s", "MB/s", "p50 ms", "p99 ms", "RSS+ MB", "CPU ns/msg",
      "size", "acks", "comp", "security", "msgs", "rdkafka", "kafkit", "ratio", "rdk", "kafkit",
      "rdk", "kafkit", "rdk", "kafkit", "ratio", "rdk", "kafkit", "rdk", "kafkit");
  for (const CellResult& cell : cells) {
    const auto& rd = cell.clients[kRdkafka].run;
    const auto& kk = cell.clients[kKafkit].run;
    auto col = [&](const std::optional<RunOutcome>& r, int failures, auto value, const char* fmt) {
      if (r) return num(value(*r), fmt);
      return std::string(failures > 0 ? "FAILED" : "-");
    };
    double n = double(cell.messages);
    auto rate = [&](const RunOutcome& r) { return n / r.seconds; };
    auto mbs = [&](const RunOutcome& r) { return n * double(cell.spec.size) / r.seconds / 1e6; };
    auto p50 = [](const RunOutcome& r) { return r.p50_us / 1e3; };
    auto p99 = [](const RunOutcome& r) { return r.p99_us / 1e3; };
    auto rss = [](const RunOutcome& r) { return double(r.rss_peak_kb - r.rss_base_kb) / 1024; };
    auto cpu = [&](const RunOutcome& r) { return r.cpu_seconds * 1e9 / n; };
    int rf = cell.clients[kRdkafka].failures, kf = cell.clients[kKafkit].failures;
    std::string rate_ratio = rd && kk ? num(rate(*kk) / rate(*rd), "%.2f") : "-";
    std::string p99_ratio = rd && kk ? num(p99(*kk) / p99(*rd), "%.2f") : "-";
    std::printf(
        "%4ld %-4s %-4s %-14s %7ld | %9s %9s %7s | %6s %6s | %6s %6s | %6s %6s %6s | %6s %6s | "
        "%6s %6s\n",
        cell.spec.size, cell.spec.acks, cell.spec.compression, cell.spec.security.c_str(),
        cell.messages, col(rd, rf, rate, "%.0f").c_str(), col(kk, kf, rate, "%.0f").c_str(),
        rate_ratio.c_str(), col(rd, rf, mbs, "%.1f").c_str(), col(kk, kf, mbs, "%.1f").c_str(),
        col(rd, rf, p50, "%.2f").c_str(), col(kk, kf, p50, "%.2f").c_str(),
        col(rd, rf, p99, "%.2f").c_str(), col(kk, kf, p99, "%.2f").c_str(), p99_ratio.c_str(),
        col(rd, rf, rss, "%.1f").c_str(), col(kk, kf, rss, "%.1f").c_str(),
        col(rd, rf, cpu, "%.0f").c_str(), col(kk, kf, cpu, "%.0f").c_str());
  }
}

// Each client's throughput in a secured cell relative to its own plaintext run of the same
// size/acks/compression: what TLS and SASL cost it.
void print_security_cost(const std::vector<CellResult>& cells) {
  auto rate = [](const CellResult& c, int client) -> std::optional<double> {
    const auto& r = c.clients[size_t(client)].run;
    if (!r) return std::nullopt;
    return double(c.messages) / r->seconds;
  };
  bool header = false;
  for (const CellResult& cell : cells) {
    if (cell.spec.security == "plaintext") continue;
    const CellResult* base = nullptr;
    for (const CellResult& b : cells)
      if (b.spec.security == "plaintext" && b.spec.size == cell.spec.size &&
          std::string_view(b.spec.acks) == cell.spec.acks &&
          std::string_view(b.spec.compression) == cell.spec.compression)
        base = &b;
    if (base == nullptr) continue;
    if (!header) {
      std::printf(
          "\nthroughput relative to plaintext (same client, same cell; 1.00 = no cost)\n"
          "%-4s %-4s %-4s %-14s | %8s %8s | %s\n",
          "size", "acks", "comp", "security", "rdkafka", "kafkit", "kafkit/rdkafka msgs/s");
      header = true;
    }
    std::string ratio[2];
    for (int client = 0; client < 2; ++client) {
      auto secured = rate(cell, client), plain = rate(*base, client);
      ratio[client] = secured && plain ? num(*secured / *plain, "%.2f") : "-";
    }
    auto rd = rate(cell, kRdkafka), kk = rate(cell, kKafkit);
    std::string versus = rd && kk ? num(*kk / *rd, "%.2f") : "-";
    std::printf("%4ld %-4s %-4s %-14s | %8s %8s | %s\n", cell.spec.size, cell.spec.acks,
                cell.spec.compression, cell.spec.security.c_str(), ratio[kRdkafka].c_str(),
                ratio[kKafkit].c_str(), versus.c_str());
  }
}

const char* kUsage =
    "usage: producer-bench [--quick] [--messages N] [--runs R] [--only kafkit|rdkafka]\n"
    "                      [--rate R] [--idempotence] [--partitions P] [--broker PATH]\n"
    "  --quick          a twentieth of the messages (50000 x 100 B, 15000 x 1 KiB)\n"
    "  --messages N     messages per run for both sizes (default 1000000 x 100 B, 300000 x 1 "
    "KiB)\n"
    "  --runs R         runs per client and cell; the fastest is reported (default 2)\n"
    "  --only CLIENT    run one client only\n"
    "  --rate R         send R msgs/s instead of flat out (latency without buffer queueing)\n"
    "  --idempotence    enable.idempotence=true on both clients in the acks=all cells (needs\n"
    "                   InitProducerId, which kafkit-broker serves; default: false everywhere)\n"
    "  --partitions P   partitions of each topic (default 8)\n"
    "  --security LIST  comma-separated security.protocol modes to run the matrix over:\n"
    "                   plaintext, ssl, sasl_plaintext, sasl_ssl (SASL: SCRAM-SHA-512;\n"
    "                   default plaintext), e.g. --security plaintext,sasl_ssl\n"
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
    } else if (arg == "--idempotence") {
      opt.idempotence = true;
    } else if (arg == "--messages" && value && parse_number(value, 100'000'000, v)) {
      opt.messages = v, ++i;
    } else if (arg == "--runs" && value && parse_number(value, 100, v)) {
      opt.runs = int(v), ++i;
    } else if (arg == "--rate" && value && parse_number(value, 100'000'000, v)) {
      opt.rate = v, ++i;
    } else if (arg == "--partitions" && value && parse_number(value, 1000, v)) {
      opt.partitions = int(v), ++i;
    } else if (arg == "--only" && value &&
               (std::string_view(value) == "kafkit" || std::string_view(value) == "rdkafka")) {
      opt.clients = {std::string_view(value) == "rdkafka", std::string_view(value) == "kafkit"};
      ++i;
    } else if (arg == "--security" && value && parse_security_list(value, opt.security)) {
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
    std::fprintf(stderr, "producer-bench: no kafkit-broker binary: pass --broker PATH\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  std::printf(
      "producer-bench: kafkit %s vs librdkafka %s, each run a child process, against %s\n"
      "%ld x 100 B and %ld x 1 KiB per run, %d partitions round-robin, linger.ms=5, "
      "batch.size=1000000 (librdkafka batch.num.messages=10000), values copied at send;\n"
      "enable.idempotence=%s on both clients; sent %s\n",
      kafkit::version_string, rd_kafka_version_str(), opt.broker_exe.c_str(),
      messages_for(opt, 100), messages_for(opt, 1024), opt.partitions,
      opt.idempotence ? "true with acks=all, false with acks=1,"
                      : "false (--idempotence: true with acks=all)",
      opt.rate > 0 ? ("at " + std::to_string(opt.rate) + " msgs/s").c_str() : "flat out");
  std::fflush(stdout);

  std::vector<CellResult> cells;
  bool all_ok = true;
  for (const CellSpec& c : matrix(opt)) {
    cells.push_back(run_cell(c, opt));
    for (const auto& b : cells.back().clients) all_ok &= b.failures == 0;
  }
  print_table(opt, cells);
  print_security_cost(cells);
  if (!all_ok) std::printf("some runs FAILED (see above)\n");
  return all_ok ? 0 : 1;
}
