#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "kafkit/json_serializer.hpp"

using namespace std::literals;
using json = nlohmann::json;

namespace shop {
struct Order {
  std::string id;
  std::int64_t cents = 0;
};
void to_json(json& j, const Order& o) {
  j = json{{"id", o.id}, {"cents", o.cents}};
}
void from_json(const json& j, Order& o) {
  j.at("id").get_to(o.id);
  j.at("cents").get_to(o.cents);
}
}  // namespace shop

namespace {

template <class Des, class T = json>
kafkit::Result<T> parse(std::string_view text) {
  Des des;
  return kafkit::deserialize_with<T>(des, "t", std::optional<std::string_view>(text));
}

}  // namespace

TEST_CASE("nlohmann::json is compact UTF-8 text through Serializer<json>") {
  std::string out;
  const json value = {{"a", 1}, {"b", {true, nullptr, "\xc3\xa9"}}};
  auto r = kafkit::serialize<json>("t", value, out);
  REQUIRE(r.ok());
  CHECK(out == R"({"a":1,"b":[true,null,"é"]})");
  auto back = kafkit::deserialize<json>("t", std::optional<std::string_view>(out));
  REQUIRE(back.ok());
  CHECK(*back == value);
  // A JSON null is text, not a null record value.
  out.clear();
  REQUIRE(kafkit::serialize<json>("t", json(nullptr), out).ok());
  CHECK(out == "null");
}

TEST_CASE("types with to_json / from_json round-trip through JsonSerializer<T>") {
  std::string out;
  kafkit::JsonSerializer<shop::Order> ser;
  REQUIRE(kafkit::serialize_with(ser, "t", shop::Order{"o-1", 1250}, out).ok());
  CHECK(out == R"({"cents":1250,"id":"o-1"})");
  auto order = parse<kafkit::JsonDeserializer<shop::Order>, shop::Order>(out);
  REQUIRE(order.ok());
  CHECK(order->id == "o-1");
  CHECK(order->cents == 1250);

  // Optional wrapping composes with a named inner serializer.
  kafkit::OptionalSerializer<shop::Order, kafkit::JsonSerializer<shop::Order>> opt;
  out.clear();
  auto null = kafkit::serialize_with(opt, "t", std::optional<shop::Order>(), out);
  REQUIRE(null.ok());
  CHECK(*null == kafkit::Serialized::null);
  CHECK(out.empty());
  kafkit::OptionalDeserializer<shop::Order, kafkit::JsonDeserializer<shop::Order>> opt_des;
  auto tombstone = kafkit::deserialize_with<std::optional<shop::Order>>(opt_des, "t", std::nullopt);
  REQUIRE(tombstone.ok());
  CHECK(!tombstone->has_value());
}

TEST_CASE("invalid JSON is an error naming the topic, never an exception") {
  for (std::string_view bad :
       {""sv, "{"sv, "nul"sv, "[1,]"sv, "{\"a\":1} x"sv, "\"\xff\""sv, "\"\xc3\""sv, "\0"sv}) {
    CAPTURE(bad);
    auto r = parse<kafkit::JsonDeserializer<json>>(bad);
    REQUIRE(!r.ok());
    CHECK(r.error().code == kafkit::errc::malformed);
    CHECK(r.error().message.rfind("topic \"t\": invalid JSON (", 0) == 0);
  }
}

TEST_CASE("valid JSON of the wrong shape is an error for a typed target") {
  for (std::string_view bad : {R"({"id":"x"})"sv, R"({"id":1,"cents":2})"sv, "[]"sv, "3"sv}) {
    CAPTURE(bad);
    auto r = parse<kafkit::JsonDeserializer<shop::Order>, shop::Order>(bad);
    REQUIRE(!r.ok());
    CHECK(r.error().code == kafkit::errc::malformed);
    CHECK(r.error().message.find("JSON does not fit the type") != std::string::npos);
  }
}

TEST_CASE("serializing a string that is not UTF-8 is an error, nothing written") {
  std::string out = "keep";
  auto r = kafkit::serialize<json>("orders", json("\xff"s), out);
  REQUIRE(!r.ok());
  CHECK(r.error().code == kafkit::errc::invalid_argument);
  CHECK(r.error().message.find("topic \"orders\": cannot write JSON") == 0);
  CHECK(out == "keep");
}

TEST_CASE("deeply nested and random input does not crash the deserializer") {
  const std::string deep(200000, '[');
  CHECK(!parse<kafkit::JsonDeserializer<json>>(deep).ok());
  const std::string deep_valid = std::string(20000, '[') + std::string(20000, ']');
  CHECK(parse<kafkit::JsonDeserializer<json>>(deep_valid).ok());

  std::mt19937 rng(12345);
  const std::string alphabet = "{}[]\",:0123456789.eE+-truefalsn \\u\xff\xc3\x80";
  for (int i = 0; i < 3000; ++i) {
    std::string input(rng() % 24, ' ');
    for (char& c : input) c = alphabet[rng() % alphabet.size()];
    auto r = parse<kafkit::JsonDeserializer<shop::Order>, shop::Order>(input);
    (void)r;  // ok or error both fine; reaching here means no throw and no crash
  }
}
