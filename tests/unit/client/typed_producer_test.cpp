// TypedProducer's serialization step (RecordSerializer) and its overload set. A Producer
// connects in the background and send() may wait for metadata, so nothing here constructs
// one: the producer side is checked at compile time only.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "kafkit/typed_producer.hpp"

using namespace std::literals;
using kafkit::RecordBuffers;
using kafkit::RecordSerializer;
using kafkit::SendOptions;
using kafkit::TypedRecord;

TEST_CASE("key, value and options land in the ProducerRecord") {
  RecordSerializer<std::string, std::int32_t> ser;
  RecordBuffers buffers;
  const kafkit::Header headers[] = {{"h", "v"}, {"n", std::nullopt}};
  int token = 0;
  auto r = ser.serialize(
      "orders", "k-1", 1,
      SendOptions{.partition = 3, .headers = headers, .timestamp = 1700000000000, .opaque = &token},
      buffers);
  REQUIRE(r.ok());
  CHECK(r->topic == "orders");
  CHECK(r->key == std::optional<std::string_view>("k-1"));
  CHECK(r->value == std::optional<std::string_view>("\0\0\0\x01"sv));
  CHECK(r->partition == std::optional<std::int32_t>(3));
  CHECK(r->timestamp == std::optional<std::int64_t>(1700000000000));
  CHECK(r->headers.data() == headers);
  CHECK(r->headers.size() == 2);
  CHECK(r->opaque == &token);
  // The views point into the caller's buffers, which Producer::send copies from.
  CHECK(r->key->data() == buffers.key.data());
  CHECK(r->value->data() == buffers.value.data());
}

TEST_CASE("null keys: std::nullopt, an unset TypedRecord key, or a null-serializing key") {
  RecordSerializer<std::string, std::string> ser;
  RecordBuffers buffers;
  auto a = ser.serialize("t", std::nullopt, "v", {}, buffers);
  REQUIRE(a.ok());
  CHECK(!a->key.has_value());
  CHECK(a->value == std::optional<std::string_view>("v"));
  CHECK(!a->partition.has_value());
  CHECK(!a->timestamp.has_value());

  auto b =
      ser.serialize(TypedRecord<std::string, std::string>{.topic = "t", .value = "v"}, buffers);
  REQUIRE(b.ok());
  CHECK(!b->key.has_value());

  // An empty key is a key: partitioners hash it, unlike a null one.
  auto c = ser.serialize("t", "", "v", {}, buffers);
  REQUIRE(c.ok());
  CHECK(c->key == std::optional<std::string_view>(""));

  RecordSerializer<std::optional<std::string>, std::string> opt_key;
  auto d = opt_key.serialize("t", std::optional<std::string>(), "v", {}, buffers);
  REQUIRE(d.ok());
  CHECK(!d->key.has_value());
}

TEST_CASE("an empty optional value is a tombstone (null value)") {
  RecordSerializer<std::string, std::optional<std::string>> ser;
  RecordBuffers buffers;
  auto r = ser.serialize("compacted", "k", std::nullopt, {}, buffers);
  REQUIRE(r.ok());
  CHECK(r->key == std::optional<std::string_view>("k"));
  CHECK(!r->value.has_value());
  // An empty string value is not a tombstone.
  auto e = ser.serialize("compacted", "k", std::optional<std::string>(""), {}, buffers);
  REQUIRE(e.ok());
  CHECK(e->value == std::optional<std::string_view>(""));
}

TEST_CASE("TypedRecord carries every field") {
  RecordSerializer<std::int64_t, double> ser;
  RecordBuffers buffers;
  int token = 0;
  auto r = ser.serialize(
      TypedRecord<std::int64_t, double>{
          .topic = "m", .partition = 0, .key = -1, .value = 1.0, .timestamp = 5, .opaque = &token},
      buffers);
  REQUIRE(r.ok());
  CHECK(r->key == std::optional<std::string_view>("\xff\xff\xff\xff\xff\xff\xff\xff"sv));
  CHECK(r->value == std::optional<std::string_view>("\x3f\xf0\0\0\0\0\0\0"sv));
  CHECK(r->partition == std::optional<std::int32_t>(0));
  CHECK(r->timestamp == std::optional<std::int64_t>(5));
  CHECK(r->opaque == &token);
}

TEST_CASE("buffers are cleared and reused, not grown, from record to record") {
  RecordSerializer<std::string, std::string> ser;
  RecordBuffers buffers;
  REQUIRE(ser.serialize("t", std::string(100, 'k'), std::string(1000, 'v'), {}, buffers).ok());
  const auto capacity = buffers.value.capacity();
  const char* storage = buffers.value.data();
  auto r = ser.serialize("t", "k2", "v2", {}, buffers);
  REQUIRE(r.ok());
  CHECK(r->key == std::optional<std::string_view>("k2"));
  CHECK(r->value == std::optional<std::string_view>("v2"));
  CHECK(buffers.value.capacity() == capacity);
  CHECK(buffers.value.data() == storage);
}

