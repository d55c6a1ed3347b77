#include "json_input.hpp"

#include <doctest/doctest.h>

#include <string>

namespace kafkit::cli {
namespace {

using Headers = std::vector<std::pair<std::string, std::optional<std::string>>>;

JsonMessage parse_ok(std::string_view line, Encoding encoding = Encoding::none) {
  auto m = parse_json_message(line, encoding);
  if (!m) FAIL_CHECK("unexpected error: " << m.error().message);
  REQUIRE(m.ok());
  return *m;
}

std::string error_of(std::string_view line, Encoding encoding = Encoding::none) {
  auto m = parse_json_message(line, encoding);
  REQUIRE_FALSE(m.ok());
  return m.error().message;
}

}  // namespace

TEST_CASE("json input: kcat's envelope, every field") {
  auto m = parse_ok(
      R"({"topic":"t","partition":2,"offset":5,"tstype":"create","ts":1700000000000,)"
      R"("broker":1,"headers":["h1","v1","h2",null,"h1","again"],"key":"k","payload":"v"})");
  CHECK(m.topic == std::optional<std::string>("t"));
  CHECK(m.partition == std::optional<std::int32_t>(2));
  CHECK(m.timestamp == std::optional<std::int64_t>(1700000000000));
  CHECK(m.key == std::optional<std::string>("k"));
  CHECK(m.payload == std::optional<std::string>("v"));
  CHECK(m.headers == Headers{{"h1", "v1"}, {"h2", std::nullopt}, {"h1", "again"}});
}

TEST_CASE("json input: null and absent fields") {
  auto m = parse_ok(R"({"key":null,"payload":null})");
  CHECK_FALSE(m.topic);
  CHECK_FALSE(m.partition);
  CHECK_FALSE(m.key);
  CHECK_FALSE(m.payload);
  CHECK(m.headers.empty());
  CHECK_FALSE(m.timestamp);
  m = parse_ok(R"({"payload":"only"})");
  CHECK_FALSE(m.key);
  CHECK(m.payload == std::optional<std::string>("only"));
  // Empty strings stay empty (not null): a tombstone is only what says null.
  m = parse_ok(R"({"key":"","payload":""})");
  CHECK(m.key == std::optional<std::string>(""));
  CHECK(m.payload == std::optional<std::string>(""));
}

TEST_CASE("json input: partition -1 and ts -1 leave the choice to the producer") {
  auto m = parse_ok(R"({"partition":-1,"ts":-1,"payload":"x"})");
  CHECK_FALSE(m.partition);
  CHECK_FALSE(m.timestamp);
  m = parse_ok(R"({"partition":0,"ts":0,"payload":"x"})");
  CHECK(m.partition == std::optional<std::int32_t>(0));
  CHECK(m.timestamp == std::optional<std::int64_t>(0));
}

TEST_CASE("json input: headers as an object keep their order") {
  auto m = parse_ok(R"({"headers":{"z":"1","a":null,"m":"3"},"payload":"x"})");
  CHECK(m.headers == Headers{{"z", "1"}, {"a", std::nullopt}, {"m", "3"}});
}

TEST_CASE("json input: JSON escapes decode to the bytes they stand for") {
  auto m = parse_ok(R"({"key":"tab\there","payload":"caf\u00e9 \"q\" \\ \n"})");
  CHECK(m.key == std::optional<std::string>("tab\there"));
  CHECK(m.payload == std::optional<std::string>("caf\xc3\xa9 \"q\" \\ \n"));
}

TEST_CASE("json input: base64 and hex encodings decode key, payload and header values") {
  auto m = parse_ok(R"({"key":"AAH/","payload":"aGVsbG8=","headers":["name","AA==","n",null],)"
                    R"("encoding":"base64"})");
  CHECK(m.key == std::optional<std::string>(std::string("\x00\x01\xff", 3)));
  CHECK(m.payload == std::optional<std::string>("hello"));
  // Header names are text: only values are encoded.
  CHECK(m.headers == Headers{{"name", std::string("\0", 1)}, {"n", std::nullopt}});
  m = parse_ok(R"({"key":"00ff","payload":"6869","headers":{"h":"41"},"encoding":"hex"})");
  CHECK(m.key == std::optional<std::string>(std::string("\x00\xff", 2)));
  CHECK(m.payload == std::optional<std::string>("hi"));
  CHECK(m.headers == Headers{{"h", "A"}});
}

TEST_CASE("json input: --encoding applies unless the line names its own") {
  auto m = parse_ok(R"({"payload":"aGk="})", Encoding::base64);
  CHECK(m.payload == std::optional<std::string>("hi"));
  m = parse_ok(R"({"payload":"aGk=","encoding":"none"})", Encoding::base64);
  CHECK(m.payload == std::optional<std::string>("aGk="));
  m = parse_ok(R"({"payload":"6869","encoding":"hex"})", Encoding::base64);
  CHECK(m.payload == std::optional<std::string>("hi"));
}

TEST_CASE("json input: malformed lines say what is wrong") {
  CHECK(error_of(R"({"payload":"x")").find("not JSON") != std::string::npos);
  CHECK(error_of("hello").find("not JSON") != std::string::npos);
  CHECK(error_of(R"({"a":1} trailing)").find("not JSON") != std::string::npos);
  CHECK(error_of(R"(["payload","x"])") == "expected a JSON object");
  CHECK(error_of(R"({"partition":"0"})") == "\"partition\" must be an integer");
  CHECK(error_of(R"({"partition":1.5})") == "\"partition\" must be an integer");
  CHECK(error_of(R"({"partition":-2})").find("out of range") != std::string::npos);
  CHECK(error_of(R"({"partition":4294967296})").find("out of range") != std::string::npos);
  CHECK(error_of(R"({"key":5})") == "\"key\" must be a string or null");
  CHECK(error_of(R"({"payload":{"a":1}})") == "\"payload\" must be a string or null");
  CHECK(error_of(R"({"topic":""})") == "\"topic\" must be a non-empty string");
  CHECK(error_of(R"({"topic":7})") == "\"topic\" must be a non-empty string");
  CHECK(error_of(R"({"ts":"now"})") == "\"ts\" must be an integer (milliseconds)");
  CHECK(error_of(R"({"ts":-5})").find("negative") != std::string::npos);
  CHECK(error_of(R"({"headers":["a"]})").find("pairs") != std::string::npos);
  CHECK(error_of(R"({"headers":[1,"v"]})") == "a header name must be a string");
  CHECK(error_of(R"({"headers":["a",2]})") == "a header value must be a string or null");
  CHECK(error_of(R"({"headers":"a=b"})").find("array") != std::string::npos);
  CHECK(error_of(R"({"encoding":"rot13"})").find("\"encoding\" must be") != std::string::npos);
  CHECK(error_of(R"({"payload":"not base64!","encoding":"base64"})")
            .find("\"payload\" is not valid base64") != std::string::npos);
  CHECK(error_of(R"({"key":"abc","encoding":"hex"})").find("\"key\" is not valid hex") !=
        std::string::npos);
}

}  // namespace kafkit::cli
