#pragma once
// The benches' child processes: each client run is the bench binary re-executed as a child
// (fork+exec, never a bare fork: the parent runs librdkafka threads), so its peak RSS and
// CPU time are its own and a hung client can be killed. The child prints one RESULT line.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace kafkit::bench {

using Clock = std::chrono::steady_clock;

inline std::string self_exe() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : path.string();
}

/// A fresh directory under $TMPDIR (else /tmp); empty on failure (errno says why).
inline std::string make_temp_dir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + ".XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
}

struct ChildRun {
  std::string output;    // everything the child wrote to stdout
  std::string error;     // could not run it, or killed at the limit
  int status = 0;        // wait4's status
  long rss_peak_kb = 0;  // wait4's ru_maxrss (kilobytes on Linux)

  /// Why a child that printed no RESULT line ended.
  std::string failure() const {
    return WIFSIGNALED(status)
               ? "child died of signal " + std::to_string(WTERMSIG(status))
               : "child exited " + std::to_string(WEXITSTATUS(status)) + " without a result";
  }
};

/// Runs `args`, collects its stdout, kills it if it outlives `limit`.
inline ChildRun run_child(const std::vector<std::string>& args, std::chrono::milliseconds limit) {
  ChildRun out;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    out.error = std::string("pipe: ") + std::strerror(errno);
    return out;
  }
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    out.error = std::string("fork: ") + std::strerror(errno);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return out;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  bool killed = false;
  auto deadline = Clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    pollfd p{pipe_fds[0], POLLIN, 0};
    if (::poll(&p, 1, int(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    if (n <= 0) break;  // EOF: the child is exiting
    out.output.append(buf, size_t(n));
  }
  ::close(pipe_fds[0]);
  rusage usage{};
  ::wait4(pid, &out.status, 0, &usage);
  if (killed) out.error = "killed after " + std::to_string(limit.count()) + " ms without finishing";
  out.rss_peak_kb = usage.ru_maxrss;
  return out;
}

// Measurements a child takes of itself.
inline long rss_kb() {
  std::ifstream in("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  in >> pages_total >> pages_resident;
  return pages_resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

inline double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

}  // namespace kafkit::bench
