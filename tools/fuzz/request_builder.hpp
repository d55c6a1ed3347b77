#pragma once
// Valid requests for any API and version, with random field values from the generated
// codec's randomize(), framed with the request header the version calls for.
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/header.hpp"
#include "protocol/random_source.hpp"
#include "protocol/types.hpp"

namespace kafkit::fuzz {

struct BuiltRequest {
  std::string api_name;
  /// Size-prefixed frame.
  protocol::Bytes frame;
  /// Offset of the body inside `frame` (after the size prefix and the header).
  size_t body_offset = 0;
  bool flexible = false;
  bool may_park = false;
};

struct BuildOptions {
  /// Hostile random values (edge integers, huge strings, longer arrays).
  bool hostile = false;
  /// Produce only: replaces every partition's records with this (a record batch).
  std::optional<protocol::Bytes> records;
  /// Header version to write instead of the one the API and version call for.
  std::optional<int16_t> header_version;
  /// Unknown tagged fields to add to the body (flexible versions only).
  protocol::TaggedFields body_tags;
};

/// A random request of `api_key` at `version` (which must be in the codec's range).
BuiltRequest build_request(int16_t api_key, int16_t version, int32_t correlation_id,
                           protocol::RandomSource& g, const BuildOptions& options = {});

/// A request frame with `body` (already encoded) and the given header.
protocol::Bytes frame_raw(const protocol::RequestHeader& header, int16_t header_version,
                          protocol::ByteView body);

}  // namespace kafkit::fuzz
