// -M N: a one-command playground. Starts the reference broker (lib/broker) in this process
// with N nodes on free loopback ports and a temporary data directory, prints
// "bootstrap.servers=HOST:PORT,..." on stdout (a line kcat -F and kafkit -F read as a
// config file, and the same key kafkit-broker's ready line ends with), then serves until
// stdin reaches EOF or SIGINT/SIGTERM arrives; stops cleanly, removes the data and exits 0.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "broker/broker_config.hpp"
#include "broker/cluster.hpp"
#include "common/stop_signals.hpp"
#include "modes.hpp"

namespace kafkit::cli {
namespace {

/// Whether stdin can tell us to stop. /dev/null (what a script's `cmd &` gets) would end
/// the playground at once, and a terminal we are not in the foreground of would stop us
/// with SIGTTIN on read: both mean "serve until a signal".
bool stdin_is_watchable() {
  struct stat in {};
  if (fstat(STDIN_FILENO, &in) != 0) return false;
  struct stat null {};
  if (S_ISCHR(in.st_mode) && stat("/dev/null", &null) == 0 && in.st_rdev == null.st_rdev)
    return false;
  if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) != getpgrp()) return false;
  return true;
}

/// Removes the temporary data directory however run_playground leaves.
struct TempDir {
  std::string path;
  ~TempDir() {
    if (path.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

/// Blocks until stdin's EOF (when watched) or SIGINT/SIGTERM; returns what ended it.
std::string wait_for_stop(const sigset_t& signals, bool watch_stdin) {
  int sfd = signalfd(-1, &signals, SFD_CLOEXEC);
  if (sfd < 0) return std::string("signalfd failed: ") + std::strerror(errno);
  pollfd fds[2] = {{sfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
  std::string why;
  char buf[4096];
  while (why.empty()) {
    int n = poll(fds, watch_stdin ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      why = std::string("poll failed: ") + std::strerror(errno);
      break;
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (read(sfd, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
        why = std::string("signal: ") + strsignal(static_cast<int>(info.ssi_signo));
    }
    if (watch_stdin && fds[1].revents) {
      // Whatever is typed or piped in is read and ignored; only the end matters.
      ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
      if (got == 0) {
        why = "stdin closed";
      } else if (got < 0 && errno != EINTR && errno != EAGAIN) {
        watch_stdin = false;  // e.g. EIO from a terminal we lost: signals still stop us
      }
    }
  }
  close(sfd);
  return why;
}

}  // namespace

int run_playground(const CliOptions& options) {
  int nodes = *options.playground_nodes;
  if (nodes < 1 || nodes > 64) throw UsageError("-M: the number of brokers must be 1 to 64");
  const bool chatty = options.verbosity > 0;

  TempDir data;
  std::string pattern = (std::filesystem::temp_directory_path() / "kafkit-playground-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    std::cerr << "kafkit: -M: cannot create a data directory: " << std::strerror(errno) << "\n";
    return kFailExit;
  }
  data.path = pattern;

  Properties props;
  props["listeners"] = "PLAINTEXT://127.0.0.1:0";
  props["log.dirs"] = data.path;
  auto config = broker::BrokerConfig::from_properties(props);
  if (!config) {
    std::cerr << "kafkit: -M: " << config.error().message << "\n";
    return kFailExit;
  }

  sigset_t signals = block_stop_signals();

  auto cluster = broker::Cluster::start({std::move(*config), nodes});
  if (!cluster) {
    std::cerr << "kafkit: -M: cannot start the broker: " << cluster.error().message << "\n";
    return kFailExit;
  }
  std::string bootstrap = (*cluster)->bootstrap_servers();
  std::printf("bootstrap.servers=%s\n", bootstrap.c_str());
  std::fflush(stdout);
  bool watch_stdin = stdin_is_watchable();
  if (chatty) {
    std::cerr << "kafkit: playground with " << nodes << (nodes == 1 ? " broker" : " brokers")
              << " at " << bootstrap << " (data in " << data.path
              << ", removed at exit); try: kafkit -b " << bootstrap << " -L; stop with "
              << (watch_stdin ? "Ctrl-D (end of stdin) or Ctrl-C" : "Ctrl-C or SIGTERM") << "\n";
  }
  std::string why = wait_for_stop(signals, watch_stdin);
  (*cluster)->stop();
  cluster->reset();
  if (chatty) std::cerr << "kafkit: playground stopped (" << why << ")\n";
  return kOkExit;
}

}  // namespace kafkit::cli
