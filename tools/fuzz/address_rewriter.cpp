#include "address_rewriter.hpp"

#include "protocol/header.hpp"
#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"

namespace kafkit::fuzz {

using namespace kafkit::protocol;

namespace {

struct Endpoint {
  const std::string& host;
  int32_t port;
};

template <class Node>
void point_at(Node& n, const Endpoint& e) {
  n.host = e.host;
  n.port = e.port;
}

void rewrite_body(MetadataResponse& m, const Endpoint& e) {
  for (auto& b : m.brokers) point_at(b, e);
}
void rewrite_body(FindCoordinatorResponse& m, const Endpoint& e) {
  // v0-3 carry one coordinator at the top level; v4+ (KIP-699) one per key. An error
  // answer's empty host stays empty.
  if (!m.host.empty()) point_at(m, e);
  for (auto& c : m.coordinators)
    if (!c.host.empty()) point_at(c, e);
}
void rewrite_body(DescribeClusterResponse& m, const Endpoint& e) {
  for (auto& b : m.brokers) point_at(b, e);
}
void rewrite_body(ProduceResponse& m, const Endpoint& e) {
  for (auto& n : m.node_endpoints) point_at(n, e);
}
void rewrite_body(FetchResponse& m, const Endpoint& e) {
  for (auto& n : m.node_endpoints) point_at(n, e);
}

template <class M>
std::optional<Bytes> rewrite_as(const ResponseContext& c, ByteView payload, const Endpoint& e) {
  int16_t hv = response_header_version(c.api_key, c.api_version);
  Reader hr(payload);
  ResponseHeader header;
  if (!header.decode(hr, hv)) return std::nullopt;
  auto decoded = decode_message<M>(payload.subspan(hr.offset()), c.api_version);
  if (!decoded) return std::nullopt;
  if constexpr (std::is_same_v<M, ProduceResponse> || std::is_same_v<M, FetchResponse>)
    if (decoded->node_endpoints.empty()) return std::nullopt;  // the common case: untouched
  rewrite_body(*decoded, e);
  try {
    Bytes out;
    Writer w(out);
    header.encode(w, hv);
    decoded->encode(w, c.api_version);
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<Bytes> AddressRewriter::rewrite(const ResponseContext& c, ByteView payload) const {
  Endpoint e{host_, port_};
  switch (c.api_key) {
    case MetadataResponse::api_key:
      return rewrite_as<MetadataResponse>(c, payload, e);
    case FindCoordinatorResponse::api_key:
      return rewrite_as<FindCoordinatorResponse>(c, payload, e);
    case DescribeClusterResponse::api_key:
      return rewrite_as<DescribeClusterResponse>(c, payload, e);
    case ProduceResponse::api_key:
      return rewrite_as<ProduceResponse>(c, payload, e);
    case FetchResponse::api_key:
      return rewrite_as<FetchResponse>(c, payload, e);
    default:
      return std::nullopt;
  }
}

}  // namespace kafkit::fuzz
