#include "proxy_options.hpp"

#include <string_view>

#include "option_values.hpp"
#include "response_mutator.hpp"

namespace kafkit::fuzz {

namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= s.size()) {
    size_t comma = s.find(',', at);
    if (comma == std::string::npos) comma = s.size();
    if (comma > at) out.push_back(s.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

// Like parse_endpoint, but port 0 (any free port) is allowed.
std::optional<Endpoint> parse_listen(const std::string& s) {
  if (s.ends_with(":0")) {
    auto e = parse_endpoint(s.substr(0, s.size() - 1) + "1");
    if (e) e->port = 0;
    return e;
  }
  return parse_endpoint(s);
}

}  // namespace

const char* action_name(ProxyAction a) noexcept {
  switch (a) {
    case ProxyAction::mutate:
      return "mutate";
    case ProxyAction::drop:
      return "drop";
    case ProxyAction::delay:
      return "delay";
    case ProxyAction::reorder:
      return "reorder";
    case ProxyAction::close:
      return "close";
  }
  return "?";
}

Result<ProxyOptions> parse_proxy_options(const std::vector<std::string>& args) {
  ProxyOptions o;
  bool have_listen = false;
  bool have_upstream = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    static constexpr std::string_view with_value[] = {
        "--listen",       "--upstream",  "--seed",           "--rate",     "--actions",
        "--mutations",    "--log",       "--save",           "--duration", "--calm-after",
        "--max-delay-ms", "--advertise", "--max-connections"};
    bool takes_value = false;
    for (auto n : with_value) takes_value = takes_value || a == n;
    if (!takes_value) return usage("unknown argument '" + a + "'");
    if (i + 1 >= args.size()) return usage(a + " needs a value");
    const std::string& v = args[++i];
    uint64_t n = 0;
    double d = 0;
    if (a == "--listen") {
      auto e = parse_listen(v);
      if (!e) return usage(a + ": expected HOST:PORT, got '" + v + "'");
      o.listen = *e;
      have_listen = true;
    } else if (a == "--upstream") {
      auto e = parse_endpoint(v);
      if (!e) return usage(a + ": expected HOST:PORT, got '" + v + "'");
      o.upstream = *e;
      o.upstream_text = v;
      have_upstream = true;
    } else if (a == "--advertise") {
      if (v.empty()) return usage("--advertise needs a host");
      o.advertise_host = v;
    } else if (a == "--log") {
      if (v.empty()) return usage("--log needs a file");
      o.log_file = v;
    } else if (a == "--save") {
      if (v.empty()) return usage("--save needs a directory");
      o.save_dir = v;
    } else if (a == "--actions") {
      o.actions.clear();
      for (const auto& name : split_commas(v)) {
        bool known = false;
        for (auto act : {ProxyAction::mutate, ProxyAction::drop, ProxyAction::delay,
                         ProxyAction::reorder, ProxyAction::close})
          if (name == action_name(act)) {
            o.actions.push_back(act);
            known = true;
          }
        if (!known)
          return usage("--actions: unknown action '" + name +
                       "' (expected mutate, drop, delay, reorder, close)");
      }
    } else if (a == "--mutations") {
      for (const auto& name : split_commas(v)) {
        bool known = false;
        for (auto k : mutation_kinds()) known = known || name == k;
        if (!known) return usage("--mutations: unknown kind '" + name + "'");
        o.mutations.insert(name);
      }
      if (o.mutations.empty()) return usage("--mutations needs at least one kind");
    } else if (a == "--rate") {
      if (!parse_number(v, d) || !(d >= 0 && d <= 1))
        return usage("--rate: expected a probability in [0, 1], got '" + v + "'");
      o.rate = d;
    } else if (a == "--duration" || a == "--calm-after") {
      if (!parse_number(v, d) || !(d >= 0 && d < 1e9))
        return usage(a + ": expected seconds, got '" + v + "'");
      (a == "--duration" ? o.duration_s : o.calm_after_s) = d;
    } else if (!parse_number(v, n)) {
      return usage(a + ": expected a non-negative integer, got '" + v + "'");
    } else if (a == "--seed") {
      o.seed = n;
    } else if (a == "--max-delay-ms") {
      if (n > 3600000) return usage("--max-delay-ms: expected 0..3600000");
      o.max_delay = std::chrono::milliseconds(n);
    } else if (a == "--max-connections") {
      if (n == 0 || n > 100000) return usage("--max-connections: expected 1..100000");
      o.max_connections = size_t(n);
    }
  }
  if (!have_listen) return usage("--listen HOST:PORT is required");
  if (!have_upstream) return usage("--upstream HOST:PORT is required");
  if (o.advertise_host.empty())
    o.advertise_host =
        o.listen.host == "0.0.0.0" || o.listen.host == "::" ? "127.0.0.1" : o.listen.host;
  return o;
}

}  // namespace kafkit::fuzz
