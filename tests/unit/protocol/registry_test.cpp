#include <doctest/doctest.h>

#include <string>

#include "protocol/messages/apis.hpp"
#include "protocol/messages/error_codes.hpp"

using namespace kafkit::protocol;

TEST_CASE("every API that clients, admin tools and a minimal broker use is covered") {
  // key, oldest version librdkafka 2.0 / kafkajs may send, newest in Kafka 4.1.
  struct Need {
    int16_t key, lo, hi;
  } needs[] = {{18, 0, 4}, {3, 0, 13}, {0, 0, 13}, {1, 0, 18}, {2, 0, 10}, {10, 0, 6}, {11, 0, 9},
               {14, 0, 5}, {12, 0, 4}, {13, 0, 5}, {8, 0, 9},  {9, 0, 9},  {47, 0, 0}, {16, 0, 5},
               {15, 0, 6}, {42, 0, 2}, {19, 0, 7}, {20, 0, 6}, {37, 0, 3}, {21, 0, 2}, {32, 0, 4},
               {33, 0, 2}, {44, 0, 1}, {60, 0, 2}, {35, 0, 4}, {43, 0, 2}, {23, 0, 4}, {17, 0, 1},
               {36, 0, 2}, {22, 0, 5}, {24, 0, 5}, {25, 0, 4}, {26, 0, 5}, {27, 0, 1}, {28, 0, 5},
               {61, 0, 0}, {65, 0, 0}, {66, 0, 2}, {30, 0, 3}, {29, 0, 3}, {31, 0, 3}, {68, 0, 1},
               {69, 0, 1}};
  for (auto n : needs) {
    CAPTURE(n.key);
    const ApiInfo* a = find_api(n.key);
    REQUIRE(a != nullptr);
    CHECK(a->min_version <= n.lo);
    CHECK(a->max_version >= n.hi);
  }
  CHECK(find_api(9999) == nullptr);
}

TEST_CASE("flexible versions and coordinators") {
  CHECK(api::Produce::info.first_flexible_version == 9);
  CHECK(api::SaslHandshake::info.first_flexible_version == -1);
  CHECK(api::OffsetDelete::info.first_flexible_version == -1);
  CHECK(api::JoinGroup::info.coordinator == Coordinator::group);
  CHECK(api::EndTxn::info.coordinator == Coordinator::transaction);
  CHECK(api::Fetch::info.coordinator == Coordinator::any);
  std::string names;
  visit_api(1, [&](auto a) { names = a.info.name; });
  CHECK(names == "Fetch");
}

TEST_CASE("error code table") {
  CHECK(all_error_codes().size() == 135);
  CHECK(error_name(3) == "UNKNOWN_TOPIC_OR_PARTITION");
  CHECK(is_retriable(3));
  CHECK_FALSE(is_retriable(35));
  CHECK(int16_t(ErrorCode::UnsupportedVersion) == 35);
  CHECK(int16_t(ErrorCode::NotLeaderOrFollower) == 6);
  CHECK(error_name(-5000) == "UNKNOWN_ERROR_CODE");
  for (const auto& e : all_error_codes()) CHECK_FALSE(e.message.empty());
}
