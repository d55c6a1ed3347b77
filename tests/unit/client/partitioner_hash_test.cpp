#include <doctest/doctest.h>

#include <cstdint>
#include <string_view>

#include "client/partitioner/hash.hpp"

using namespace kafkit::client;
using kafkit::protocol::as_bytes;

TEST_CASE("murmur2 gives the Java client's values") {
  struct Vector {
    std::string_view key;
    int32_t java;
  };
  // Apache Kafka, clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java,
  // testMurmur2 (also quoted in protocol-facts.md §5.1).
  const Vector kafka_utils_test[] = {
      {"21", -973932308},
      {"foobar", -790332482},
      {"a-little-bit-long-string", -985981536},
      {"a-little-bit-longer-string", -1486304829},
      {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
      {"abc", 479470107},
  };
  // librdkafka 2.0.2, src/rdmurmur2.c, unittest_murmur2's java_murmur2_results (values its
  // comment says come from the Java client), covering every tail length 0-3.
  const Vector librdkafka_unit_test[] = {
      {"kafka", static_cast<int32_t>(0xd067cf64)},
      {"giberish123456789", static_cast<int32_t>(0x8f552b0c)},
      {"1234", static_cast<int32_t>(0x9fc97b14)},
      {"234", static_cast<int32_t>(0xe7c009ca)},
      {"34", static_cast<int32_t>(0x873930da)},
      {"4", static_cast<int32_t>(0x5a4b5ca1)},
      {"PreAmbleWillBeRemoved,ThePrePartThatIs", static_cast<int32_t>(0x78424f1c)},
      {"reAmbleWillBeRemoved,ThePrePartThatIs", static_cast<int32_t>(0x4a62b377)},
      {"eAmbleWillBeRemoved,ThePrePartThatIs", static_cast<int32_t>(0xe0e4e09e)},
      {"AmbleWillBeRemoved,ThePrePartThatIs", static_cast<int32_t>(0x62b8b43f)},
      {"", static_cast<int32_t>(0x106e08d9)},
  };
  for (const auto& v : kafka_utils_test) {
    CAPTURE(v.key);
    CHECK(murmur2(as_bytes(v.key)) == v.java);
  }
  for (const auto& v : librdkafka_unit_test) {
    CAPTURE(v.key);
    CHECK(murmur2(as_bytes(v.key)) == v.java);
  }
}

TEST_CASE("to_positive is Java's mask, not abs") {
  CHECK(to_positive(0) == 0);
  CHECK(to_positive(5) == 5);
  CHECK(to_positive(-1) == 0x7fffffff);  // abs() would give 1
  CHECK(to_positive(INT32_MIN) == 0);    // abs() is undefined / stays negative
  CHECK(to_positive(-790332482) == 1357151166);
}

TEST_CASE("java_key_partition is toPositive(murmur2(key)) % n over all partitions") {
  // 1357151166 % 10 = 6 (murmur2("foobar") from UtilsTest).
  CHECK(java_key_partition(as_bytes("foobar"), 10) == 6);
  // 479470107 % 7 = 479470107 - 7 * 68495729 = 4.
  CHECK(java_key_partition(as_bytes("abc"), 7) == 4);
  // An empty key is hashed, not treated as null: 0x106e08d9 = 275646681, % 17 = 3.
  CHECK(java_key_partition(as_bytes(""), 17) == 275646681 % 17);
}

TEST_CASE("fnv1a gives librdkafka's (Sarama-compatible) values") {
  struct Vector {
    std::string_view key;
    int32_t expected;
  };
  // librdkafka 2.0.2, src/rdfnv1a.c, unittest_fnv1a (values it took from Go's hash/fnv).
  const Vector vectors[] = {
      {"kafka", 0xd33c4e1},
      {"giberish123456789", 0x77a58295},
      {"1234", 0x23bdd03},
      {"234", 0x2dea3cd2},
      {"34", 0x740fa83e},
      {"4", 0x310ca263},
      {"PreAmbleWillBeRemoved,ThePrePartThatIs", 0x65cbd69c},
      {"reAmbleWillBeRemoved,ThePrePartThatIs", 0x6e49c79a},
      {"eAmbleWillBeRemoved,ThePrePartThatIs", 0x69eed356},
      {"AmbleWillBeRemoved,ThePrePartThatIs", 0x6abcc023},
      {"", 0x7ee3623b},
  };
  for (const auto& v : vectors) {
    CAPTURE(v.key);
    CHECK(static_cast<int32_t>(fnv1a(as_bytes(v.key))) == v.expected);
  }
}

TEST_CASE("crc32 is the IEEE/zlib CRC") {
  CHECK(crc32(as_bytes("123456789")) == 0xCBF43926u);  // the CRC catalogue's check value
  CHECK(crc32(as_bytes("")) == 0u);
}
