// Speed of the record layer's checksums and codecs on 1 MiB buffers:
//   CRC-32C (hardware and portable) next to memcpy of the same buffer, the target being
//   CRC-32C at >= 50% of memcpy speed;
//   each codec's compress and decompress speed and ratio on JSON-like records.
// Each figure repeats its operation for ~0.3 s; the whole run takes a few seconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "protocol/codec/compression.hpp"
#include "protocol/codec/crc32c.hpp"
#include "protocol/codec/crc32c_kernels.hpp"

using namespace kafkit::protocol;

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t mib = size_t(1) << 20;

// Keeps the compiler from proving a result unused and dropping the work.
template <class T>
void keep(const T& v) {
  asm volatile("" : : "g"(&v) : "memory");
}

// Bytes processed per second by `op`, which handles `bytes` per call: the best of the
// windows of ~20 ms that fit in 0.3 s, so a noisy neighbour on a shared machine costs a
// window rather than the figure.
template <class Op>
double rate(size_t bytes, Op op) {
  op();  // warm up caches and thread-local contexts
  double best = 0;
  auto start = Clock::now();
  while (Clock::now() - start < std::chrono::milliseconds(300)) {
    size_t calls = 0;
    auto window = Clock::now();
    std::chrono::duration<double> spent{};
    do {
      op();
      ++calls;
      spent = Clock::now() - window;
    } while (spent < std::chrono::milliseconds(20));
    best = std::max(best, double(bytes) * double(calls) / spent.count());
  }
  return best;
}

// ~1 MiB of JSON events as a producer would batch them: repeated field names, varying
// ids, timestamps and a few free-text fields.
Bytes json_records(size_t n) {
  static const char* const pages[] = {"/", "/cart", "/checkout", "/search?q=shoes", "/p/4711"};
  static const char* const agents[] = {"Mozilla/5.0 (X11; Linux x86_64)", "curl/8.4.0",
                                       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"};
  std::mt19937 rng(12345);
  std::string s;
  for (long ts = 1700000000000; s.size() < n; ts += rng() % 50) {
    s += "{\"ts\":" + std::to_string(ts) + ",\"user_id\":" + std::to_string(rng() % 100000) +
         ",\"session\":\"" + std::to_string(rng()) + "\",\"page\":\"" + pages[rng() % 5] +
         "\",\"agent\":\"" + agents[rng() % 3] +
         "\",\"latency_ms\":" + std::to_string(rng() % 900) +
         ",\"ok\":" + (rng() % 10 ? "true" : "false") + "}\n";
  }
  s.resize(n);
  Bytes b(n);
  std::memcpy(b.data(), s.data(), n);
  return b;
}

void checksums() {
  Bytes src(mib), dst(mib);
  std::mt19937 rng(1);
  for (auto& b : src) b = std::byte(rng());
  double copy = rate(mib, [&] {
    std::memcpy(dst.data(), src.data(), mib);
    keep(dst);
  });
  uint32_t sink = 0;
  double best = rate(mib, [&] { sink ^= crc32c(src); });
  std::printf("1 MiB buffer                 GB/s   vs memcpy\n");
  std::printf("  memcpy                  %8.2f\n", copy / 1e9);
  std::printf("  crc32c() = %-12s %8.2f   %5.0f%%   target >= 50%%: %s\n", crc32c_implementation(),
              best / 1e9, 100 * best / copy, best >= copy / 2 ? "met" : "MISSED");
#if defined(__x86_64__)
  // Each hardware kernel on its own, whichever crc32c() picked.
  if (detail::cpu_has_sse42_crc()) {
    double r = rate(mib, [&] { sink ^= detail::crc32c_sse42(sink, src.data(), mib); });
    std::printf("  sse4.2 (crc32 x3)       %8.2f   %5.0f%%\n", r / 1e9, 100 * r / copy);
  }
  if (detail::cpu_has_vpclmul_crc()) {
    double r = rate(mib, [&] { sink ^= detail::crc32c_vpclmul(sink, src.data(), mib); });
    std::printf("  vpclmulqdq (folding)    %8.2f   %5.0f%%\n", r / 1e9, 100 * r / copy);
  }
#endif
  double sw = rate(mib, [&] { sink ^= crc32c_portable(src); });
  std::printf("  portable (slicing-by-8) %8.2f   %5.0f%%\n", sw / 1e9, 100 * sw / copy);
  for (size_t n : {size_t(256), size_t(4096), size_t(65536)}) {
    ByteView v(src.data(), n);
    double r = rate(n, [&] { sink ^= crc32c(v); });
    std::printf("  crc32c() %6zu B       %8.2f\n", n, r / 1e9);
  }
  keep(sink);
}

void codecs() {
  Bytes in = json_records(mib);
  struct Case {
    const char* name;
    CompressionCodec codec;
    CompressOptions options;
  } cases[] = {
      {"gzip (6)", CompressionCodec::gzip, {}},
      {"gzip (1)", CompressionCodec::gzip, {.level = 1, .snappy_xerial = true}},
      {"snappy xerial", CompressionCodec::snappy, {}},
      {"snappy raw", CompressionCodec::snappy, {.level = 0, .snappy_xerial = false}},
      {"lz4", CompressionCodec::lz4, {}},
      {"zstd (3)", CompressionCodec::zstd, {}},
      {"zstd (1)", CompressionCodec::zstd, {.level = 1, .snappy_xerial = true}},
  };
  std::printf("\n1 MiB of JSON records  compress MB/s  decompress MB/s  ratio\n");
  for (auto& c : cases) {
    Bytes packed;
    if (!compress(c.codec, in, packed, c.options).ok()) return;
    double comp = rate(in.size(), [&] {
      Bytes out;
      out.reserve(packed.size() * 2);
      (void)compress(c.codec, in, out, c.options);
      keep(out);
    });
    double decomp = rate(in.size(), [&] {
      Bytes out;
      (void)decompress(c.codec, packed, out);
      keep(out);
    });
    std::printf("  %-18s %12.0f %16.0f %6.2f\n", c.name, comp / 1e6, decomp / 1e6,
                double(in.size()) / double(packed.size()));
  }
}

}  // namespace

int main() {
  checksums();
  codecs();
  return 0;
}
