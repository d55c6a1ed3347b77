// kafkit's admin subcommands in-process against librdkafka's mock cluster (a second
// implementation of the broker side, which serves Metadata, ListOffsets, FindCoordinator
// and OffsetCommit/OffsetFetch but no admin APIs): topic list / describe from Metadata,
// and an API the cluster does not serve reported as one error, at once.
#include <doctest/doctest.h>

#include <chrono>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "admin_commands.hpp"
#include "modes.hpp"
#include "rdkafka_mock_cluster.hpp"

namespace kafkit::test {
namespace {

struct Run {
  int rc = -1;
  std::string out;
  std::string error;  // what main() would print after "kafkit: "
};

/// Runs `kafkit ARGS -b <mock>` in-process, stdout captured.
Run kafkit(const RdKafkaMockCluster& cluster, std::vector<std::string> args) {
  args.push_back("-b");
  args.push_back(cluster.bootstrap_servers());
  args.push_back("-m");
  args.push_back("5");
  std::ostringstream out;
  auto* saved = std::cout.rdbuf(out.rdbuf());
  Run r;
  try {
    r.rc = cli::run_admin_command(args);
  } catch (const std::exception& e) {
    r.rc = 1;
    r.error = e.what();
  }
  std::cout.rdbuf(saved);
  r.out = out.str();
  return r;
}

}  // namespace

TEST_SUITE("interop-cli-admin") {
  TEST_CASE("interop-cli-admin: topic list and describe from the mock's Metadata") {
    RdKafkaMockCluster cluster(3);
    // librdkafka 2.0.2's mock places every partition on all of its brokers.
    cluster.create_topic("orders", 4, 3);
    cluster.create_topic("audit", 1, 3);

    auto list = kafkit(cluster, {"topic", "list"});
    CHECK(list.rc == 0);
    CHECK(list.error == "");
    CHECK(list.out ==
          "TOPIC   PARTITIONS  REPLICATION-FACTOR\n"
          "audit   1           3\n"
          "orders  4           3\n");

    auto json = kafkit(cluster, {"topic", "list", "--json"});
    CHECK(json.rc == 0);
    CHECK(json.out.find("{\"topic\":\"orders\",\"partitions\":4,\"replication_factor\":3,") !=
          std::string::npos);

    auto describe = kafkit(cluster, {"topic", "describe", "orders"});
    INFO(describe.error);
    CHECK(describe.rc == 0);
    CHECK(describe.out.rfind("Topic: orders  Partitions: 4  ReplicationFactor: 3", 0) == 0);
  }

  TEST_CASE("interop-cli-admin: an API the mock does not serve fails once, quickly") {
    RdKafkaMockCluster cluster(1);
    auto start = std::chrono::steady_clock::now();
    auto created = kafkit(cluster, {"topic", "create", "new"});
    CHECK(created.rc == 1);
    CHECK(created.out == "");
    CHECK(created.error.rfind("topic create: ", 0) == 0);
    CHECK(created.error.find('\n') == std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  }
}

}  // namespace kafkit::test
