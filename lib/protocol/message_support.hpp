#pragma once
// Helpers that generated message code shares (private to lib/protocol).
#include <cstdint>

#include "common/json_writer.hpp"
#include "protocol/types.hpp"
#include "protocol/writer.hpp"

namespace kafkit::protocol {

/// Writes the unknown tagged fields from index `i` whose tag is below `below`, keeping the
/// ascending tag order that KIP-482 asks writers for; returns the next index.
inline size_t write_unknown_tags(Writer& w, const TaggedFields& tags, size_t i, uint64_t below) {
  for (; i < tags.size() && tags[i].tag < below; ++i) {
    w.uvarint(tags[i].tag);
    w.uvarint(static_cast<uint32_t>(tags[i].data.size()));
    w.raw(tags[i].data);
  }
  return i;
}

inline void write_unknown_tags_json(JsonWriter& j, const TaggedFields& tags) {
  j.key("_unknown_tagged_fields").begin_array();
  for (const auto& t : tags) {
    j.begin_object().key("tag").value(t.tag).key("data").base64(t.data).end_object();
  }
  j.end_array();
}

}  // namespace kafkit::protocol
