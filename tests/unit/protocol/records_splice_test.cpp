// Writer::records: identical to nullable_bytes without a splicer; with one, only the
// length prefix of a claimed field is written and the gap is recorded, at every version of
// FetchResponse (INT32 and compact prefixes).
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>

#include "protocol/messages/fetch.hpp"
#include "protocol/reader.hpp"
#include "protocol/writer.hpp"

using namespace kafkit::protocol;

namespace {

Bytes some_bytes(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = std::byte(i * 7 + 3);
  return b;
}

/// Claims the fields it was told about, with their stand-in bytes.
struct MapSplicer final : RecordsSplicer {
  std::map<const std::optional<Bytes>*, Bytes> external;
  std::optional<size_t> external_size(const std::optional<Bytes>& field) override {
    auto it = external.find(&field);
    if (it == external.end()) return std::nullopt;
    return it->second.size();
  }
};

/// The buffer with every gap filled in: what the receiver gets.
Bytes spliced(const Writer& w, const Bytes& buf, const MapSplicer& s) {
  Bytes out;
  size_t at = 0;
  for (const SplicePoint& p : w.splices()) {
    out.insert(out.end(), buf.begin() + static_cast<ptrdiff_t>(at),
               buf.begin() + static_cast<ptrdiff_t>(p.offset));
    const Bytes& ext = s.external.at(p.field);
    REQUIRE(ext.size() == p.size);
    out.insert(out.end(), ext.begin(), ext.end());
    at = p.offset;
  }
  out.insert(out.end(), buf.begin() + static_cast<ptrdiff_t>(at), buf.end());
  return out;
}

}  // namespace

TEST_CASE("Writer::records without a splicer writes what nullable_bytes writes") {
  for (bool compact : {false, true}) {
    for (std::optional<Bytes> v : {std::optional<Bytes>(), std::optional<Bytes>(Bytes{}),
                                   std::optional<Bytes>(some_bytes(300))}) {
      Bytes a, b;
      Writer wa(a), wb(b);
      wa.records(v, compact);
      wb.nullable_bytes(v, compact);
      CHECK(a == b);
      CHECK(wa.splices().empty());
      CHECK(wa.spliced_bytes() == 0);
    }
    // Not nullable in this version: null is written as empty bytes.
    Bytes a, b;
    Writer wa(a), wb(b);
    wa.records(std::nullopt, compact, false);
    wb.bytes(ByteView(), compact);
    CHECK(a == b);
  }
}

TEST_CASE("Writer::records with a splicer writes the prefix and records the gap") {
  for (bool compact : {false, true}) {
    MapSplicer s;
    std::optional<Bytes> claimed = Bytes{};  // placeholder; its own value is ignored
    std::optional<Bytes> other = some_bytes(5);
    s.external[&claimed] = some_bytes(200);
    Bytes buf;
    Writer w(buf);
    w.set_splicer(&s);
    w.i8(1);
    w.records(claimed, compact);
    w.records(other, compact);  // not claimed: encoded as usual
    REQUIRE(w.splices().size() == 1);
    CHECK(w.splices()[0].field == &claimed);
    CHECK(w.splices()[0].size == 200);
    CHECK(w.spliced_bytes() == 200);
    size_t prefix = compact ? 2 : 4;  // uvarint(201) takes two bytes
    CHECK(w.splices()[0].offset == 1 + prefix);
    CHECK(buf.size() == 1 + prefix + (compact ? 1 : 4) + 5);

    Bytes plain;
    Writer pw(plain);
    pw.i8(1);
    pw.nullable_bytes(some_bytes(200), compact);
    pw.nullable_bytes(other, compact);
    CHECK(spliced(w, buf, s) == plain);
  }
}

TEST_CASE("a FetchResponse encoded through a splicer equals the copied one, all versions") {
  for (int16_t v = FetchResponse::min_version; v <= FetchResponse::max_version; ++v) {
    CAPTURE(v);
    FetchResponse with_bytes;
    FetchResponse with_gaps;
    MapSplicer s;
    for (int t = 0; t < 2; ++t) {
      FetchResponse::FetchableTopicResponse tr;
      tr.topic = "t" + std::to_string(t);
      for (int p = 0; p < 3; ++p) {
        FetchResponse::PartitionData pd;
        pd.partition_index = p;
        pd.records = some_bytes(static_cast<size_t>(100 * p + t));
        tr.partitions.push_back(pd);
      }
      with_bytes.responses.push_back(tr);
      for (auto& pd : tr.partitions) pd.records = Bytes{};
      with_gaps.responses.push_back(std::move(tr));
    }
    for (size_t t = 0; t < 2; ++t)
      for (size_t p = 0; p < 3; ++p)
        s.external[&with_gaps.responses[t].partitions[p].records] =
            *with_bytes.responses[t].partitions[p].records;

    Bytes plain;
    Writer pw(plain);
    with_bytes.encode(pw, v);
    CHECK(plain.size() == with_bytes.encoded_size(v));

    Bytes buf;
    Writer w(buf);
    w.set_splicer(&s);
    with_gaps.encode(w, v);
    CHECK(w.splices().size() == 6);
    CHECK(buf.size() + w.spliced_bytes() == plain.size());
    Bytes whole = spliced(w, buf, s);
    CHECK(whole == plain);

    Reader r(whole);
    FetchResponse back;
    REQUIRE(back.decode(r, v).ok());
    for (size_t t = 0; t < 2; ++t)
      for (size_t p = 0; p < 3; ++p)
        CHECK(back.responses[t].partitions[p].records ==
              with_bytes.responses[t].partitions[p].records);
  }
}
