#pragma once
// `kafkit-fuzz proxy` as a child process for the client fuzz tests: started on port 0 in
// front of an upstream broker, its address read from the ready line, stopped with SIGTERM
// (its summary is returned), and switched to forwarding only with SIGUSR1.
#include <chrono>
#include <string>
#include <vector>

#include "../child_process.hpp"

namespace kafkit::fuzz::test {

class ProxyProcess {
 public:
  explicit ProxyProcess(std::vector<std::string> args) : args_(std::move(args)) {}

  void start() {
    std::vector<std::string> args{kafkit::test::executable_from_env("KAFKIT_FUZZ"), "proxy",
                                  "--listen", "127.0.0.1:0"};
    args.insert(args.end(), args_.begin(), args_.end());
    child_.spawn(std::move(args));
    const std::string key = "listening on ";
    auto ready = [&](const std::string& out) {
      auto at = out.find(key);
      return at != std::string::npos && out.find(' ', at + key.size()) != std::string::npos;
    };
    REQUIRE_MESSAGE(child_.read_until(ready, std::chrono::seconds(20)),
                    "kafkit-fuzz proxy did not report ready: " << child_.output());
    const std::string& out = child_.output();
    auto at = out.find(key) + key.size();
    bootstrap_ = out.substr(at, out.find(' ', at) - at);
  }

  /// Forwarding only from now on (the proxy's SIGUSR1).
  void calm() { child_.signal(SIGUSR1); }

  /// SIGTERM, then the exit status; `output()` then holds the summary.
  int stop() { return child_.running() ? child_.stop(SIGTERM) : -1; }

  const std::string& bootstrap() const { return bootstrap_; }
  const std::string& output() const { return child_.output(); }
  pid_t pid() const { return child_.pid(); }

 private:
  std::vector<std::string> args_;
  kafkit::test::ChildProcess child_;
  std::string bootstrap_;
};

}  // namespace kafkit::fuzz::test
