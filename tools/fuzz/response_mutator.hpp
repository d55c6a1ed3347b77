#pragma once
// Mutations of one broker response for `kafkit-fuzz proxy`: structure-aware ones that
// decode the body with the generated codec (error codes, offsets, partition counts, leader
// ids, throttle times, record sets, a random but well-formed body) and raw ones on the
// frame (bit flips, truncation, a wrong size prefix, a wrong correlation id).
//
// One rule holds for every kind: a refusal is never turned into an acknowledgement. A
// Produce response that carries an error is only mutated in ways that keep it an error or
// make it undecodable, because no client can tell a forged ack from a real one, and the
// proof test checks that every acknowledged record is in the log.
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "protocol/random_source.hpp"
#include "protocol/types.hpp"

namespace kafkit::fuzz {

/// What the proxy knows about the request a response answers.
struct ResponseContext {
  int16_t api_key = -1;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
};

struct Mutation {
  std::string kind;
  std::string detail;
  /// The size-prefixed frame to send instead.
  protocol::Bytes wire;
};

/// Every mutation kind, for --mutations and the summary.
std::span<const std::string_view> mutation_kinds();

class ResponseMutator {
 public:
  /// `enabled` restricts the kinds (empty: all). Unknown names are an error of the caller
  /// (parse_proxy_options checks them against mutation_kinds()).
  explicit ResponseMutator(std::set<std::string, std::less<>> enabled = {})
      : enabled_(std::move(enabled)) {}

  /// A mutation of the response `payload` (the frame without its size prefix);
  /// deterministic in `g`.
  Mutation mutate(const ResponseContext& c, protocol::ByteView payload,
                  protocol::RandomSource& g) const;

 private:
  bool enabled(std::string_view kind) const { return enabled_.empty() || enabled_.contains(kind); }
  std::set<std::string, std::less<>> enabled_;
};

/// Wraps a payload in its INT32 size prefix.
protocol::Bytes size_prefixed(protocol::ByteView payload);

}  // namespace kafkit::fuzz
