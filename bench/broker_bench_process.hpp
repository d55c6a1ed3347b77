#pragma once
// broker-bench: a broker under test as a child process, so that its CPU time is its own.
// Started with fork+exec (never a bare fork: the bench process runs librdkafka threads),
// its stdout read up to the line that names "bootstrap.servers=HOST:PORT" (kafkit-broker
// prints its listener lines before it), its
// stderr sent to a log file, stopped with SIGTERM.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kafkit::bench {

class BrokerProcess {
 public:
  BrokerProcess() = default;
  ~BrokerProcess() {
    if (pid_ > 0) stop(std::chrono::seconds(5));
  }
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;

  /// Starts `args[0]` with `args`, its stderr appended to `log_path`, and waits up to
  /// `timeout` for the ready line. On failure returns false and says why in `error`.
  bool start(const std::vector<std::string>& args, const std::string& log_path,
             std::chrono::milliseconds timeout, std::string& error) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
      error = std::string("pipe: ") + std::strerror(errno);
      return false;
    }
    // Everything the child needs is built before fork: after it only async-signal-safe calls.
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) {
      error = std::string("fork: ") + std::strerror(errno);
      return false;
    }
    if (pid_ == 0) {
      // A broker must not outlive a bench that crashed or was interrupted.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(126);
      ::dup2(out[1], STDOUT_FILENO);
      int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (log >= 0) ::dup2(log, STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    bool ok = read_ready_line(out[0], timeout, error);
    ::close(out[0]);
    if (!ok) {
      error += " (" + args[0] + "; its stderr is in " + log_path + ")";
      stop(std::chrono::seconds(2));
    }
    return ok;
  }

  /// SIGTERM, then SIGKILL if it has not exited within `grace`. Returns a description of
  /// how it ended: "exit 0", "exit 3", "killed by signal 9", ...
  std::string stop(std::chrono::milliseconds grace) {
    if (pid_ <= 0) return "not running";
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    std::string how;
    for (;;) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if (r < 0) {
        how = std::string("waitpid: ") + std::strerror(errno);
        pid_ = -1;
        return how;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        how = "did not stop within " + std::to_string(grace.count()) + " ms of SIGTERM; ";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    if (WIFEXITED(status)) return how + "exit " + std::to_string(WEXITSTATUS(status));
    return how + "killed by signal " + std::to_string(WTERMSIG(status));
  }

  /// CPU time (user + system, all threads, including ones that have exited) the process
  /// has used so far, in seconds; negative if it cannot be read. The process CPU-time
  /// clock is the same total as utime+stime in /proc/<pid>/stat, but in nanoseconds rather
  /// than 10 ms clock ticks, which matters for phases of a second or two; /proc is the
  /// fallback.
  double cpu_seconds() const {
    clockid_t clock;
    timespec ts{};
    if (::clock_getcpuclockid(pid_, &clock) == 0 && ::clock_gettime(clock, &ts) == 0) {
      return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
    }
    return proc_stat_cpu_seconds();
  }

  /// utime and stime from /proc/<pid>/stat (fields 14 and 15, counted after the ")" that
  /// ends the command name, which may contain spaces), in seconds at clock-tick resolution:
  /// enough to tell how a phase's CPU time splits between user space and the kernel.
  std::pair<double, double> user_system_seconds() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t paren = text.rfind(')');
    if (paren == std::string::npos || paren + 2 > text.size()) return {-1, -1};
    std::istringstream fields(text.substr(paren + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && (fields >> field); ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    double tick = double(::sysconf(_SC_CLK_TCK));
    return {double(utime) / tick, double(stime) / tick};
  }

  bool running() const { return pid_ > 0; }
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  bool read_ready_line(int fd, std::chrono::milliseconds timeout, std::string& error) {
    const std::string key = "bootstrap.servers=";
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto complete = [&] {
      size_t at = line.find(key);
      return at != std::string::npos && line.find('\n', at) != std::string::npos;
    };
    while (!complete()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) {
        error = "no ready line within " + std::to_string(timeout.count()) + " ms";
        return false;
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[512];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) {
        error = "exited before it was ready";
        return false;
      }
      line.append(buf, static_cast<size_t>(n));
    }
    size_t at = line.find(key);
    size_t end = line.find('\n', at);
    bootstrap_ = line.substr(at + key.size(), end - at - key.size());
    return true;
  }

  double proc_stat_cpu_seconds() const {
    auto [user, system] = user_system_seconds();
    return user < 0 ? -1 : user + system;
  }

  pid_t pid_ = -1;
  std::string bootstrap_;
};

/// The kafkit-broker a bench starts: $KAFKIT_BROKER when set, else the one meson built
/// (KAFKIT_BROKER_EXE), else empty (the caller asks for --broker).
inline std::string default_broker_exe() {
  if (const char* env = std::getenv("KAFKIT_BROKER"); env && *env) return env;
#ifdef KAFKIT_BROKER_EXE
  return KAFKIT_BROKER_EXE;
#else
  return {};
#endif
}

}  // namespace kafkit::bench
