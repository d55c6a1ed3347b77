#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kafkit/serializers.hpp"

using namespace std::literals;
using kafkit::Serialized;

namespace {

template <class T>
std::string bytes_of(const T& value) {
  std::string out;
  auto r = kafkit::serialize<T>("t", value, out);
  REQUIRE(r.ok());
  CHECK(*r == Serialized::bytes);
  return out;
}

template <class T>
T round_trip(const T& value) {
  auto r = kafkit::deserialize<T>("t", std::optional<std::string_view>(bytes_of(value)));
  REQUIRE(r.ok());
  return *r;
}

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

struct Point {
  int x = 0;
  int y = 0;
};

}  // namespace

// A user's own type: specializing kafkit::Serializer is all TypedProducer needs.
template <>
struct kafkit::Serializer<Point> {
  static void serialize(std::string_view topic, const Point& p, std::string& out) {
    kafkit::Serializer<std::int32_t>::serialize(topic, p.x, out);
    kafkit::Serializer<std::int32_t>::serialize(topic, p.y, out);
  }
};
template <>
struct kafkit::Deserializer<Point> {
  static kafkit::Result<Point> deserialize(std::string_view topic, std::string_view data) {
    if (data.size() != 8) return kafkit::Error{kafkit::errc::malformed, "point needs 8 bytes"};
    auto x = kafkit::deserialize<std::int32_t>(topic, data.substr(0, 4));
    auto y = kafkit::deserialize<std::int32_t>(topic, data.substr(4));
    return Point{*x, *y};
  }
};

TEST_CASE("integers have the Java serializers' big-endian layout") {
  // Values as org.apache.kafka.common.serialization.{Short,Integer,Long}Serializer write them.
  CHECK(hex(bytes_of<std::int16_t>(1)) == "0001");
  CHECK(hex(bytes_of<std::int16_t>(-2)) == "fffe");
  CHECK(hex(bytes_of<std::int32_t>(1)) == "00000001");
  CHECK(hex(bytes_of<std::int32_t>(-1)) == "ffffffff");
  CHECK(hex(bytes_of<std::int32_t>(0x01020304)) == "01020304");
  CHECK(hex(bytes_of<std::int32_t>(INT32_MIN)) == "80000000");
  CHECK(hex(bytes_of<std::int64_t>(-1)) == "ffffffffffffffff");
  CHECK(hex(bytes_of<std::int64_t>(0x0102030405060708)) == "0102030405060708");
  CHECK(hex(bytes_of<std::int64_t>(256)) == "0000000000000100");
  // Unsigned types share the layout of their signed width.
  CHECK(hex(bytes_of<std::uint16_t>(0xfffe)) == "fffe");
  CHECK(hex(bytes_of<std::uint32_t>(0x80000000u)) == "80000000");
  CHECK(hex(bytes_of<std::uint64_t>(UINT64_MAX)) == "ffffffffffffffff");
  // long long is a distinct type from int64_t on LP64; it still gets 8 bytes.
  CHECK(hex(bytes_of<long long>(2)) == "0000000000000002");
}

TEST_CASE("integers round-trip at their limits") {
  for (std::int16_t v : {0, -1, INT16_MIN, INT16_MAX}) CHECK(round_trip(v) == v);
  for (std::int32_t v : {0, 1, -1, INT32_MIN, INT32_MAX}) CHECK(round_trip(v) == v);
  for (std::int64_t v :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{INT64_MIN}, std::int64_t{INT64_MAX}}) {
    CHECK(round_trip(v) == v);
  }
  CHECK(round_trip(std::uint16_t{0xabcd}) == 0xabcd);
  CHECK(round_trip(std::uint32_t{0xdeadbeef}) == 0xdeadbeef);
  CHECK(round_trip(UINT64_MAX) == UINT64_MAX);
}

