#pragma once
// Whole-message helpers over the generated types: encode to an owned buffer, decode a
// complete body (trailing bytes are an error), and frame a request or response.
#include <string>

#include "common/result.hpp"
#include "protocol/header.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/reader.hpp"
#include "protocol/writer.hpp"

namespace kafkit::protocol {

template <class M>
Bytes encode_message(const M& m, int16_t version) {
  Bytes out;
  out.reserve(m.encoded_size(version));
  Writer w(out);
  m.encode(w, version);
  return out;
}

/// Decodes a body that must fill `data` exactly.
template <class M>
Result<M> decode_message(ByteView data, int16_t version, size_t base_offset = 0) {
  Reader r(data, base_offset);
  M m;
  if (auto res = m.decode(r, version); !res) return res.error();
  if (!r.at_end())
    return Error{errc::malformed, std::to_string(r.remaining()) + " unexpected bytes after " +
                                      M::type_name + " v" + std::to_string(version) + " at byte " +
                                      std::to_string(r.offset())};
  return m;
}

/// A size-prefixed request frame: INT32 size, header, body.
template <class M>
Bytes frame_request(const RequestHeader& h, const M& body) {
  int16_t hv = request_header_version(M::api_key, h.api_version);
  size_t n = h.encoded_size(hv) + body.encoded_size(h.api_version);
  Bytes out;
  out.reserve(4 + n);
  Writer w(out);
  w.i32(static_cast<int32_t>(n));
  h.encode(w, hv);
  body.encode(w, h.api_version);
  return out;
}

/// A size-prefixed response frame for a request of `api_version`.
template <class M>
Bytes frame_response(int32_t correlation_id, int16_t api_version, const M& body) {
  int16_t hv = response_header_version(M::api_key, api_version);
  ResponseHeader h{correlation_id, {}};
  size_t n = h.encoded_size(hv) + body.encoded_size(api_version);
  Bytes out;
  out.reserve(4 + n);
  Writer w(out);
  w.i32(static_cast<int32_t>(n));
  h.encode(w, hv);
  body.encode(w, api_version);
  return out;
}

}  // namespace kafkit::protocol
