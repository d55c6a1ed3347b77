#pragma once
// kafkit-broker as a real child process: started on port 0 with a given data directory,
// its bootstrap address read from the "ready" line it prints, stopped with a signal of
// the test's choosing (SIGTERM for a clean stop, SIGKILL for a crash).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "../child_process.hpp"

namespace kafkit::broker::test {

/// The broker binary meson built for this test run (KAFKIT_BROKER in the environment).
inline std::string broker_executable() {
  return kafkit::test::executable_from_env("KAFKIT_BROKER");
}

class BrokerProcess {
 public:
  BrokerProcess(std::string data_dir, std::vector<std::string> extra_args = {})
      : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {}

  /// Starts the broker and waits (bounded) for its ready line.
  void start() {
    std::vector<std::string> args{broker_executable(), "--listen", "127.0.0.1:0", "--data-dir",
                                  data_dir_};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    child_.spawn(std::move(args));
    // The ready line comes after one line per listener.
    const std::string key = "bootstrap.servers=";
    auto ready = [&](const std::string& out) {
      auto at = out.find(key);
      return at != std::string::npos && out.find('\n', at) != std::string::npos;
    };
    REQUIRE_MESSAGE(child_.read_until(ready, std::chrono::seconds(30)),
                    "kafkit-broker did not report ready within 30 s: " << child_.output());
    const std::string& out = child_.output();
    auto at = out.find(key);
    bootstrap_ = out.substr(at + key.size(), out.find('\n', at) - at - key.size());
    port_ = static_cast<uint16_t>(std::stoi(bootstrap_.substr(bootstrap_.rfind(':') + 1)));
  }

  /// Sends `sig` and reaps the process; returns its exit status (or -signal).
  int stop(int sig = SIGTERM) { return child_.stop(sig); }

  bool running() const { return child_.running(); }
  pid_t pid() const { return child_.pid(); }
  uint16_t port() const { return port_; }
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  std::string data_dir_;
  std::vector<std::string> extra_args_;
  kafkit::test::ChildProcess child_;
  uint16_t port_ = 0;
  std::string bootstrap_;
};

}  // namespace kafkit::broker::test
