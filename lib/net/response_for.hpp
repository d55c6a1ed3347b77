#pragma once
// ResponseFor<Request>: the generated traits (protocol::api::X) of the API a request type
// belongs to, so Connection::send can decode the answer with the right generated type.
//
// The generator emits one traits struct per API but no type-level lookup by request type,
// so the list is spelled out here. An API added to the schemas without a line here fails
// to compile at the first send() of it, never silently. (Better: have the generator emit
// this mapping; noted for lib/protocol.)
#include <tuple>
#include <type_traits>

#include "protocol/messages/apis.hpp"

namespace kafkit::net {
namespace detail {

using AllApis = std::tuple<
    protocol::api::Produce, protocol::api::Fetch, protocol::api::ListOffsets,
    protocol::api::Metadata, protocol::api::OffsetCommit, protocol::api::OffsetFetch,
    protocol::api::FindCoordinator, protocol::api::JoinGroup, protocol::api::Heartbeat,
    protocol::api::LeaveGroup, protocol::api::SyncGroup, protocol::api::DescribeGroups,
    protocol::api::ListGroups, protocol::api::SaslHandshake, protocol::api::ApiVersions,
    protocol::api::CreateTopics, protocol::api::DeleteTopics, protocol::api::DeleteRecords,
    protocol::api::InitProducerId, protocol::api::OffsetForLeaderEpoch,
    protocol::api::AddPartitionsToTxn, protocol::api::AddOffsetsToTxn, protocol::api::EndTxn,
    protocol::api::WriteTxnMarkers, protocol::api::TxnOffsetCommit, protocol::api::DescribeAcls,
    protocol::api::CreateAcls, protocol::api::DeleteAcls, protocol::api::DescribeConfigs,
    protocol::api::AlterConfigs, protocol::api::AlterReplicaLogDirs, protocol::api::DescribeLogDirs,
    protocol::api::SaslAuthenticate, protocol::api::CreatePartitions, protocol::api::DeleteGroups,
    protocol::api::ElectLeaders, protocol::api::IncrementalAlterConfigs,
    protocol::api::AlterPartitionReassignments, protocol::api::ListPartitionReassignments,
    protocol::api::OffsetDelete, protocol::api::DescribeClientQuotas,
    protocol::api::AlterClientQuotas, protocol::api::DescribeUserScramCredentials,
    protocol::api::AlterUserScramCredentials, protocol::api::DescribeQuorum,
    protocol::api::UpdateFeatures, protocol::api::DescribeCluster, protocol::api::DescribeProducers,
    protocol::api::DescribeTransactions, protocol::api::ListTransactions,
    protocol::api::ConsumerGroupHeartbeat, protocol::api::ConsumerGroupDescribe,
    protocol::api::ListConfigResources, protocol::api::DescribeTopicPartitions>;

template <class Req, class... Apis>
struct FindApi {
  static_assert(sizeof(Req) == 0, "not a generated Kafka request type (or missing from AllApis)");
};
// std::conditional_t only names the recursive case; it is instantiated (as the base) only
// when the head does not match, so a missing type trips the static_assert exactly once.
template <class Req, class First, class... Rest>
struct FindApi<Req, First, Rest...>
    : std::conditional_t<std::is_same_v<typename First::Request, Req>, std::type_identity<First>,
                         FindApi<Req, Rest...>> {};

template <class Req, class Tuple>
struct FindApiIn;
template <class Req, class... Apis>
struct FindApiIn<Req, std::tuple<Apis...>> : FindApi<Req, Apis...> {};

}  // namespace detail

/// ResponseFor<protocol::MetadataRequest>::type is protocol::MetadataResponse;
/// ::api is protocol::api::Metadata (key, name, version range).
template <class Req>
struct ResponseFor {
  using api = typename detail::FindApiIn<Req, detail::AllApis>::type;
  using type = typename api::Response;
};

}  // namespace kafkit::net