TEST_CASE("floating point is Java's big-endian IEEE-754") {
  CHECK(hex(bytes_of(1.0)) == "3ff0000000000000");
  CHECK(hex(bytes_of(-2.5)) == "c004000000000000");
  CHECK(hex(bytes_of(0.0)) == "0000000000000000");
  CHECK(hex(bytes_of(-0.0)) == "8000000000000000");
  CHECK(hex(bytes_of(std::numeric_limits<double>::infinity())) == "7ff0000000000000");
  CHECK(hex(bytes_of(1.0f)) == "3f800000");
  CHECK(hex(bytes_of(-2.5f)) == "c0200000");
  // Java's doubleToLongBits folds every NaN into 0x7ff8000000000000.
  CHECK(hex(bytes_of(std::bit_cast<double>(0x7ff0000000000001ULL))) == "7ff8000000000000");
  CHECK(hex(bytes_of(-std::numeric_limits<double>::quiet_NaN())) == "7ff8000000000000");
  // floatToRawIntBits keeps the payload.
  CHECK(hex(bytes_of(std::bit_cast<float>(0x7f800001u))) == "7f800001");

  for (double v : {0.1, -1e308, 5e-324, std::numeric_limits<double>::lowest()}) {
    CHECK(round_trip(v) == v);
  }
  CHECK(std::signbit(round_trip(-0.0)));
  CHECK(std::isinf(round_trip(-std::numeric_limits<double>::infinity())));
  CHECK(std::isnan(round_trip(std::numeric_limits<double>::quiet_NaN())));
  CHECK(round_trip(3.25f) == 3.25f);
  CHECK(std::isnan(round_trip(std::numeric_limits<float>::quiet_NaN())));
}

TEST_CASE("fixed-width deserializers refuse any other length, naming topic and sizes") {
  const std::string nine(9, '\0');
  for (std::size_t n = 0; n <= 9; ++n) {
    CAPTURE(n);
    const auto data = std::optional<std::string_view>(std::string_view(nine).substr(0, n));
    CHECK(kafkit::deserialize<std::int16_t>("t", data).ok() == (n == 2));
    CHECK(kafkit::deserialize<std::int32_t>("t", data).ok() == (n == 4));
    CHECK(kafkit::deserialize<std::int64_t>("t", data).ok() == (n == 8));
    CHECK(kafkit::deserialize<std::uint32_t>("t", data).ok() == (n == 4));
    CHECK(kafkit::deserialize<float>("t", data).ok() == (n == 4));
    CHECK(kafkit::deserialize<double>("t", data).ok() == (n == 8));
  }
  auto r = kafkit::deserialize<std::int32_t>("orders", std::optional<std::string_view>("abc"));
  REQUIRE(!r.ok());
  CHECK(r.error().code == kafkit::errc::malformed);
  CHECK(r.error().message == "topic \"orders\": int32 needs exactly 4 bytes, got 3");
  auto d = kafkit::deserialize<double>("orders", std::optional<std::string_view>(""));
  REQUIRE(!d.ok());
  CHECK(d.error().message == "topic \"orders\": double needs exactly 8 bytes, got 0");
}

TEST_CASE("strings and bytes pass through as-is, embedded NULs included") {
  const std::string text = "h\xc3\xa9llo\0world"s;
  CHECK(bytes_of(text) == text);
  CHECK(bytes_of(std::string_view(text)) == text);
  CHECK(round_trip(text) == text);
  CHECK(round_trip(std::string()) == "");
  CHECK(bytes_of<const char*>("abc") == "abc");

  const std::vector<std::byte> raw{std::byte{0}, std::byte{0xff}, std::byte{0x80}};
  CHECK(hex(bytes_of(raw)) == "00ff80");
  CHECK(round_trip(raw) == raw);
  CHECK(hex(bytes_of(std::span<const std::byte>(raw))) == "00ff80");

  // The span overload and the view deserializers point into the input, no copy.
  const std::string buffer = "xyz";
  auto view = kafkit::deserialize<std::string_view>("t", std::optional<std::string_view>(buffer));
  REQUIRE(view.ok());
  CHECK(view->data() == buffer.data());
  auto from_span =
      kafkit::deserialize<std::string>("t", std::as_bytes(std::span(buffer.data(), 3)));
  REQUIRE(from_span.ok());
  CHECK(*from_span == "xyz");
}

