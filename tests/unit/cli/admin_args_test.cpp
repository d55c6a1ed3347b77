// The admin subcommands' pure parts: their argument parser, ISO 8601 times for
// reset-offsets --to-datetime, error texts and the aligned tables.
#include <doctest/doctest.h>

#include <sstream>

#include "admin_support.hpp"
#include "table_printer.hpp"

namespace kafkit::cli {
namespace {

constexpr OptionSpec kOptions[] = {{"partitions", true}, {"config", true}, {"execute", false}};

AdminArgs parse(std::vector<std::string> args) {
  return parse_admin_args("topic create", args, kOptions);
}

}  // namespace

TEST_CASE("admin args: connection flags, --json, timeout, own options and operands") {
  auto a = parse({"orders", "-b", "h:1", "--partitions", "3", "--config", "retention.ms=1",
                  "--config=cleanup.policy=compact", "-X", "client.id=me", "--json", "-m", "4",
                  "--execute", "more"});
  CHECK(a.positional == std::vector<std::string>{"orders", "more"});
  CHECK(a.connection.config.get("bootstrap.servers") == "h:1");
  CHECK(a.connection.config.get("client.id") == "me");
  CHECK(a.json);
  CHECK(a.timeout == std::chrono::seconds(4));
  CHECK(a.value("partitions") == "3");
  CHECK(a.all("config") == std::vector<std::string>{"retention.ms=1", "cleanup.policy=compact"});
  CHECK(a.has("execute"));
  CHECK_FALSE(a.help);
  CHECK_FALSE(a.value("missing").has_value());

  auto b = parse({"-bhost:2", "--timeout=7", "-h"});
  CHECK(b.connection.config.get("bootstrap.servers") == "host:2");
  CHECK(b.timeout == std::chrono::seconds(7));
  CHECK(b.help);

  // A negative number is an operand (or an option's value), not a flag.
  auto c = parse_admin_args("group reset-offsets", {"g", "-5"}, kOptions);
  CHECK(c.positional == std::vector<std::string>{"g", "-5"});
  auto d = parse({"--", "--not-an-option"});
  CHECK(d.positional == std::vector<std::string>{"--not-an-option"});
}

TEST_CASE("admin args: bad input names the command and the argument") {
  auto message = [](std::vector<std::string> args) {
    try {
      parse(std::move(args));
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message({"--bogus"}) == "topic create: unknown option '--bogus' (kafkit topic create -h)");
  CHECK(message({"-z"}) == "topic create: unknown option '-z' (kafkit topic create -h)");
  CHECK(message({"--partitions"}) == "topic create: --partitions needs a value");
  CHECK(message({"--execute=1"}) == "topic create: --execute takes no value");
  CHECK(message({"-m", "soon"}) == "-m: 'soon' is not a number");
  CHECK(message({"-m", "0"}) == "topic create: -m: the timeout must be at least 1 second");
  CHECK(message({"-X", "novalue"}).find("-X") != std::string::npos);
  CHECK(message({"-b"}) == "topic create: -b needs a value");
}

TEST_CASE("admin args: parse_int") {
  CHECK(parse_int("n", "42") == 42);
  CHECK(parse_int("n", "-7") == -7);
  CHECK(parse_int("n", "+7") == 7);
  CHECK_THROWS_AS(parse_int("n", ""), UsageError);
  CHECK_THROWS_AS(parse_int("n", "4x"), UsageError);
}

TEST_CASE("admin: ISO 8601 times for --to-datetime") {
  CHECK(parse_iso8601_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601_ms("2023-11-14T22:13:20Z") == 1700000000000);
  CHECK(parse_iso8601_ms("2023-11-14T22:13:20.123Z") == 1700000000123);
  CHECK(parse_iso8601_ms("2023-11-14T22:13:20.5") == 1700000000500);
  CHECK(parse_iso8601_ms("2023-11-14T22:13") == 1699999980000);
  CHECK(parse_iso8601_ms("2023-11-14 22:13:20") == 1700000000000);
  CHECK(parse_iso8601_ms("2023-11-15T00:13:20+02:00") == 1700000000000);
  CHECK(parse_iso8601_ms("2023-11-14T20:13:20-0200") == 1700000000000);
  CHECK(parse_iso8601_ms("2024-02-29T00:00:00Z") == 1709164800000);
  CHECK_FALSE(parse_iso8601_ms("2023-02-29T00:00:00Z"));
  CHECK_FALSE(parse_iso8601_ms("2023-13-01T00:00:00Z"));
  CHECK_FALSE(parse_iso8601_ms("2023-11-14"));
  CHECK_FALSE(parse_iso8601_ms("2023-11-14T25:00"));
  CHECK_FALSE(parse_iso8601_ms("2023-11-14T22:13:20Zjunk"));
  CHECK_FALSE(parse_iso8601_ms("yesterday"));
}

TEST_CASE("admin: error texts and JSON") {
  CHECK(error_text({}) == "OK");
  CHECK(error_text({3, ""}) == "UNKNOWN_TOPIC_OR_PARTITION");
  CHECK(error_text({3, "UNKNOWN_TOPIC_OR_PARTITION: gone"}) == "UNKNOWN_TOPIC_OR_PARTITION: gone");
  CHECK(error_text({40, "bad value"}) == "INVALID_CONFIG: bad value");
  CHECK(error_text({errc::invalid_argument, "no committed offset"}) == "no committed offset");
  CHECK(error_json({}).is_null());
  auto j = error_json({36, "exists"});
  CHECK(j["code"] == 36);
  CHECK(j["name"] == "TOPIC_ALREADY_EXISTS");
  CHECK(j["message"] == "exists");
  CHECK(error_json({errc::timed_out, "late"})["name"].is_null());
}

TEST_CASE("admin: tables align columns and drop an empty optional column") {
  Table t({"TOPIC", "PARTITION", "ERROR"});
  t.hide_if_empty("ERROR");
  t.add({"orders", "0", ""});
  t.add({"a-much-longer-name", "12"});
  std::ostringstream out;
  t.print(out);
  CHECK(out.str() ==
        "TOPIC               PARTITION\n"
        "orders              0\n"
        "a-much-longer-name  12\n");

  t.add({"x", "1", "BROKER_NOT_AVAILABLE"});
  std::ostringstream with_error;
  t.print(with_error);
  CHECK(with_error.str() ==
        "TOPIC               PARTITION  ERROR\n"
        "orders              0\n"
        "a-much-longer-name  12\n"
        "x                   1          BROKER_NOT_AVAILABLE\n");
}

}  // namespace kafkit::cli
