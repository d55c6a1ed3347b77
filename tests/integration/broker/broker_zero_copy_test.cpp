// Fetch responses sent from the segment files with sendfile (issue 4), end to end: a
// response several times larger than the socket buffers reaches a slowly reading client
// intact (partial sendfile writes resumed on writability), the broker keeps serving other
// connections meanwhile, and a segment deleted by DeleteRecords while its response is still
// queued is sent whole from the open file. Also without sockets: a spliced frame read into
// memory (the fallback for connections that cannot sendfile) equals the copied frame.
#include <doctest/doctest.h>
#include <poll.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "broker/request.hpp"
#include "broker_fixture.hpp"
#include "protocol/messages/create_topics.hpp"
#include "protocol/messages/delete_records.hpp"
#include "protocol/messages/metadata.hpp"
#include "protocol/records/record_batch_reader.hpp"

namespace kafkit::broker::test {
namespace {

using protocol::FetchResponse;

constexpr size_t kValueSize = 256 * 1024;
constexpr int kRecordsPerBatch = 2;  // batches of ~512 KiB

std::string value_for(int batch, int record) {
  std::string v(kValueSize, '\0');
  uint32_t x = static_cast<uint32_t>(batch * 7919 + record * 104729 + 1);
  for (char& c : v) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>('a' + (x >> 24) % 26);
  }
  return v;
}

void create_topic(TestClient& c, const std::string& name, const std::string& segment_bytes) {
  protocol::CreateTopicsRequest req;
  protocol::CreateTopicsRequest::CreatableTopic t;
  t.name = name;
  t.num_partitions = 1;
  t.replication_factor = 1;
  t.configs.push_back({"segment.bytes", segment_bytes, {}});
  req.topics.push_back(std::move(t));
  req.timeout_ms = 10000;
  auto r = c.call<protocol::CreateTopicsResponse>(req, 7);
  REQUIRE(r.topics.size() == 1);
  REQUIRE(r.topics[0].error_code == 0);
}

void produce_batches(TestClient& c, const std::string& topic, int count) {
  for (int b = 0; b < count; ++b) {
    std::vector<std::string> values;
    for (int r = 0; r < kRecordsPerBatch; ++r) values.push_back(value_for(b, r));
    // Current timestamps: the fixture's default (2023) would let retention.ms delete them.
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto resp =
        c.call<protocol::ProduceResponse>(produce_request(topic, 0, make_batch(values, now)), 9);
    REQUIRE(resp.responses.at(0).partition_responses.at(0).error_code == 0);
  }
}

/// Checks every batch (CRC included) and every value of `records`, which must hold the
/// first `batches` produced batches from offset 0.
void check_records(const protocol::Bytes& records, int batches) {
  protocol::RecordsReader reader(records);
  protocol::RecordBatchView batch;
  int64_t expected_offset = 0;
  for (;;) {
    auto st = reader.next(batch);
    REQUIRE_MESSAGE(st.ok(), st.error().message);
    if (*st != protocol::ReadStatus::batch) {
      CHECK(*st == protocol::ReadStatus::end);
      break;
    }
    for (const auto& r : batch.records()) {
      REQUIRE(r.offset == expected_offset);
      int b = static_cast<int>(r.offset / kRecordsPerBatch);
      int i = static_cast<int>(r.offset % kRecordsPerBatch);
      REQUIRE(r.value.has_value());
      REQUIRE(protocol::as_chars(*r.value) == value_for(b, i));
      ++expected_offset;
    }
  }
  CHECK(expected_offset == int64_t(batches) * kRecordsPerBatch);
}

/// A client whose receive buffer is as small as the kernel allows, set before connecting
/// so the window it advertises stays small: the broker's writes stop at the socket buffers.
class SlowReader {
 public:
  explicit SlowReader(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    int small = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~SlowReader() { ::close(fd_); }
  SlowReader(const SlowReader&) = delete;
  SlowReader& operator=(const SlowReader&) = delete;

  void send_fetch(const protocol::FetchRequest& req, int16_t version) {
    protocol::RequestHeader h{
        protocol::FetchRequest::api_key, version, 7, std::string("kafkit-slow"), {}};
    protocol::Bytes frame = protocol::frame_request(h, req);
    REQUIRE(::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(frame.size()));
  }

  /// Reads `n` bytes in chunks of at most `chunk`, pausing `pause` every `every` chunks.
  protocol::Bytes read(size_t n, size_t chunk, int every, std::chrono::milliseconds pause) {
    protocol::Bytes out(n);
    size_t off = 0;
    int reads = 0;
    while (off < n) {
      pollfd p{fd_, POLLIN, 0};
      REQUIRE_MESSAGE(::poll(&p, 1, 10000) == 1, "the broker stopped sending");
      ssize_t k = ::recv(fd_, out.data() + off, std::min(chunk, n - off), 0);
      REQUIRE_MESSAGE(k > 0, "connection closed after " << off << " of " << n << " bytes");
      off += static_cast<size_t>(k);
      if (++reads % every == 0) std::this_thread::sleep_for(pause);
    }
    return out;
  }

  /// The Fetch response, read slowly.
  FetchResponse receive(int16_t version, size_t chunk, int every, std::chrono::milliseconds pause) {
    protocol::Bytes size_buf = read(4, 4, 1, std::chrono::milliseconds(0));
    uint32_t n = (uint32_t(size_buf[0]) << 24) | (uint32_t(size_buf[1]) << 16) |
                 (uint32_t(size_buf[2]) << 8) | uint32_t(size_buf[3]);
    REQUIRE(n < (1u << 30));
    protocol::Bytes frame = read(n, chunk, every, pause);
    protocol::Reader r(frame);
    protocol::ResponseHeader h;
    REQUIRE(h.decode(r, protocol::response_header_version(FetchResponse::api_key, version)).ok());
    CHECK(h.correlation_id == 7);
    auto body = protocol::decode_message<FetchResponse>(
        protocol::ByteView(frame).subspan(r.offset()), version);
    REQUIRE_MESSAGE(body.ok(), body.error().message);
    return std::move(*body);
  }

 private:
  int fd_ = -1;
};

protocol::FetchRequest big_fetch(const std::string& topic) {
  auto req = fetch_request(topic, 0, 0, 0, 1, 64 << 20);
  req.max_bytes = 64 << 20;
  return req;
}

}  // namespace

TEST_CASE("a fetch response far larger than the socket buffers reaches a slow reader intact") {
  RunningBroker b;
  TestClient admin(b.port());
  create_topic(admin, "big", "67108864");
  constexpr int kBatches = 24;  // ~12 MiB, three times what loopback buffers hold
  produce_batches(admin, "big", kBatches);

  SlowReader slow(b.port());
  for (int16_t v : {int16_t(11), int16_t(12)}) {  // INT32 and compact length prefixes
    CAPTURE(v);
    slow.send_fetch(big_fetch("big"), v);
    // Let the broker fill the socket buffers and park the rest of the response.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // Meanwhile the broker keeps serving: another connection produces and fetches.
    TestClient other(b.port());
    auto f = other.call<FetchResponse>(fetch_request("big", 0, 0, 0, 1, 1), 11);
    CHECK(f.responses.at(0).partitions.at(0).error_code == 0);
    CHECK(f.responses.at(0).partitions.at(0).records->size() > kValueSize);

    auto resp = slow.receive(v, 64 * 1024, 8, std::chrono::milliseconds(1));
    const auto& p = resp.responses.at(0).partitions.at(0);
    CHECK(p.error_code == 0);
    CHECK(p.high_watermark == kBatches * kRecordsPerBatch);
    REQUIRE(p.records.has_value());
    CHECK(p.records->size() > size_t(kBatches) * kValueSize * kRecordsPerBatch);
    check_records(*p.records, kBatches);
  }
}

TEST_CASE("a segment deleted by DeleteRecords while its fetch response is queued is sent whole") {
  RunningBroker b;
  TestClient admin(b.port());
  // 16 MiB segments: 31 batches of ~512 KiB fill the first one.
  create_topic(admin, "trim", "16777216");
  produce_batches(admin, "trim", 40);
  const auto first_segment = b.dir.path / "trim-0" / "00000000000000000000.log";
  REQUIRE(std::filesystem::exists(first_segment));
  const int batches_in_first =
      static_cast<int>(std::filesystem::file_size(first_segment) / (kValueSize * kRecordsPerBatch));
  REQUIRE(batches_in_first == 31);

  SlowReader slow(b.port());
  slow.send_fetch(big_fetch("trim"), 12);
  // The response (the whole first segment, ~16 MiB) is now mostly queued in the broker as
  // a file slice: the socket buffers hold at most a few MiB of it.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  protocol::DeleteRecordsRequest del;
  protocol::DeleteRecordsRequest::DeleteRecordsTopic t;
  t.name = "trim";
  t.partitions.push_back({0, int64_t(batches_in_first + 2) * kRecordsPerBatch, {}});
  del.topics.push_back(std::move(t));
  del.timeout_ms = 5000;
  auto d = admin.call<protocol::DeleteRecordsResponse>(del, 2);
  REQUIRE(d.topics.at(0).partitions.at(0).error_code == 0);
  CHECK(!std::filesystem::exists(first_segment));  // unlinked, still open for the slice

  auto resp = slow.receive(12, 256 * 1024, 4, std::chrono::milliseconds(1));
  const auto& p = resp.responses.at(0).partitions.at(0);
  CHECK(p.error_code == 0);
  CHECK(p.log_start_offset == 0);  // as it was when the fetch was answered
  REQUIRE(p.records.has_value());
  check_records(*p.records, batches_in_first);

  // A new fetch from offset 0 now sees the moved log start.
  auto again = admin.call<FetchResponse>(fetch_request("trim", 0, 0), 12);
  CHECK(again.responses.at(0).partitions.at(0).error_code == 1);  // OFFSET_OUT_OF_RANGE
}

TEST_CASE("a spliced Fetch frame, materialized (the fallback for TLS), equals the copied one") {
  TempDir dir;
  auto file = FileHandle::open(dir.path / "data.log", true);
  REQUIRE(file.ok());
  protocol::Bytes content = make_batch({"a", "bb", "ccc"});
  REQUIRE(file->write_all(0, content).ok());
  auto shared = std::make_shared<const FileHandle>(std::move(*file));

  for (int16_t v : {int16_t(4), int16_t(11), int16_t(12), int16_t(17)}) {
    CAPTURE(v);
    FetchResponse copied;
    copied.responses.resize(1);
    copied.responses[0].topic = "t";
    copied.responses[0].partitions.resize(3);
    for (int32_t p = 0; p < 3; ++p) copied.responses[0].partitions[size_t(p)].partition_index = p;
    FetchResponse spliced = copied;
    // Partition 0 is all of the file, 1 has no records, 2 the file from byte 10.
    copied.responses[0].partitions[0].records = content;
    copied.responses[0].partitions[1].records = protocol::Bytes{};
    copied.responses[0].partitions[2].records =
        protocol::Bytes(content.begin() + 10, content.end());
    for (auto& pd : spliced.responses[0].partitions) pd.records = protocol::Bytes{};
    FileSliceSplicer splicer;
    splicer.add(spliced.responses[0].partitions[0].records, {shared, 0, content.size()});
    splicer.add(spliced.responses[0].partitions[2].records, {shared, 10, content.size() - 10});

    OutgoingFrame frame = encode_spliced(42, v, spliced, splicer);
    const protocol::Bytes expected = protocol::frame_response(42, v, copied);
    CHECK(frame.size() == expected.size());
    // Owned bytes, file, owned bytes, file, and from v12 (flexible) the tagged-field counts
    // that follow the last records; the empty partition 1 needs no part of its own.
    REQUIRE(frame.parts().size() == (v >= 12 ? 5u : 4u));
    CHECK(frame.has_files());
    REQUIRE(frame.materialize().ok());
    CHECK(!frame.has_files());
    CHECK(frame.parts().size() == 1);
    CHECK(frame.bytes() == expected);
  }
}

}  // namespace kafkit::broker::test