TEST_CASE("a failing key or value serializer is an error that says which and where") {
  auto throwing = [](std::string_view, const std::string& s, std::string& out) {
    if (s == "bad") throw std::invalid_argument("refused");
    out += s;
  };
  RecordSerializer<std::string, std::string, decltype(throwing), decltype(throwing)> ser;
  RecordBuffers buffers;
  auto k = ser.serialize("orders", "bad", "ok", {}, buffers);
  REQUIRE(!k.ok());
  CHECK(k.error().code == kafkit::errc::invalid_argument);
  CHECK(k.error().message ==
        "cannot serialize the key of a record for topic \"orders\" (nothing was sent): the "
        "serializer threw: refused");
  auto v = ser.serialize("orders", "ok", "bad", {}, buffers);
  REQUIRE(!v.ok());
  CHECK(v.error().message.rfind("cannot serialize the value of a record for topic", 0) == 0);

  // An error the serializer returns keeps its code.
  auto erroring = [](std::string_view, int) -> kafkit::Result<std::string> {
    return kafkit::Error{kafkit::errc::unsupported, "no ints today"};
  };
  RecordSerializer<std::string, int, kafkit::Serializer<std::string>, decltype(erroring)> ser2;
  auto e = ser2.serialize("t", "k", 1, {}, buffers);
  REQUIRE(!e.ok());
  CHECK(e.error().code == kafkit::errc::unsupported);
  CHECK(e.error().message.find("no ints today") != std::string::npos);
}

TEST_CASE("a stateful serializer instance is the one that gets called") {
  struct Prefixer {
    std::string prefix;
    void operator()(std::string_view, const std::string& s, std::string& out) const {
      out += prefix + s;
    }
  };
  RecordSerializer<std::string, std::string, Prefixer, Prefixer> ser(Prefixer{"k:"},
                                                                     Prefixer{"v:"});
  RecordBuffers buffers;
  auto r = ser.serialize("t", "a", "b", {}, buffers);
  REQUIRE(r.ok());
  CHECK(r->key == std::optional<std::string_view>("k:a"));
  CHECK(r->value == std::optional<std::string_view>("v:b"));
  ser.value_serializer().prefix = "w:";
  CHECK(ser.serialize("t", "a", "b", {}, buffers)->value == std::optional<std::string_view>("w:b"));
}

TEST_CASE("a send nested inside a send on the same thread gets its own buffers") {
  // Producer::send may run delivery callbacks while it waits for space, before it has
  // copied the outer record's bytes; a send() from such a callback must not reuse them.
  const RecordBuffers* outer_buffers = nullptr;
  {
    kafkit::detail::ScratchLease outer;
    outer_buffers = &outer.buffers();
    outer.buffers().value = "outer";
    {
      kafkit::detail::ScratchLease nested;
      CHECK(&nested.buffers() != &outer.buffers());
      nested.buffers().value = "nested";
    }
    CHECK(outer.buffers().value == "outer");
  }
  // Once released, the thread's buffers are reused.
  kafkit::detail::ScratchLease again;
  CHECK(&again.buffers() == outer_buffers);
}

// The overload set, checked without constructing a Producer.
using Strings = kafkit::TypedProducer<std::string, std::string>;
using OptKey = kafkit::TypedProducer<std::optional<std::string>, std::int64_t>;

// A requires-expression outside a template is a hard error when false, so go via a concept.
template <class P, class... Args>
concept can_send = requires(P& p, Args&&... args) {
  p.send(std::forward<Args>(args)...);
};

static_assert(can_send<Strings, const char (&)[2], const char (&)[2], const char (&)[2]>);
static_assert(can_send<Strings, std::string_view, std::string>);  // null key
static_assert(can_send<Strings, std::string_view, std::nullopt_t, std::string, SendOptions>);
static_assert(can_send<Strings, std::string_view, std::string, std::string, const SendOptions&>);
static_assert(can_send<Strings, Strings::Record>);
static_assert(can_send<Strings, Strings::Record, kafkit::DeliveryCallback>);
static_assert(can_send<OptKey, std::string_view, std::nullopt_t, std::int64_t>);
static_assert(can_send<OptKey, std::string_view, std::optional<std::string>, std::int64_t>);
static_assert(!can_send<Strings, std::string_view, int, int>);
static_assert(!can_send<Strings, std::string_view, std::string, std::string, int>);
static_assert(!std::is_copy_constructible_v<Strings>);
static_assert(std::is_nothrow_move_constructible_v<kafkit::Producer>);
static_assert(std::is_constructible_v<Strings, kafkit::Producer>);
static_assert(std::is_constructible_v<Strings, kafkit::Config>);

TEST_CASE("designated initializers for the typed record and options compile warning-free") {
  // Mirrors what users write: send({.topic = ..., .value = ...}) and {.partition = 1}.
  const Strings::Record record{.topic = "t", .value = "v"};
  const SendOptions options{.partition = 1};
  CHECK(!record.key.has_value());
  CHECK(options.partition == std::optional<std::int32_t>(1));
}
