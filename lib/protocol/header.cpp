#include "protocol/header.hpp"

#include "protocol/message_support.hpp"

namespace kafkit::protocol {

void read_unknown_tags(Reader& r, TaggedFields& out, const char* field) {
  uint32_t n = read_tag_count(r, field);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    uint32_t tag = r.uvarint(field);
    uint32_t size = r.uvarint(field);
    ByteView data = r.take(size, field);
    if (r.ok()) out.push_back(TaggedField{tag, Bytes(data.begin(), data.end())});
  }
}

size_t unknown_tags_size(const TaggedFields& tags) {
  size_t n = uvarint_size(tags.size());
  for (const auto& t : tags) n += uvarint_size(t.tag) + uvarint_size(t.data.size()) + t.data.size();
  return n;
}

void RequestHeader::encode(Writer& w, int16_t header_version) const {
  w.i16(api_key);
  w.i16(api_version);
  w.i32(correlation_id);
  if (header_version >= 1) w.nullable_string(client_id, false);
  if (header_version >= 2) {
    w.uvarint(static_cast<uint32_t>(unknown_tagged_fields.size()));
    write_unknown_tags(w, unknown_tagged_fields, 0, UINT64_MAX);
  }
}

size_t RequestHeader::encoded_size(int16_t header_version) const {
  size_t n = 8;
  if (header_version >= 1) n += string_size(client_id ? int64_t(client_id->size()) : -1, false);
  if (header_version >= 2) n += unknown_tags_size(unknown_tagged_fields);
  return n;
}

Result<void> RequestHeader::decode(Reader& r, int16_t header_version) {
  *this = RequestHeader{};
  api_key = r.i16("RequestHeader.RequestApiKey");
  api_version = r.i16("RequestHeader.RequestApiVersion");
  correlation_id = r.i32("RequestHeader.CorrelationId");
  if (header_version >= 1) client_id = r.nullable_string(false, "RequestHeader.ClientId");
  if (header_version >= 2)
    read_unknown_tags(r, unknown_tagged_fields, "RequestHeader.<tagged fields>");
  if (!r.ok()) return r.error();
  return {};
}

void RequestHeader::to_json(JsonWriter& j, int16_t header_version) const {
  j.begin_object();
  j.key("RequestApiKey").value(api_key);
  j.key("RequestApiVersion").value(api_version);
  j.key("CorrelationId").value(correlation_id);
  if (header_version >= 1) {
    j.key("ClientId");
    if (client_id)
      j.value(std::string_view(*client_id));
    else
      j.null();
  }
  if (!unknown_tagged_fields.empty()) write_unknown_tags_json(j, unknown_tagged_fields);
  j.end_object();
}

void ResponseHeader::encode(Writer& w, int16_t header_version) const {
  w.i32(correlation_id);
  if (header_version >= 1) {
    w.uvarint(static_cast<uint32_t>(unknown_tagged_fields.size()));
    write_unknown_tags(w, unknown_tagged_fields, 0, UINT64_MAX);
  }
}

size_t ResponseHeader::encoded_size(int16_t header_version) const {
  return 4 + (header_version >= 1 ? unknown_tags_size(unknown_tagged_fields) : 0);
}

Result<void> ResponseHeader::decode(Reader& r, int16_t header_version) {
  *this = ResponseHeader{};
  correlation_id = r.i32("ResponseHeader.CorrelationId");
  if (header_version >= 1)
    read_unknown_tags(r, unknown_tagged_fields, "ResponseHeader.<tagged fields>");
  if (!r.ok()) return r.error();
  return {};
}

void ResponseHeader::to_json(JsonWriter& j, int16_t) const {
  j.begin_object();
  j.key("CorrelationId").value(correlation_id);
  if (!unknown_tagged_fields.empty()) write_unknown_tags_json(j, unknown_tagged_fields);
  j.end_object();
}

}  // namespace kafkit::protocol
