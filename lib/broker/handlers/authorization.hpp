#pragma once
// The one check every handler makes before touching a topic or group (issue 8, simple
// authorization, authz/acl_rules.hpp): may this request's principal perform the operation?
// A refusal is logged as one broker line naming the principal, the client, the operation,
// the resource and the API; the handler answers it with Kafka's error for the resource
// (TOPIC_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED).
// When the authorizer is off (the default) every check passes.
//
// What each API needs (Kafka's KafkaApis):
//   Produce: WRITE topic (29 per partition)      Fetch: READ topic (29 per partition)
//   ListOffsets: DESCRIBE topic                  DeleteRecords: DELETE topic
//   Metadata: DESCRIBE topic (29 when named; left out of an all-topics answer);
//             auto-creation needs CREATE on the cluster or the topic (else 29)
//   CreateTopics: CREATE cluster or topic        DeleteTopics: DELETE topic
//   CreatePartitions: ALTER topic
//   DescribeConfigs / IncrementalAlterConfigs: DESCRIBE_CONFIGS / ALTER_CONFIGS on the topic
//             (29), on the cluster for BROKER and BROKER_LOGGER resources (31)
//   OffsetCommit: READ group (30 per partition), READ topic (29 per partition)
//   OffsetFetch: READ group (30), DESCRIBE topic (29 per partition; left out of "all")
//   OffsetDelete: DELETE group (30), READ topic (29 per partition)
//   FindCoordinator: DESCRIBE group (30)         ListGroups: only groups with DESCRIBE
//   JoinGroup / SyncGroup / Heartbeat / LeaveGroup: READ group (30)
//   DescribeGroups: DESCRIBE group (30)          DeleteGroups: DELETE group (30)
//   InitProducerId (idempotent): IDEMPOTENT_WRITE cluster or WRITE on any topic (31)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/authz/acl_rules.hpp"
#include "broker/handlers/handler.hpp"
#include "broker/kafka_error.hpp"

namespace kafkit::broker {

/// The request's principal as the authorizer names it ("User:alice", "User:ANONYMOUS").
std::string request_principal(const Request& request);

/// True when the request's principal may perform `op` on the resource. `log_refusal` is
/// false where a refusal only filters an answer (topics omitted from an all-topics Metadata
/// listing, ListGroups), as Kafka does not log those either.
bool authorized(const HandlerContext& ctx, authz::Operation op, authz::ResourceType type,
                std::string_view name, bool log_refusal = true);

/// Shorthands for the usual resources.
inline bool topic_authorized(const HandlerContext& ctx, authz::Operation op, std::string_view topic,
                             bool log_refusal = true) {
  return authorized(ctx, op, authz::ResourceType::topic, topic, log_refusal);
}
inline bool group_authorized(const HandlerContext& ctx, authz::Operation op, std::string_view group,
                             bool log_refusal = true) {
  return authorized(ctx, op, authz::ResourceType::group, group, log_refusal);
}

/// A topic a request names by name, or by id (`by_id`, KIP-516 versions): an id no topic
/// has passes, so the handler answers it UNKNOWN_TOPIC_ID as before.
bool topic_authorized(const HandlerContext& ctx, authz::Operation op, bool by_id,
                      std::string_view name, const protocol::Uuid& id);

/// CREATE of a topic (CreateTopics, Metadata auto-creation): like Kafka, CREATE on the
/// cluster allows every topic, else CREATE on the topic itself is needed.
bool may_create_topic(const HandlerContext& ctx, std::string_view topic);

/// InitProducerId without a transactional id: IDEMPOTENT_WRITE on the cluster, or (KIP-679)
/// WRITE on any topic (authz::may_write_any_topic). A refusal is logged.
bool may_be_idempotent(const HandlerContext& ctx);

/// DescribeConfigs / IncrementalAlterConfigs (`op` describe_configs or alter_configs) on a
/// config resource: a TOPIC (2) needs it on the topic (TOPIC_AUTHORIZATION_FAILED), a BROKER
/// (4) or BROKER_LOGGER (8) on the cluster (CLUSTER_AUTHORIZATION_FAILED), as in Kafka.
/// Null when allowed (or another resource type, which the handler refuses anyway).
std::optional<Error> config_resource_refusal(const HandlerContext& ctx, authz::Operation op,
                                             int8_t resource_type, std::string_view name);

}  // namespace kafkit::broker
