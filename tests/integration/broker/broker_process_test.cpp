// kafkit-broker as a command: flags, config files, bad input and signals.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "broker_fixture.hpp"
#include "broker_process.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::broker::test {
namespace {

struct Run {
  int status = -1;
  std::string output;  // stdout and stderr
};

Run run_broker(const std::string& args) {
  std::string cmd = "timeout 20 " + broker_executable() + " " + args + " 2>&1";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST_CASE("SIGTERM and SIGINT stop the broker cleanly and the data stays") {
  TempDir dir;
  for (int sig : {SIGTERM, SIGINT}) {
    BrokerProcess b(dir.path.string());
    b.start();
    TestClient c(b.port());
    protocol::MetadataRequest m;
    m.topics = std::vector<protocol::MetadataRequest::MetadataRequestTopic>{{{}, "kept", {}}};
    CHECK(c.call<protocol::MetadataResponse>(m, 9).topics.at(0).error_code == 0);
    CHECK(b.stop(sig) == 0);
  }
  CHECK(std::filesystem::exists(dir.path / "kept-0"));
}

TEST_CASE("a config file sets broker properties; --set overrides it") {
  TempDir dir;
  std::string file = (dir.path / "server.properties").string();
  std::ofstream(file) << "# a Kafka-style file\nnum.partitions=4\nnum.network.threads=3\n"
                         "log.retention.hours=1\n";
  BrokerProcess b((dir.path / "data").string(), {"--config", file, "--set", "num.partitions=5"});
  b.start();
  TestClient c(b.port());
  protocol::MetadataRequest m;
  m.topics = std::vector<protocol::MetadataRequest::MetadataRequestTopic>{{{}, "auto", {}}};
  CHECK(c.call<protocol::MetadataResponse>(m, 9).topics.at(0).partitions.size() == 5);
}

TEST_CASE("bad flags and bad properties are refused with one clear line") {
  TempDir dir;
  Run flag = run_broker("--bogus");
  CHECK(flag.status == 2);
  CHECK(flag.output.find("unknown option --bogus") != std::string::npos);
  Run prop = run_broker("--data-dir " + dir.path.string() + " --set no.such.property=1");
  CHECK(prop.status == 1);
  CHECK(prop.output.find("unknown broker property \"no.such.property\"") != std::string::npos);
  Run value = run_broker("--data-dir " + dir.path.string() + " --set num.partitions=zero");
  CHECK(value.status == 1);
  CHECK(value.output.find("num.partitions") != std::string::npos);
  Run missing = run_broker("--config /nonexistent/server.properties");
  CHECK(missing.status == 1);
  CHECK(missing.output.find("/nonexistent/server.properties") != std::string::npos);
  Run help = run_broker("--help");
  CHECK(help.status == 0);
  CHECK(help.output.find("--listen") != std::string::npos);
}

}  // namespace
}  // namespace kafkit::broker::test
