// Exact bytes of hand-built messages, written down from the protocol rules rather than
// produced by our own encoder, so a shared encoder/decoder bug cannot hide.
#include <doctest/doctest.h>

#include <string>

#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"

using namespace kafkit::protocol;

namespace {
Bytes hex(std::string_view h) {
  Bytes out;
  for (size_t i = 0; i < h.size(); ++i) {
    if (h[i] == ' ' || h[i] == '|') continue;
    out.push_back(std::byte(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    ++i;
  }
  return out;
}
}  // namespace

TEST_CASE("ApiVersions v3 request frame, as librdkafka sends it") {
  RequestHeader h{18, 3, 1, std::string("rdkafka"), {}};
  ApiVersionsRequest req;
  req.client_software_name = "librdkafka";
  req.client_software_version = "2.0.2";
  Bytes frame = frame_request(h, req);
  CHECK(frame == hex("00000024 | 0012 0003 00000001 0007 72646b61666b61 00 |"
                     " 0b 6c696272646b61666b61 06 322e302e32 00"));
  CHECK(request_header_version(18, 3) == 2);
  CHECK(request_header_version(18, 2) == 1);
}

TEST_CASE("ApiVersions responses always use response header v0") {
  CHECK(response_header_version(18, 3) == 0);
  CHECK(response_header_version(18, 0) == 0);
  CHECK(response_header_version(3, 9) == 1);  // Metadata v9 is flexible
  CHECK(response_header_version(3, 8) == 0);
  CHECK(request_header_version(7, 0) == 0);  // ControlledShutdown v0
}

TEST_CASE("ApiVersions v0 error layout decodes") {
  // UNSUPPORTED_VERSION with only key 18's range: what a broker sends for a version it lacks.
  Bytes body = hex("0023 00000001 0012 0000 0004");
  auto r = decode_message<ApiVersionsResponse>(body, 0);
  REQUIRE(r.ok());
  CHECK(r->error_code == 35);
  REQUIRE(r->api_keys.size() == 1);
  CHECK(r->api_keys[0].api_key == 18);
  CHECK(r->api_keys[0].max_version == 4);
}

TEST_CASE("Metadata v0 empty topic list and v1 null = all topics") {
  MetadataRequest all;
  all.topics = std::nullopt;
  CHECK(encode_message(all, 1) == hex("ffffffff"));
  CHECK(encode_message(all, 0) == hex("00000000"));  // v0 cannot say null: empty means all
  MetadataRequest some;
  some.topics = std::vector<MetadataRequest::MetadataRequestTopic>(1);
  some.topics->at(0).name = "t";
  // v9: compact array (1+1), name "t" compact (1+1), struct tag buffer, then
  // AllowAutoTopicCreation (default true), IncludeClusterAuthorizedOperations (v8-10),
  // IncludeTopicAuthorizedOperations, top-level tag buffer.
  CHECK(encode_message(some, 9) == hex("02 0274 00 01 00 00 00"));
}

TEST_CASE("tagged fields are written only when not default, in tag order") {
  FetchResponse::PartitionData p;
  p.partition_index = 0;
  p.records = Bytes{};
  FetchResponse r;
  r.responses.resize(1);
  r.responses[0].topic = "t";
  r.responses[0].partitions.push_back(p);
  Bytes plain = encode_message(r, 12);
  r.responses[0].partitions[0].current_leader.leader_id = 2;
  r.responses[0].partitions[0].current_leader.leader_epoch = 5;
  Bytes tagged = encode_message(r, 12);
  // CurrentLeader is tag 1: count 1, tag 1, size 9 = {02 00000002 00000005 00 wait:int32s}
  CHECK(tagged.size() == plain.size() + 1 + 1 + 8 + 1);
  auto back = decode_message<FetchResponse>(tagged, 12);
  REQUIRE(back.ok());
  CHECK(back->responses[0].partitions[0].current_leader.leader_epoch == 5);
}

TEST_CASE("unknown tagged fields survive a decode/encode round trip") {
  // HeartbeatResponse v4: throttle, error, then a tag buffer with an unknown tag 7.
  Bytes body = hex("00000000 0000 01 07 02 abcd");
  auto r = decode_message<HeartbeatResponse>(body, 4);
  REQUIRE(r.ok());
  REQUIRE(r->unknown_tagged_fields.size() == 1);
  CHECK(r->unknown_tagged_fields[0].tag == 7);
  CHECK(encode_message(*r, 4) == body);
}

TEST_CASE("a known tagged field with a wrong size is an error") {
  // ApiVersionsResponse v3 top-level tag 1 (FinalizedFeaturesEpoch, int64) given 2 bytes.
  Bytes body = hex("0000 01 00000000 01 01 02 0000");
  auto r = decode_message<ApiVersionsResponse>(body, 3);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("FinalizedFeaturesEpoch") != std::string::npos);
}

TEST_CASE("nullable struct uses an INT8 marker") {
  ConsumerGroupHeartbeatResponse r;
  r.assignment = std::nullopt;
  Bytes null_form = encode_message(r, 0);
  r.assignment.emplace();
  Bytes present = encode_message(r, 0);
  CHECK(present.size() == null_form.size() + 2);  // marker 1 replaces -1; empty array + tags
  auto back = decode_message<ConsumerGroupHeartbeatResponse>(null_form, 0);
  REQUIRE(back.ok());
  CHECK_FALSE(back->assignment.has_value());
}
