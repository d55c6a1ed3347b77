// kafkit-broker: the reference broker as a process.
//
//   kafkit-broker [--listen HOST:PORT] [--data-dir DIR] [--config FILE] [--nodes N]
//                 [--set key=value]...
//
// Prints one line per listener to stderr and, once every listener is up, to stdout: for
// each configured listener i (--listen takes a comma list, as Kafka's listeners property)
// "kafkit-broker listener i PROTOCOL servers=HOST:PORT[,...]" (every node's port on it),
// then "kafkit-broker ready bootstrap.servers=HOST:PORT[,...]" for the first listener, last
// (tests that start it on port 0 read the ports from there). SIGTERM and SIGINT shut it down
// cleanly: parked fetches are answered, connections closed, every log flushed and marked clean.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "broker/broker_config.hpp"
#include "broker/cluster.hpp"
#include "common/properties.hpp"
#include "common/security_protocol.hpp"
#include "common/stop_signals.hpp"

namespace {

const char* kUsage =
    "usage: kafkit-broker [options]\n"
    "  --listen LISTENERS   [PROTOCOL://]HOST:PORT[,...] (default 127.0.0.1:9092; port 0 =\n"
    "                       any free port; PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)\n"
    "  --data-dir DIR       where partition logs live (default ./kafkit-data)\n"
    "  --config FILE        Kafka-style server.properties (key=value)\n"
    "  --set KEY=VALUE      one broker property, after --config (repeatable)\n"
    "  --nodes N            brokers to run in this process, on consecutive ports (default 1)\n"
    "  --help               this text\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "kafkit-broker: %s\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kafkit;
  Properties props;
  std::string config_file;
  Properties overrides;
  int nodes = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    const char* v = nullptr;
    if (arg == "--listen" || arg == "--data-dir" || arg == "--config" || arg == "--set" ||
        arg == "--nodes") {
      v = value();
      if (v == nullptr) return usage_error(std::string(arg) + " needs a value");
    } else {
      return usage_error("unknown option " + std::string(arg));
    }
    if (arg == "--listen") {
      overrides["listeners"] = v;
    } else if (arg == "--data-dir") {
      overrides["log.dirs"] = v;
    } else if (arg == "--config") {
      config_file = v;
    } else if (arg == "--set") {
      std::string_view kv = v;
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) return usage_error("--set needs KEY=VALUE");
      overrides[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    } else {
      auto n = parse_long_property("--nodes", v, 1, 64);
      if (!n) return usage_error(n.error().message);
      nodes = static_cast<int>(*n);
    }
  }
  if (!config_file.empty()) {
    auto loaded = load_properties(config_file);
    if (!loaded) {
      std::fprintf(stderr, "kafkit-broker: %s\n", loaded.error().message.c_str());
      return 1;
    }
    props = std::move(*loaded);
  }
  for (auto& [k, v] : overrides) props[k] = v;
  auto config = broker::BrokerConfig::from_properties(props);
  if (!config) {
    std::fprintf(stderr, "kafkit-broker: %s\n", config.error().message.c_str());
    return 1;
  }

  std::vector<SecurityProtocol> protocols;
  for (const auto& l : config->listeners) protocols.push_back(l.protocol);
  sigset_t signals = block_stop_signals();

  auto cluster = broker::Cluster::start({std::move(*config), nodes});
  if (!cluster) {
    std::fprintf(stderr, "kafkit-broker: %s\n", cluster.error().message.c_str());
    return 1;
  }
  for (size_t l = 0; l < protocols.size(); ++l)
    std::printf("kafkit-broker listener %zu %s servers=%s\n", l,
                security_protocol_name(protocols[l]), (*cluster)->bootstrap_servers(l).c_str());
  std::printf("kafkit-broker ready bootstrap.servers=%s\n",
              (*cluster)->bootstrap_servers().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "kafkit-broker: %s received, shutting down\n", strsignal(sig));
  (*cluster)->stop();
  std::fprintf(stderr, "kafkit-broker: stopped cleanly\n");
  return 0;
}
