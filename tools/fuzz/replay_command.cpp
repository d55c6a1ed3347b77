// `kafkit-fuzz replay FILE`: resends a finding's bytes connection by connection, then
// probes the broker the way the fuzzing loop does.
#include <algorithm>
#include <cstdio>

#include "case_runner.hpp"
#include "cli_options.hpp"
#include "commands.hpp"
#include "findings_store.hpp"
#include "liveness_probe.hpp"
#include "protocol/reader.hpp"

namespace kafkit::fuzz {

namespace {

size_t count_sentinels(const protocol::Bytes& sent) {
  protocol::Bytes s = sentinel_frame();
  size_t n = 0;
  for (auto it = sent.begin(); (it = std::search(it, sent.end(), s.begin(), s.end())) != sent.end();
       it += ptrdiff_t(s.size()))
    ++n;
  return n;
}

}  // namespace

int replay_command(const std::vector<std::string>& args) {
  auto parsed = parse_options(args, true);
  if (!parsed) return usage_error(parsed.error().message);
  const FuzzOptions& o = *parsed;
  auto finding = load_finding(o.file);
  if (!finding) {
    std::fprintf(stderr, "kafkit-fuzz: %s\n", finding.error().message.c_str());
    return exit_usage;
  }
  std::printf("replay %s: kind=%s seed=%s case=%s api=%s mutation=%s\n", o.file.c_str(),
              finding->field("kind").c_str(), finding->field("seed").c_str(),
              finding->field("case").c_str(), finding->field("api").c_str(),
              finding->field("mutation").c_str());
  bool survived = true;
  size_t index = 0;
  for (const auto& c : finding->connections) {
    ++index;
    WireConnection conn;
    if (!conn.connect(o.broker, o.timeout)) {
      std::printf("connection %zu: cannot connect\n", index);
      survived = false;
      break;
    }
    auto deadline = Clock::now() + o.timeout;
    bool sent = conn.send(c.sent, deadline);
    size_t expected = count_sentinels(c.sent);
    size_t frames = 0, sentinels = 0;
    const char* end = "closed by the broker";
    if (c.half_closed) {
      conn.shutdown_write();
      if (!conn.wait_closed(deadline)) {
        end = "NOT closed after end of stream (hang)";
        survived = false;
      }
    } else {
      protocol::Bytes frame;
      for (bool more = true; more;) {
        if (expected > 0 && sentinels == expected) {
          end = "answered";
          break;
        }
        switch (conn.read_frame(frame, deadline)) {
          case ReadStatus::frame:
            ++frames;
            if (frame.size() >= 4 && protocol::Reader(frame).i32("c") == sentinel_correlation_id)
              ++sentinels;
            continue;
          case ReadStatus::closed:
            more = false;
            break;
          case ReadStatus::timeout:
            end = expected > 0 ? "no answer and no close in time (hang)"
                               : "still open (no close in time)";
            if (expected > 0) survived = false;
            more = false;
            break;
          case ReadStatus::bad_frame:
            end = "answered with an impossible frame size";
            survived = false;
            more = false;
        }
      }
    }
    std::printf("connection %zu: sent %zu bytes%s, %zu responses, %s\n", index, c.sent.size(),
                sent ? "" : " (partly: the broker closed first)", frames, end);
  }
  ProbeResult p = probe_liveness(o.probe, o.timeout);
  if (p.alive)
    std::printf("probe: ApiVersions + Metadata answered\n");
  else
    std::printf("probe: FAILED: %s\n", p.detail.c_str());
  survived = survived && p.alive;
  std::printf("result: broker %s\n", survived ? "survived" : "did NOT survive");
  return survived ? exit_clean : exit_findings;
}

}  // namespace kafkit::fuzz
