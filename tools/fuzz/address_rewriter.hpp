#pragma once
// Makes the proxy advertise itself: every broker address in Metadata, FindCoordinator and
// DescribeCluster responses (and the KIP-951 node endpoints of Produce and Fetch) is
// replaced with the proxy's own listener, so a client that bootstraps through the proxy
// keeps talking through it. One listener stands for every node, which is exact for the
// single-node broker behind it; with several nodes behind one listener the client's
// per-node connections all reach the one upstream. Mutated responses are rewritten too, so
// a client is never sent to a made-up host.
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/types.hpp"
#include "response_mutator.hpp"

namespace kafkit::fuzz {

class AddressRewriter {
 public:
  AddressRewriter(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

  /// The response `payload` (no size prefix) with addresses replaced, or nullopt when the
  /// API carries none or the payload does not decode (it is then forwarded as it came).
  std::optional<protocol::Bytes> rewrite(const ResponseContext& c,
                                         protocol::ByteView payload) const;

 private:
  std::string host_;
  uint16_t port_;
};

}  // namespace kafkit::fuzz
