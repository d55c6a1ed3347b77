#pragma once
// A program the test runs as a real child process (kafkit-broker, kafkit-fuzz proxy): its
// stdout read through a pipe for ready lines and summaries, killed with the test if the
// test dies first (so a crashed run leaves no orphan behind), stopped with a signal of the
// test's choosing.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace kafkit::test {

/// The path of a binary meson built for this test run, from the environment variable `var`.
inline std::string executable_from_env(const char* var) {
  const char* exe = std::getenv(var);
  REQUIRE_MESSAGE(exe != nullptr, var << " is not set (run the tests through meson)");
  return exe;
}

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() {
    stop(SIGKILL);
    close_output();
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Starts `args[0]` with `args`; its stdout is read by read_until() and stop().
  void spawn(std::vector<std::string> args) {
    REQUIRE(pid_ <= 0);
    close_output();
    output_.clear();
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(out[1], STDOUT_FILENO);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
  }

  /// Reads stdout until `done(output())` holds, the stream ends or `limit` passes; returns
  /// whether `done` holds.
  bool read_until(const std::function<bool(const std::string&)>& done,
                  std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done(output_)) {
      if (!read_some(deadline)) return done(output_);
    }
    return true;
  }

  /// Sends `sig`, reads what the child still writes (bounded), reaps it; returns its exit
  /// status, or -signal.
  int stop(int sig = SIGTERM) {
    if (pid_ <= 0) return 0;
    ::kill(pid_, sig);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (read_some(deadline)) {
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

  void signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& output() const { return output_; }

 private:
  // false at the end of the stream or the deadline.
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    if (out_ < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd p{out_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(out_, buf, sizeof buf);
    if (n <= 0) {
      close_output();
      return false;
    }
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  void close_output() {
    if (out_ >= 0) ::close(out_);
    out_ = -1;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
};

}  // namespace kafkit::test
