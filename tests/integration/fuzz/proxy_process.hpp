#pragma once
// `kafkit-fuzz proxy` as a child process for the client fuzz tests: started on port 0 in
// front of an upstream broker, its address read from the ready line, stopped with SIGTERM
// (its summary is returned), and switched to forwarding only with SIGUSR1.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace kafkit::fuzz::test {

/// The kafkit-fuzz binary meson built for this test run (KAFKIT_FUZZ in the environment).
inline std::string fuzz_executable() {
  const char* exe = std::getenv("KAFKIT_FUZZ");
  REQUIRE_MESSAGE(exe != nullptr, "KAFKIT_FUZZ is not set (run the tests through meson)");
  return exe;
}

class ProxyProcess {
 public:
  explicit ProxyProcess(std::vector<std::string> args) : args_(std::move(args)) {}
  ~ProxyProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  ProxyProcess(const ProxyProcess&) = delete;
  ProxyProcess& operator=(const ProxyProcess&) = delete;

  void start() {
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    std::string exe = fuzz_executable();
    std::vector<std::string> args{exe, "proxy", "--listen", "127.0.0.1:0"};
    args.insert(args.end(), args_.begin(), args_.end());
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      // A crashed test must not leave the proxy running.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(out[1], STDOUT_FILENO);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
    const std::string key = "listening on ";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    auto complete = [&] {
      auto at = output_.find(key);
      return at != std::string::npos && output_.find(' ', at + key.size()) != std::string::npos;
    };
    while (!complete()) {
      REQUIRE_MESSAGE(read_some(deadline), "kafkit-fuzz proxy did not report ready: " << output_);
    }
    auto at = output_.find(key) + key.size();
    bootstrap_ = output_.substr(at, output_.find(' ', at) - at);
  }

  /// Forwarding only from now on (the proxy's SIGUSR1).
  void calm() { ::kill(pid_, SIGUSR1); }

  /// SIGTERM, then the exit status; `output()` then holds the summary.
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (read_some(deadline)) {
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

  const std::string& bootstrap() const { return bootstrap_; }
  const std::string& output() const { return output_; }
  pid_t pid() const { return pid_; }

 private:
  // false at end of stream or the deadline.
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd p{out_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(out_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  std::vector<std::string> args_;
  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
  std::string bootstrap_;
};

}  // namespace kafkit::fuzz::test