TEST_CASE("serializers append, so one buffer serves many records") {
  std::string out = "prefix:";
  REQUIRE(kafkit::serialize<std::int32_t>("t", 1, out).ok());
  REQUIRE(kafkit::serialize<std::string>("t", "ab", out).ok());
  CHECK(out ==
        "prefix:\0\0\0\x01"
        "ab"s);
}

TEST_CASE("std::optional: nullopt is null, a value is its bytes") {
  std::string out = "keep";
  auto r = kafkit::serialize<std::optional<std::int32_t>>("t", std::nullopt, out);
  REQUIRE(r.ok());
  CHECK(*r == Serialized::null);
  CHECK(out == "keep");
  CHECK(hex(bytes_of(std::optional<std::int32_t>(7))) == "00000007");

  // A null pointer string is null too, as for Java's StringSerializer.
  std::string out2;
  auto n = kafkit::serialize<const char*>("t", nullptr, out2);
  REQUIRE(n.ok());
  CHECK(*n == Serialized::null);

  auto null_opt = kafkit::deserialize<std::optional<std::int32_t>>("t", std::nullopt);
  REQUIRE(null_opt.ok());
  CHECK(!null_opt->has_value());
  auto some = kafkit::deserialize<std::optional<std::int32_t>>(
      "t", std::optional<std::string_view>("\0\0\0\x09"sv));
  REQUIRE(some.ok());
  CHECK(*some == std::optional<std::int32_t>(9));
  // Present-but-wrong bytes stay an error inside an optional.
  CHECK(!kafkit::deserialize<std::optional<std::int32_t>>("t",
                                                          std::optional<std::string_view>("\0\0"sv))
             .ok());
  // Empty bytes are not null.
  auto empty =
      kafkit::deserialize<std::optional<std::string>>("t", std::optional<std::string_view>(""sv));
  REQUIRE(empty.ok());
  CHECK(*empty == std::optional<std::string>(""));
}

TEST_CASE("null data for a type that cannot be null is an error, not a default") {
  auto r = kafkit::deserialize<std::int64_t>("t", std::nullopt);
  REQUIRE(!r.ok());
  CHECK(r.error().code == kafkit::errc::malformed);
  CHECK(r.error().message.find("null") != std::string::npos);
  CHECK(!kafkit::deserialize<std::string>("t", std::nullopt).ok());
}

TEST_CASE("a specialization for a user type serializes and deserializes") {
  CHECK(hex(bytes_of(Point{1, -1})) == "00000001ffffffff");
  auto p = round_trip(Point{3, 4});
  CHECK(p.x == 3);
  CHECK(p.y == 4);
  auto bad = kafkit::deserialize<Point>("t", std::optional<std::string_view>("1234"));
  REQUIRE(!bad.ok());
  CHECK(bad.error().message == "point needs 8 bytes");
  // And std::optional<Point> comes for free.
  CHECK(hex(bytes_of(std::optional<Point>(Point{0, 2}))) == "0000000000000002");
}

