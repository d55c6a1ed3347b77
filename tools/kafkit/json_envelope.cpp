#include "json_envelope.hpp"

#include "binary_encoding.hpp"
#include "message_format.hpp"

namespace kafkit::cli {
namespace {

void append_bytes(std::string& out, std::optional<std::string_view> bytes, Encoding encoding) {
  if (!bytes)
    out += "null";
  else if (encoding == Encoding::none)
    append_json_string(out, *bytes);
  else
    append_json_string(out, encode(*bytes, encoding));
}

}  // namespace

void append_json_envelope(std::string& out, const ConsumerRecord& r, std::int32_t broker,
                          Encoding encoding) {
  out += "{\"topic\":";
  append_json_string(out, r.topic);
  out += ",\"partition\":";
  append_decimal(out, r.partition);
  out += ",\"offset\":";
  append_decimal(out, r.offset);
  out += r.timestamp_type == TimestampType::log_append_time ? ",\"tstype\":\"logappend\",\"ts\":"
                                                            : ",\"tstype\":\"create\",\"ts\":";
  append_decimal(out, r.timestamp);
  out += ",\"broker\":";
  append_decimal(out, broker);
  if (!r.headers.empty()) {
    out += ",\"headers\":[";
    bool first = true;
    for (const Header& h : r.headers) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, h.key);
      out += ',';
      append_bytes(out, h.value, encoding);
    }
    out += ']';
  }
  out += ",\"key\":";
  append_bytes(out, r.key, encoding);
  out += ",\"payload\":";
  append_bytes(out, r.value, encoding);
  if (encoding != Encoding::none) {
    out += ",\"encoding\":\"";
    out += encoding_name(encoding);
    out += '"';
  }
  out += '}';
}

}  // namespace kafkit::cli
