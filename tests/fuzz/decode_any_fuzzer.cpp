// libFuzzer target: any bytes, decoded as any (API, version, request|response) body or as a
// whole request frame. Input: INT16 api key, INT16 version, INT8 kind, then the bytes.
// Unknown keys and versions are folded onto known ones so every mutation exercises a decoder.
// Checks: no crash or sanitizer report, and whatever decodes re-encodes to an equal message.
#include <cstdint>
#include <cstdlib>

#include "common/json_writer.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"

using namespace kafkit::protocol;

namespace {

template <class M>
void roundtrip(ByteView body, int16_t version) {
  auto m = decode_message<M>(body, version);
  if (!m.ok()) return;
  Bytes again = encode_message(*m, version);
  if (again.size() != m->encoded_size(version)) std::abort();
  auto m2 = decode_message<M>(again, version);
  if (!m2.ok() || !(*m2 == *m)) std::abort();
  kafkit::JsonWriter j;
  m->to_json(j, version);
}

void frame(ByteView payload) {
  Reader peek(payload);
  int16_t key = peek.i16("key");
  int16_t version = peek.i16("version");
  if (!peek.ok()) return;
  Reader r(payload);
  RequestHeader h;
  if (!h.decode(r, request_header_version(key, version)).ok()) return;
  visit_api(key, [&](auto api) {
    using A = decltype(api);
    if (version < A::info.min_version || version > A::info.max_version) return;
    roundtrip<typename A::Request>(payload.subspan(r.offset()), version);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  auto key = int16_t((data[0] << 8) | data[1]);
  auto version = int16_t((data[2] << 8) | data[3]);
  uint8_t kind = data[4];
  ByteView body(reinterpret_cast<const std::byte*>(data + 5), size - 5);
  if (kind & 2) {
    frame(body);
    return 0;
  }
  auto apis = all_apis();
  const ApiInfo* info = find_api(key);
  if (info == nullptr) info = &apis[uint16_t(key) % apis.size()];
  int span = info->max_version - info->min_version + 1;
  if (version < info->min_version || version > info->max_version)
    version = int16_t(info->min_version + uint16_t(version) % span);
  visit_api(info->key, [&](auto api) {
    using A = decltype(api);
    if (kind & 1)
      roundtrip<typename A::Response>(body, version);
    else
      roundtrip<typename A::Request>(body, version);
  });
  return 0;
}
