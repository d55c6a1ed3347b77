// AdminConfig::parse: the shared cluster properties plus the admin client's own, defaults,
// the socket.timeout.ms alias, and refusals of unknown names and bad values; and the
// retry policy admin calls share (which Kafka errors are "ask again").
#include <doctest/doctest.h>

#include <string>

#include "client/admin/admin_config.hpp"
#include "client/admin/admin_impl.hpp"
#include "net/net_errors.hpp"

using namespace kafkit;
using namespace kafkit::client;
using namespace std::chrono_literals;

namespace {

Result<AdminConfig> parse(Config::Map extra) {
  if (!extra.count("bootstrap.servers")) extra["bootstrap.servers"] = "localhost:9092";
  return AdminConfig::parse(Config(std::move(extra)));
}

}  // namespace

TEST_CASE("admin config: defaults, own properties and shared ones") {
  auto c = parse({});
  REQUIRE(c.ok());
  CHECK(c->request_timeout == 30000ms);
  CHECK(c->retry_backoff == 100ms);
  CHECK_FALSE(c->cluster.allow_auto_create_topics);
  CHECK(c->cluster.bootstrap.size() == 1);

  auto set = parse({{"request.timeout.ms", "1500"},
                    {"retry.backoff.ms", "7"},
                    {"client.id", "adm"},
                    {"bootstrap.servers", "a:1,b:2"}});
  REQUIRE(set.ok());
  CHECK(set->request_timeout == 1500ms);
  CHECK(set->cluster.connection.connection.request_timeout == 1500ms);
  CHECK(set->retry_backoff == 7ms);
  CHECK(set->cluster.bootstrap.size() == 2);

  auto alias = parse({{"socket.timeout.ms", "2500"}});
  REQUIRE(alias.ok());
  CHECK(alias->request_timeout == 2500ms);
}

TEST_CASE("admin config: refusals name the property") {
  auto unknown = parse({{"linger.ms", "5"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == errc::invalid_argument);
  CHECK(unknown.error().message.find("linger.ms") != std::string::npos);

  auto bad = parse({{"retry.backoff.ms", "soon"}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("retry.backoff.ms") != std::string::npos);

  auto none = AdminConfig::parse(Config{});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("bootstrap.servers") != std::string::npos);

  bool listed = false;
  for (const auto& p : admin_properties()) listed |= p.name == "bootstrap.servers";
  CHECK(listed);
}

TEST_CASE("admin retry policy: ask again only where another try can succeed") {
  using protocol::ErrorCode;
  for (auto c : {ErrorCode::NotController, ErrorCode::NotCoordinator,
                 ErrorCode::CoordinatorLoadInProgress, ErrorCode::CoordinatorNotAvailable,
                 ErrorCode::LeaderNotAvailable, ErrorCode::NotLeaderOrFollower})
    CHECK(should_retry(static_cast<int>(c)));
  // Kafka marks UNKNOWN_TOPIC_OR_PARTITION retriable; for an admin call it is the answer.
  for (auto c : {ErrorCode::UnknownTopicOrPartition, ErrorCode::TopicAlreadyExists,
                 ErrorCode::InvalidPartitions, ErrorCode::NonEmptyGroup, ErrorCode::GroupIdNotFound,
                 ErrorCode::UnsupportedVersion})
    CHECK_FALSE(should_retry(static_cast<int>(c)));
  CHECK(should_retry(net::errc::connection_refused));
  CHECK(should_retry(net::errc::request_timeout));
  CHECK_FALSE(should_retry(errc::timed_out));
  CHECK(should_retry(0) == false);

  ResourceError e = resource_error(static_cast<int>(ErrorCode::TopicAlreadyExists), "t exists");
  CHECK(e.code == 36);
  CHECK(e.message == "TOPIC_ALREADY_EXISTS: t exists");
  CHECK(resource_error(0).ok());
}
