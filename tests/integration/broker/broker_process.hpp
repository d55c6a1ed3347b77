#pragma once
// kafkit-broker as a real child process: started on port 0 with a given data directory,
// its bootstrap address read from the "ready" line it prints, stopped with a signal of
// the test's choosing (SIGTERM for a clean stop, SIGKILL for a crash).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace kafkit::broker::test {

/// The broker binary meson built for this test run (KAFKIT_BROKER in the environment).
inline std::string broker_executable() {
  const char* exe = std::getenv("KAFKIT_BROKER");
  REQUIRE_MESSAGE(exe != nullptr, "KAFKIT_BROKER is not set (run the tests through meson)");
  return exe;
}

class BrokerProcess {
 public:
  BrokerProcess(std::string data_dir, std::vector<std::string> extra_args = {})
      : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {}
  ~BrokerProcess() { stop(SIGKILL); }
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;

  /// Starts the broker and waits (bounded) for its ready line.
  void start() {
    REQUIRE(pid_ <= 0);
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    std::string exe = broker_executable();
    std::vector<std::string> args{exe, "--listen", "127.0.0.1:0", "--data-dir", data_dir_};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    // The ready line comes after one line per listener.
    const std::string key = "bootstrap.servers=";
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto complete = [&] {
      auto at = line.find(key);
      return at != std::string::npos && line.find('\n', at) != std::string::npos;
    };
    while (!complete()) {
      pollfd p{out[0], POLLIN, 0};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      REQUIRE_MESSAGE(left > 0, "kafkit-broker did not report ready within 30 s");
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[256];
      ssize_t n = ::read(out[0], buf, sizeof buf);
      REQUIRE_MESSAGE(n > 0, "kafkit-broker exited before it was ready");
      line.append(buf, static_cast<size_t>(n));
    }
    ::close(out[0]);
    auto at = line.find(key);
    bootstrap_ = line.substr(at + key.size(), line.find('\n', at) - at - key.size());
    port_ = static_cast<uint16_t>(std::stoi(bootstrap_.substr(bootstrap_.rfind(':') + 1)));
  }

  /// Sends `sig` and reaps the process; returns its exit status (or -signal).
  int stop(int sig = SIGTERM) {
    if (pid_ <= 0) return 0;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  std::string data_dir_;
  std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string bootstrap_;
};

}  // namespace kafkit::broker::test
