// `kafkit-fuzz broker`: the fuzzing loop, findings and the summary.
#include <chrono>
#include <cstdio>
#include <map>

#include "case_generator.hpp"
#include "case_runner.hpp"
#include "cli_options.hpp"
#include "commands.hpp"
#include "findings_store.hpp"
#include "liveness_probe.hpp"
#include "protocol/messages/apis.hpp"

namespace kafkit::fuzz {

namespace {

struct Tally {
  uint64_t cases = 0;
  std::map<Outcome, uint64_t> outcomes;
};

struct Stats {
  Tally all;
  std::map<std::string, Tally> per_api;
  std::map<std::string, Tally> per_mutation;
  uint64_t probes = 0;
  uint64_t findings = 0;

  void add(const FuzzCase& c, Outcome o) {
    for (Tally* t : {&all, &per_api[c.api_name], &per_mutation[c.mutation]}) {
      ++t->cases;
      ++t->outcomes[o];
    }
  }
};

std::string outcomes_text(const Tally& t) {
  std::string s;
  for (const auto& [o, n] : t.outcomes) {
    if (!s.empty()) s += ", ";
    s += std::string(outcome_name(o)) + " " + std::to_string(n);
  }
  return s;
}

void print_table(const char* title, const std::map<std::string, Tally>& rows) {
  std::printf("%s:\n", title);
  for (const auto& [name, t] : rows)
    std::printf("  %-30s %8llu  (%s)\n", name.c_str(), (unsigned long long)t.cases,
                outcomes_text(t).c_str());
}

class FindingSink {
 public:
  FindingSink(const FuzzOptions& o, Stats& s) : options_(o), stats_(s) {}

  void record(const char* kind, const FuzzCase& c, const std::string& detail,
              const std::vector<ConnectionLog>& logs) {
    ++stats_.findings;
    Finding f;
    f.fields = {{"kind", kind},
                {"seed", std::to_string(options_.seed)},
                {"case", std::to_string(c.index)},
                {"api", c.api_name + " v" + std::to_string(c.api_version)},
                {"mutation", c.mutation},
                {"detail", detail},
                {"broker", options_.broker_text}};
    f.connections = logs;
    std::string name = "finding-s" + std::to_string(options_.seed) + "-c" +
                       std::to_string(c.index) + "-" + kind + ".kfz";
    auto path = save_finding(options_.out_dir, name, f);
    std::printf("FINDING %s: case %llu (%s v%d, %s): %s -> %s\n", kind, (unsigned long long)c.index,
                c.api_name.c_str(), c.api_version, c.mutation.c_str(), detail.c_str(),
                path ? path->c_str() : path.error().message.c_str());
    std::fflush(stdout);
  }

 private:
  const FuzzOptions& options_;
  Stats& stats_;
};

}  // namespace

int broker_command(const std::vector<std::string>& args) {
  auto parsed = parse_options(args, false);
  if (!parsed) return usage_error(parsed.error().message);
  const FuzzOptions& o = *parsed;
  auto advertised = fetch_api_versions(o.broker, o.timeout);
  if (!advertised) {
    std::fprintf(stderr, "kafkit-fuzz: %s: ApiVersions failed: %s\n", o.broker_text.c_str(),
                 advertised.error().message.c_str());
    return exit_usage;
  }
  auto apis = usable_apis(*advertised);
  if (apis.empty()) {
    std::fprintf(stderr, "kafkit-fuzz: %s advertises no API that kafkit can encode\n",
                 o.broker_text.c_str());
    return exit_usage;
  }
  std::printf("kafkit-fuzz broker %s seed=%llu: %zu APIs advertised, %zu fuzzed\n",
              o.broker_text.c_str(), (unsigned long long)o.seed, advertised->size(), apis.size());
  std::fflush(stdout);

  CaseGenerator gen(o.seed, apis);
  CaseRunner runner(o.broker, o.timeout);
  Stats stats;
  FindingSink sink(o, stats);
  auto start = Clock::now();
  auto last_progress = start;
  bool crashed = false;
  FuzzCase last;
  uint64_t since_probe = 0;
  for (uint64_t i = 0;; ++i) {
    if (o.cases && i >= *o.cases) break;
    auto now = Clock::now();
    double elapsed = std::chrono::duration<double>(now - start).count();
    if (o.duration_s && elapsed >= *o.duration_s) break;
    if (now - last_progress >= std::chrono::seconds(10)) {
      std::fprintf(stderr, "kafkit-fuzz: %llu cases, %.0f cases/s, %llu findings\n",
                   (unsigned long long)i, double(i) / elapsed, (unsigned long long)stats.findings);
      last_progress = now;
    }
    last = gen.make(i);
    CaseResult r = runner.run(last);
    stats.add(last, r.outcome);
    if (r.outcome == Outcome::hang || r.outcome == Outcome::bad_response)
      sink.record(outcome_name(r.outcome), last, r.detail, runner.logs());
    // Refused connections, hangs and bad responses are probed at once.
    bool unusual = r.outcome != Outcome::answered && r.outcome != Outcome::disconnect &&
                   r.outcome != Outcome::parked;
    bool probe_now = ++since_probe >= o.probe_every || unusual;
    if (!probe_now) continue;
    since_probe = 0;
    ++stats.probes;
    ProbeResult p = probe_liveness(o.probe, o.timeout);
    if (!p.alive) {
      sink.record("crash", last, "liveness probe failed: " + p.detail, runner.logs());
      crashed = true;
      break;
    }
    runner.forget_closed();
  }
  runner.close();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (!crashed) {
    // A last probe, so a crash in the final cases is not missed.
    ++stats.probes;
    ProbeResult p = probe_liveness(o.probe, o.timeout);
    if (!p.alive)
      sink.record("crash", last, "final liveness probe failed: " + p.detail, runner.logs());
  }
  print_table("per API", stats.per_api);
  print_table("per mutation", stats.per_mutation);
  std::printf("cases: %llu in %.1f s (%.0f cases/s)\n", (unsigned long long)stats.all.cases, secs,
              secs > 0 ? double(stats.all.cases) / secs : 0.0);
  std::printf("outcomes: %s\n", outcomes_text(stats.all).c_str());
  std::printf("probes: %llu\n", (unsigned long long)stats.probes);
  std::printf("findings: %llu%s\n", (unsigned long long)stats.findings,
              stats.findings ? (" (saved in " + o.out_dir + ")").c_str() : "");
  return stats.findings == 0 ? exit_clean : exit_findings;
}

}  // namespace kafkit::fuzz
