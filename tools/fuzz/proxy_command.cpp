// `kafkit-fuzz proxy`: the listener, the session threads, signals and the summary.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <list>
#include <memory>
#include <thread>

#include "address_rewriter.hpp"
#include "commands.hpp"
#include "proxy_journal.hpp"
#include "proxy_options.hpp"
#include "proxy_session.hpp"
#include "response_mutator.hpp"

namespace kafkit::fuzz {

namespace {

volatile sig_atomic_t g_stop_signal = 0;
volatile sig_atomic_t g_calm_signal = 0;  // 1 = calm, 2 = hostile again

extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
}
extern "C" void on_calm_signal(int sig) {
  g_calm_signal = sig == SIGUSR1 ? 1 : 2;
}

void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = on_calm_signal;
  ::sigaction(SIGUSR1, &sa, nullptr);
  ::sigaction(SIGUSR2, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

// Returns the listening socket and the bound port, or -1.
int open_listener(const Endpoint& at, uint16_t& bound_port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(at.host.c_str(), std::to_string(at.port).c_str(), &hints, &res);
  if (rc != 0) {
    error = gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
      error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) return -1;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  bound_port = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return fd;
}

struct Worker {
  std::thread thread;
  std::shared_ptr<std::atomic<bool>> done;
};

void reap(std::list<Worker>& workers) {
  for (auto it = workers.begin(); it != workers.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = workers.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace

int proxy_command(const std::vector<std::string>& args) {
  auto parsed = parse_proxy_options(args);
  if (!parsed) return usage_error(parsed.error().message);
  const ProxyOptions& o = *parsed;
  std::FILE* log = stdout;
  if (!o.log_file.empty()) {
    log = std::fopen(o.log_file.c_str(), "w");
    if (log == nullptr) {
      std::fprintf(stderr, "kafkit-fuzz: --log %s: %s\n", o.log_file.c_str(), std::strerror(errno));
      return exit_usage;
    }
  }
  install_signals();
  uint16_t port = 0;
  std::string error;
  int listener = open_listener(o.listen, port, error);
  if (listener < 0) {
    std::fprintf(stderr, "kafkit-fuzz: cannot listen on %s:%u: %s\n", o.listen.host.c_str(),
                 unsigned(o.listen.port), error.c_str());
    return exit_usage;
  }
  ResponseMutator mutator(o.mutations);
  AddressRewriter rewriter(o.advertise_host, port);
  ProxyJournal journal(log, o.save_dir, o.seed);
  std::atomic<bool> stopping{false};
  std::atomic<bool> calm{false};
  ProxyShared shared{o, mutator, rewriter, journal, stopping, calm};
  std::printf("kafkit-fuzz proxy listening on %s:%u upstream %s seed=%llu rate=%g\n",
              o.listen.host.c_str(), unsigned(port), o.upstream_text.c_str(),
              (unsigned long long)o.seed, o.rate);
  std::fflush(stdout);

  std::list<Worker> workers;
  uint64_t next_conn = 0;
  auto start = Clock::now();
  while (g_stop_signal == 0) {
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (o.duration_s && elapsed >= *o.duration_s) break;
    bool calm_now =
        g_calm_signal == 1 || (g_calm_signal == 0 && o.calm_after_s && elapsed >= *o.calm_after_s);
    if (calm_now != calm.load()) {
      calm = calm_now;
      journal.note(0, calm_now ? "calm: forwarding only" : "hostile again");
    }
    reap(workers);
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int client = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) continue;
    uint64_t id = ++next_conn;
    journal.count_connection();
    if (workers.size() >= o.max_connections) {
      journal.note(id, "too many connections; closed");
      ::close(client);
      continue;
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    try {
      std::thread t([client, id, &shared, done] {
        run_proxy_session(client, id, shared);
        done->store(true);
      });
      workers.push_back({std::move(t), done});
    } catch (const std::system_error&) {
      journal.note(id, "no thread for the connection; closed");
      ::close(client);
    }
  }
  stopping = true;
  ::close(listener);
  for (auto& w : workers) w.thread.join();
  journal.print_summary(stdout);
  if (log != stdout) {
    journal.print_summary(log);
    std::fclose(log);
  }
  return exit_clean;
}

}  // namespace kafkit::fuzz
