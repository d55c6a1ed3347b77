// ConsumerProtocol subscription/assignment bytes (Kafka's ConsumerProtocolSubscription and
// ConsumerProtocolAssignment, v0-v3).
#include <doctest/doctest.h>

#include "client/group/consumer_protocol.hpp"

using namespace kafkit;
using namespace kafkit::client;
using protocol::Bytes;

namespace {

Bytes bytes(std::initializer_list<int> v) {
  Bytes out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

ConsumerSubscription full_subscription() {
  ConsumerSubscription s;
  s.topics = {"orders", "payments"};
  s.user_data = std::string("\x01\x02", 2);
  s.owned_partitions = {{"orders", 0}, {"orders", 2}, {"payments", 1}};
  s.generation_id = 7;
  s.rack_id = "rack-a";
  return s;
}

}  // namespace

TEST_CASE("subscription v0 has Kafka's byte layout") {
  ConsumerSubscription s;
  s.topics = {"t"};
  Bytes expected =
      bytes({0, 0, /*topics*/ 0, 0, 0, 1, 0, 1, 't', /*user data null*/ 0xff, 0xff, 0xff, 0xff});
  CHECK(encode_subscription(s, 0) == expected);
  auto back = decode_subscription(expected);
  REQUIRE(back.ok());
  CHECK(back->topics == std::vector<std::string>{"t"});
  CHECK(back->user_data.empty());
  CHECK(back->generation_id == -1);
}

TEST_CASE("subscription v3 carries owned partitions, generation and rack") {
  ConsumerSubscription s = full_subscription();
  Bytes b = encode_subscription(s);
  CHECK(b[1] == std::byte{3});
  auto back = decode_subscription(b);
  REQUIRE(back.ok());
  CHECK(*back == s);
}

TEST_CASE("each subscription version keeps exactly its fields") {
  const ConsumerSubscription s = full_subscription();
  for (std::int16_t v = 0; v <= 3; ++v) {
    CAPTURE(v);
    auto back = decode_subscription(encode_subscription(s, v));
    REQUIRE(back.ok());
    CHECK(back->topics == s.topics);
    CHECK(back->user_data == s.user_data);
    CHECK(back->owned_partitions.size() == (v >= 1 ? 3u : 0u));
    CHECK(back->generation_id == (v >= 2 ? 7 : -1));
    CHECK(back->rack_id == (v >= 3 ? std::optional<std::string>("rack-a") : std::nullopt));
  }
}

TEST_CASE("a newer subscription version is read by the fields we know") {
  Bytes b = encode_subscription(full_subscription(), 3);
  b[1] = std::byte{9};  // version 9, with a field we do not know after the v3 ones
  b.push_back(std::byte{0x42});
  b.push_back(std::byte{0x43});
  auto back = decode_subscription(b);
  REQUIRE(back.ok());
  CHECK(*back == full_subscription());
}

TEST_CASE("malformed subscriptions are errors, never crashes") {
  Bytes good = encode_subscription(full_subscription(), 3);
  for (size_t cut = 0; cut < good.size(); ++cut) {
    CAPTURE(cut);
    Bytes part(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    auto r = decode_subscription(part);
    // Every proper prefix of a v3 subscription lacks a field.
    if (r.ok()) FAIL("truncated input decoded");
  }
  auto negative = decode_subscription(bytes({0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}));
  CHECK_FALSE(negative.ok());
  // A topic count of 2^31-1 with 4 bytes behind it is refused before allocating.
  auto huge = decode_subscription(bytes({0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 1, 't', 0}));
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().code == errc::malformed);
}

TEST_CASE("assignment v0 has Kafka's byte layout") {
  ConsumerAssignment a;
  a.partitions = {{"t", 0}, {"t", 1}};
  Bytes expected = bytes({0,
                          0,
                          /*1 topic*/ 0,
                          0,
                          0,
                          1,
                          0,
                          1,
                          't',
                          /*2 partitions*/ 0,
                          0,
                          0,
                          2,
                          0,
                          0,
                          0,
                          0,
                          0,
                          0,
                          0,
                          1,
                          /*user data null*/ 0xff,
                          0xff,
                          0xff,
                          0xff});
  CHECK(encode_assignment(a, 0) == expected);
  auto back = decode_assignment(expected);
  REQUIRE(back.ok());
  CHECK(*back == a);
}

TEST_CASE("assignment round trip, grouping by topic, empty and newer versions") {
  ConsumerAssignment a;
  a.partitions = {{"b", 3}, {"a", 0}, {"b", 1}};
  a.user_data = "xyz";
  auto back = decode_assignment(encode_assignment(a));
  REQUIRE(back.ok());
  // Grouped by topic in first-seen order.
  CHECK(back->partitions == std::vector<TopicPartition>{{"b", 3}, {"b", 1}, {"a", 0}});
  CHECK(back->user_data == "xyz");

  auto empty = decode_assignment({});
  REQUIRE(empty.ok());
  CHECK(empty->partitions.empty());

  Bytes newer = encode_assignment(a);
  newer[1] = std::byte{5};
  newer.push_back(std::byte{1});
  auto fwd = decode_assignment(newer);
  REQUIRE(fwd.ok());
  CHECK(fwd->user_data == "xyz");

  Bytes truncated = encode_assignment(a);
  truncated.resize(truncated.size() - 5);
  CHECK_FALSE(decode_assignment(truncated).ok());
}
