// libFuzzer target: decompression of untrusted batch payloads. Input: one byte choosing the
// codec (value % 5; built with KAFKIT_FUZZ_CODEC=id, one codec only) and the compression
// options for the round trip (value / 5), then the compressed payload. Checks, besides sanitizer
// reports: a failure leaves the output buffer as it was and says something; a success stays under
// the limit, and compressing the result and decompressing again gives the same bytes.
#include <cstdint>
#include <cstdlib>

#include "protocol/codec/compression.hpp"

using namespace kafkit::protocol;

namespace {
constexpr size_t limit = size_t(1) << 20;
const Bytes prefix = {std::byte{0xAB}, std::byte{0xCD}, std::byte{0xEF}};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
#ifdef KAFKIT_FUZZ_CODEC
  auto codec = static_cast<CompressionCodec>(KAFKIT_FUZZ_CODEC);
#else
  auto codec = static_cast<CompressionCodec>(data[0] % 5);
#endif
  unsigned variant = data[0] / 5;
  ByteView payload(reinterpret_cast<const std::byte*>(data + 1), size - 1);

  Bytes out = prefix;
  auto r = decompress(codec, payload, out, limit);
  if (!r.ok()) {
    if (out != prefix || r.error().message.empty()) std::abort();
    return 0;
  }
  if (out.size() > prefix.size() + limit) std::abort();
  ByteView plain = ByteView(out).subspan(prefix.size());

  CompressOptions options;
  options.snappy_xerial = (variant & 1) == 0;
  options.level = (variant & 2) != 0 ? 1 : 0;
  Bytes packed;
  if (!compress(codec, plain, packed, options).ok()) std::abort();
  Bytes again;
  if (!decompress(codec, packed, again, limit).ok()) std::abort();
  if (!std::equal(again.begin(), again.end(), plain.begin(), plain.end())) std::abort();
  return 0;
}
