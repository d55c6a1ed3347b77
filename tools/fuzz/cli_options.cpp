#include "cli_options.hpp"

#include "option_values.hpp"

namespace kafkit::fuzz {

Result<FuzzOptions> parse_options(const std::vector<std::string>& args, bool replay) {
  FuzzOptions o;
  bool have_broker = false;
  bool have_probe = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool takes_value = a == "-b" || a == "--broker" || a == "--probe" || a == "--seed" ||
                       a == "--cases" || a == "--duration" || a == "--out" || a == "--timeout-ms" ||
                       a == "--probe-every";
    if (!takes_value) {
      if (replay && o.file.empty() && !a.starts_with("-")) {
        o.file = a;
        continue;
      }
      return usage("unknown argument '" + a + "'");
    }
    if (i + 1 >= args.size()) return usage(a + " needs a value");
    const std::string& v = args[++i];
    uint64_t n = 0;
    if (a == "-b" || a == "--broker") {
      auto e = parse_endpoint(v);
      if (!e) return usage(a + ": expected HOST:PORT, got '" + v + "'");
      o.broker = *e;
      o.broker_text = v;
      have_broker = true;
    } else if (a == "--probe") {
      auto e = parse_endpoint(v);
      if (!e) return usage(a + ": expected HOST:PORT, got '" + v + "'");
      o.probe = *e;
      have_probe = true;
    } else if (a == "--out") {
      if (v.empty()) return usage("--out needs a directory");
      o.out_dir = v;
    } else if (!parse_number(v, n)) {
      return usage(a + ": expected a non-negative integer, got '" + v + "'");
    } else if (a == "--seed") {
      o.seed = n;
    } else if (a == "--cases") {
      o.cases = n;
    } else if (a == "--duration") {
      o.duration_s = double(n);
    } else if (a == "--timeout-ms") {
      if (n == 0 || n > 3600000) return usage("--timeout-ms: expected 1..3600000");
      o.timeout = std::chrono::milliseconds(n);
    } else if (a == "--probe-every") {
      if (n == 0) return usage("--probe-every: expected at least 1");
      o.probe_every = n;
    }
  }
  if (!have_broker) return usage("-b HOST:PORT is required");
  if (!have_probe) o.probe = o.broker;
  if (replay && o.file.empty()) return usage("replay needs a FILE");
  if (!replay && !o.cases && !o.duration_s) o.cases = 10000;
  return o;
}

}  // namespace kafkit::fuzz
