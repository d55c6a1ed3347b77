#pragma once
// One fuzz case: the bytes kafkit-fuzz writes on a connection, and what it may expect back.
#include <cstdint>
#include <string>

#include "protocol/types.hpp"

namespace kafkit::fuzz {

struct FuzzCase {
  uint64_t index = 0;
  int16_t api_key = 0;
  int16_t api_version = 0;
  /// "Produce" etc.; the API the case started from (mutations may change the header).
  std::string api_name;
  /// What was done to the valid request: "valid", "edge-values", "truncate", ...
  std::string mutation;
  /// The exact bytes to write: one or more size-prefixed frames (or garbage).
  protocol::Bytes wire;
  /// True when `wire` is a sequence of complete size-prefixed frames: the broker must then
  /// answer a following request or close the connection. Otherwise it may wait for bytes
  /// that never come, so the runner half-closes the connection and expects a close.
  bool framed = true;
  /// Requests that a broker may legitimately hold (Fetch long poll, group joins): no answer
  /// within the limit is "parked", not a hang.
  bool may_park = false;
};

/// True when `wire` is a sequence of whole, non-negative size-prefixed frames.
bool is_framed(protocol::ByteView wire) noexcept;

}  // namespace kafkit::fuzz