TEST_CASE("lambdas and functors in every supported form") {
  std::string out;
  auto appending = [](std::string_view topic, const Point& p, std::string& o) {
    o += std::string(topic) + ":" + std::to_string(p.x);
  };
  REQUIRE(kafkit::serialize_with(appending, "t", Point{5, 0}, out).ok());
  CHECK(out == "t:5");

  auto returning = [](std::string_view, const Point& p) { return std::to_string(p.y); };
  REQUIRE(kafkit::serialize_with(returning, "t", Point{0, 6}, out).ok());
  CHECK(out == "t:56");

  auto returning_bytes = [](std::string_view, int) { return std::vector<std::byte>{std::byte{1}}; };
  REQUIRE(kafkit::serialize_with(returning_bytes, "t", 0, out).ok());
  CHECK(out == "t:56\x01");

  auto maybe_null = [](std::string_view, int v) -> std::optional<std::string> {
    if (v == 0) return std::nullopt;
    return "v";
  };
  auto null = kafkit::serialize_with(maybe_null, "t", 0, out);
  REQUIRE(null.ok());
  CHECK(*null == Serialized::null);
  CHECK(out == "t:56\x01");

  // A stateful functor keeps its state between records.
  struct Counter {
    int calls = 0;
    void operator()(std::string_view, int, std::string& o) { o += std::to_string(++calls); }
  } counter;
  out.clear();
  REQUIRE(kafkit::serialize_with(counter, "t", 0, out).ok());
  REQUIRE(kafkit::serialize_with(counter, "t", 0, out).ok());
  CHECK(out == "12");

  static_assert(kafkit::SerializerFor<decltype(appending), Point>);
  static_assert(kafkit::SerializerFor<decltype(returning), Point>);
  static_assert(kafkit::SerializerFor<kafkit::Serializer<Point>, Point>);
  static_assert(!kafkit::SerializerFor<kafkit::Serializer<int>, std::string>);
}

TEST_CASE("a failing or throwing serializer is an error and leaves the buffer untouched") {
  std::string out = "before";
  auto half_then_error = [](std::string_view, int, std::string& o) -> kafkit::Result<void> {
    o += "partial";
    return kafkit::Error{42, "no"};
  };
  auto e = kafkit::serialize_with(half_then_error, "t", 1, out);
  REQUIRE(!e.ok());
  CHECK(e.error() == kafkit::Error{42, "no"});
  CHECK(out == "before");

  auto throws = [](std::string_view, int, std::string& o) {
    o += "partial";
    throw std::runtime_error("boom");
  };
  auto t = kafkit::serialize_with(throws, "t", 1, out);
  REQUIRE(!t.ok());
  CHECK(t.error().code == kafkit::errc::invalid_argument);
  CHECK(t.error().message == "the serializer threw: boom");
  CHECK(out == "before");

  auto throws_int = [](std::string_view, int) -> std::string { throw 7; };
  CHECK(!kafkit::serialize_with(throws_int, "t", 1, out).ok());

  auto returns_error = [](std::string_view, int) -> kafkit::Result<std::string> {
    return kafkit::Error{kafkit::errc::invalid_argument, "bad value"};
  };
  auto r = kafkit::serialize_with(returns_error, "t", 1, out);
  REQUIRE(!r.ok());
  CHECK(r.error().message == "bad value");
  CHECK(out == "before");
}

TEST_CASE("user deserializers: Result or plain returns, exceptions become errors") {
  auto upper = [](std::string_view, std::string_view data) {
    std::string s(data);
    for (char& c : s) c = static_cast<char>(c - 32);
    return s;
  };
  auto r = kafkit::deserialize_with<std::string>(upper, "t", "abc");
  REQUIRE(r.ok());
  CHECK(*r == "ABC");

  auto checked = [](std::string_view, std::string_view data) -> kafkit::Result<int> {
    if (data.empty()) return kafkit::Error{kafkit::errc::malformed, "empty"};
    return static_cast<int>(data.size());
  };
  CHECK(*kafkit::deserialize_with<int>(checked, "t", "xy") == 2);
  CHECK(kafkit::deserialize_with<int>(checked, "t", "").error().message == "empty");
  // An optional target accepts a deserializer of the inner type.
  auto opt = kafkit::deserialize_with<std::optional<int>>(checked, "t", "xyz");
  REQUIRE(opt.ok());
  CHECK(*opt == std::optional<int>(3));

  auto throws = [](std::string_view, std::string_view) -> int { throw std::out_of_range("nope"); };
  auto t = kafkit::deserialize_with<int>(throws, "orders", "x");
  REQUIRE(!t.ok());
  CHECK(t.error().code == kafkit::errc::malformed);
  CHECK(t.error().message == "topic \"orders\": the deserializer threw: nope");
}
