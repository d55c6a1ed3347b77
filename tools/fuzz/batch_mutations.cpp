#include "batch_mutations.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/codec/compression.hpp"
#include "protocol/codec/crc32c.hpp"
#include "protocol/records/record_batch.hpp"
#include "protocol/records/record_batch_builder.hpp"

namespace kafkit::fuzz {

using namespace kafkit::protocol;
namespace off = kafkit::protocol::batch_layout;

namespace {

void put_be(Bytes& b, size_t at, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[at + i] = std::byte(v >> (8 * (n - 1 - i)));
}

// Both codecs accept concatenated frames/members (Kafka's readers do too), so a bomb is one
// compressed block of zeros repeated: the wire size grows linearly, the output by 16 MiB a copy.
Bytes repeated_zeros(CompressionCodec codec, size_t copies) {
  Bytes zeros(size_t(16) << 20);
  Bytes one;
  (void)compress(codec, zeros, one);
  Bytes out;
  for (size_t i = 0; i < copies; ++i) out.insert(out.end(), one.begin(), one.end());
  return out;
}

// A v2 batch header around an already compressed payload claiming `count` records.
Bytes batch_around(CompressionCodec codec, const Bytes& payload, int32_t count) {
  // Sized for the payload at once: g++ 12 -O3 misreads growing a vector built at a fixed
  // size as an out-of-bounds copy (-Warray-bounds).
  Bytes b(off::records + payload.size(), std::byte{0});
  std::copy(payload.begin(), payload.end(), b.begin() + off::records);
  put_be(b, off::batch_length, uint64_t(off::records - 12 + payload.size()), 4);
  put_be(b, off::partition_leader_epoch, uint64_t(-1), 4);
  b[off::magic] = std::byte{2};
  put_be(b, off::attributes, uint64_t(codec), 2);
  put_be(b, off::last_offset_delta, uint64_t(count - 1), 4);
  put_be(b, off::producer_id, uint64_t(-1), 8);
  put_be(b, off::producer_epoch, uint64_t(-1), 2);
  put_be(b, off::base_sequence, uint64_t(-1), 4);
  put_be(b, off::record_count, uint64_t(count), 4);
  fix_batch_crc(b);
  return b;
}

Bytes valid_batch(RandomSource& g) {
  BatchOptions o;
  static constexpr CompressionCodec codecs[] = {CompressionCodec::none, CompressionCodec::gzip,
                                                CompressionCodec::snappy, CompressionCodec::lz4,
                                                CompressionCodec::zstd};
  o.codec = codecs[g.below(5)];
  RecordBatchBuilder b(o);
  size_t n = 1 + g.below(5);
  for (size_t i = 0; i < n; ++i) {
    std::string value = g.string();
    std::optional<std::string> key;
    if (g.boolean()) key = g.string();
    std::optional<ByteView> k;
    if (key) k = as_bytes(*key);
    (void)b.append(k, as_bytes(value), 1700000000000 + int64_t(i));
  }
  auto done = b.finish();
  return done ? std::move(*done) : Bytes{};
}

}  // namespace

void fix_batch_crc(Bytes& batch) noexcept {
  if (batch.size() < off::records) return;
  uint32_t crc = crc32c(ByteView(batch).subspan(off::attributes));
  put_be(batch, off::crc, crc, 4);
}

BatchMutator::BatchMutator()
    : gzip_bomb_(repeated_zeros(CompressionCodec::gzip, 20)),
      zstd_bomb_(repeated_zeros(CompressionCodec::zstd, 64)) {}

BatchCase BatchMutator::next(RandomSource& g) const {
  switch (g.below(9)) {
    case 0:
      return {"batch-valid", valid_batch(g)};
    case 1: {
      Bytes b = valid_batch(g);
      if (b.size() > off::crc) b[off::crc] ^= std::byte(1 + g.below(255));
      return {"batch-bad-crc", std::move(b)};
    }
    case 2: {
      Bytes b = valid_batch(g);
      static constexpr int64_t lengths[] = {-1, 0, 1, 48, 0x7fffffff, int64_t(0x80000000)};
      if (b.size() >= off::records) put_be(b, off::batch_length, uint64_t(lengths[g.below(6)]), 4);
      return {"batch-bad-length", std::move(b)};
    }
    case 3: {
      Bytes b = valid_batch(g);
      static constexpr int64_t counts[] = {-1, 0, 0x7fffffff, 1000000};
      if (b.size() >= off::records) put_be(b, off::record_count, uint64_t(counts[g.below(4)]), 4);
      if (g.boolean()) fix_batch_crc(b);
      return {"batch-huge-count", std::move(b)};
    }
    case 4: {
      Bytes b = valid_batch(g);
      if (b.size() > off::records) b.resize(off::records + g.below(b.size() - off::records));
      return {"batch-truncated", std::move(b)};
    }
    case 5: {
      Bytes b = valid_batch(g);
      if (b.size() >= off::records) {
        b[off::magic] = std::byte(g.below(256));
        fix_batch_crc(b);
      }
      return {"batch-bad-magic", std::move(b)};
    }
    case 6:
      return {"batch-gzip-bomb", batch_around(CompressionCodec::gzip, gzip_bomb_, 1000)};
    case 7:
      return {"batch-zstd-bomb", batch_around(CompressionCodec::zstd, zstd_bomb_, 0x7fffffff)};
    default: {
      // Valid CRC over random record bytes: the record parser itself is under test.
      Bytes payload(g.below(200));
      for (auto& x : payload) x = std::byte(g.next());
      return {"batch-garbage-records",
              batch_around(CompressionCodec::none, payload, int32_t(g.below(10)))};
    }
  }
}

}  // namespace kafkit::fuzz
