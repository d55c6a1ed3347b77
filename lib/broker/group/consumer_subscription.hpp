#pragma once
// The topics of a consumer-protocol subscription (the JoinGroup metadata a Kafka consumer
// sends with protocol type "consumer"): ConsumerProtocolSubscription is version int16,
// topics [string (int16 length)], then fields this broker does not need (user data, owned
// partitions, generation, rack). Never flexible. Read defensively: the bytes come from
// clients and every length is checked against what is left.
#include <optional>
#include <set>
#include <string>

#include "protocol/types.hpp"

namespace kafkit::broker {

/// The subscribed topics; nullopt when the bytes are not a subscription.
std::optional<std::set<std::string>> subscription_topics(protocol::ByteView metadata);

}  // namespace kafkit::broker
