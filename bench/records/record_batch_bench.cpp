// record-batch-bench: encode and decode of a 1 MiB RecordBatch v2 of 100-byte records,
// uncompressed and in each codec. Decoding includes CRC-32C verification, decompression,
// validation of every record and a pass over all records touching each key and value, as a
// consumer would. Throughput is of uncompressed batch bytes. Run by hand:
//   record-batch-bench [seconds per measurement, default 0.4]
//
// Goal (issue "Record batches, CRC32C and compression at memory speed"): decoding the
// uncompressed batch faster than 1 GB/s.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocol/codec/crc32c.hpp"
#include "protocol/random_source.hpp"
#include "protocol/records/record_batch_builder.hpp"
#include "protocol/records/record_batch_reader.hpp"

using namespace kafkit::protocol;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t batch_bytes = size_t(1) << 20;
constexpr size_t value_size = 100;

// Values of words from a small vocabulary: compressible roughly like log lines or JSON.
std::vector<Bytes> make_values(size_t n) {
  static const char* const words[] = {"alpha", "beta",  "gamma", "delta", "user",  "id",
                                      "event", "click", "view",  "2024",  "ok",    "error",
                                      "host",  "eu-1",  "us-2",  "value", "count", "{}"};
  RandomSource rnd(1);
  std::vector<Bytes> values(n);
  for (Bytes& v : values) {
    std::string s;
    while (s.size() < value_size) {
      s += words[rnd.below(std::size(words))];
      s += rnd.chance(3) ? std::to_string(rnd.below(100000)) : " ";
    }
    s.resize(value_size);
    ByteView b = as_bytes(s);
    v.assign(b.begin(), b.end());
  }
  return values;
}

// Runs `f` repeatedly for about `seconds`; returns the seconds per call.
template <class F>
double time_per_call(double seconds, F&& f) {
  f();  // warm up
  size_t calls = 0;
  auto start = Clock::now();
  double elapsed = 0;
  do {
    f();
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  return elapsed / double(calls);
}

Bytes encode(CompressionCodec codec, const std::vector<Bytes>& values, int64_t ts) {
  BatchOptions o;
  o.codec = codec;
  o.producer_id = 1000;
  o.producer_epoch = 0;
  o.base_sequence = 0;
  RecordBatchBuilder b(o);
  b.reserve(batch_bytes);
  for (const Bytes& v : values) {
    if (!b.append(std::nullopt, ByteView(v), ts++).ok()) std::abort();
  }
  auto out = b.finish();
  if (!out.ok()) {
    std::fprintf(stderr, "encode: %s\n", out.error().message.c_str());
    std::exit(1);
  }
  return std::move(*out);
}

// What a consumer does with a fetched blob: every batch, every record, every byte count.
size_t decode(ByteView blob, RecordBatchView& batch, const ReadOptions& options) {
  RecordsReader reader(blob, options);
  size_t touched = 0;
  for (;;) {
    auto st = reader.next(batch);
    if (!st.ok()) {
      std::fprintf(stderr, "decode: %s\n", st.error().message.c_str());
      std::exit(1);
    }
    if (*st != ReadStatus::batch) break;
    for (const RecordView& r : batch.records())
      touched +=
          (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0) + size_t(r.offset & 1);
  }
  return touched;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 0.4;
  // As many 100-byte records as fill a 1 MiB uncompressed batch.
  size_t per_record = RecordBatchBuilder::record_size(0, 0, std::nullopt, Bytes(value_size), {});
  size_t count = (batch_bytes - 61) / (per_record + 2);  // later deltas take 2-3 varint bytes
  std::vector<Bytes> values = make_values(count);
  Bytes plain = encode(CompressionCodec::none, values, 1700000000000);
  while (plain.size() < batch_bytes - per_record - 3) {
    values.push_back(values[values.size() % 97]);
    plain = encode(CompressionCodec::none, values, 1700000000000);
  }
  double mb = double(plain.size());
  std::printf("batch: %zu records of %zu-byte values, %zu bytes uncompressed; crc32c %s\n",
              values.size(), value_size, plain.size(), crc32c_hardware() ? "hardware" : "portable");
  // no-crc: decoding without CRC verification. inflate: decompress() of the records section
  // alone, to tell the codec's share of the decode time from the record layer's.
  std::printf("%-8s %9s %12s %9s %12s %9s %9s %9s\n", "codec", "size", "enc rec/s", "enc GB/s",
              "dec rec/s", "dec GB/s", "no-crc", "inflate");

  const CompressionCodec codecs[] = {CompressionCodec::none, CompressionCodec::gzip,
                                     CompressionCodec::snappy, CompressionCodec::lz4,
                                     CompressionCodec::zstd};
  RecordBatchView batch;
  volatile size_t sink = 0;
  for (CompressionCodec codec : codecs) {
    Bytes encoded;
    double enc = time_per_call(seconds, [&] { encoded = encode(codec, values, 1700000000000); });
    ReadOptions verify;
    double dec = time_per_call(seconds, [&] { sink = sink + decode(encoded, batch, verify); });
    ReadOptions fast;
    fast.verify_crc = false;
    double dec_fast =
        time_per_call(seconds / 2, [&] { sink = sink + decode(encoded, batch, fast); });
    std::string inflate = "-";
    if (codec != CompressionCodec::none) {
      Bytes out;
      out.reserve(plain.size());
      ByteView section = ByteView(encoded).subspan(61);
      double t = time_per_call(seconds / 2, [&] {
        out.clear();
        if (!decompress(codec, section, out).ok()) std::abort();
      });
      inflate = std::to_string(mb / t / 1e9).substr(0, 4);
    }
    std::printf("%-8s %9zu %12.0f %9.2f %12.0f %9.2f %9.2f %9s\n",
                std::string(codec_name(codec)).c_str(), encoded.size(), double(values.size()) / enc,
                mb / enc / 1e9, double(values.size()) / dec, mb / dec / 1e9, mb / dec_fast / 1e9,
                inflate.c_str());
  }
  return 0;
}
