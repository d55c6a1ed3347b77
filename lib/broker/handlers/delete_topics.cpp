// DeleteTopics (key 20), advertised 1-6 (v0 is gone since KIP-896). v1-5 name topics by
// TopicNames; v6 by Topics entries that carry a name or a topic id. Follows the KRaft
// controller's ControllerApis.deleteTopics:
//   - delete.topic.enable=false fails every topic: INVALID_REQUEST before v3,
//     TOPIC_DELETION_DISABLED from v3;
//   - a v6 entry with neither name nor id, or with both: INVALID_REQUEST;
//   - a name or id given more than once: INVALID_REQUEST once per name / id, nothing deleted
//     for it; a name whose topic id is also given: INVALID_REQUEST for the name, and the
//     id is dropped too;
//   - an unknown name: UNKNOWN_TOPIC_OR_PARTITION; an unknown id: UNKNOWN_TOPIC_ID.
// Committed offsets of the deleted topic are dropped from every group, as Kafka does.
// Fetches parked on the deleted partitions are woken after the removal, so a long poll
// answers UNKNOWN_TOPIC_OR_PARTITION at once instead of waiting out its max wait.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker/cluster_state.hpp"
#include "broker/handlers/authorization.hpp"
#include "broker/handlers/handler_list.hpp"
#include "broker/handlers/partition_lookup.hpp"
#include "broker/kafka_error.hpp"
#include "protocol/messages/delete_topics.hpp"

namespace kafkit::broker {
namespace {

using protocol::DeleteTopicsRequest;
using protocol::DeleteTopicsResponse;
using Row = DeleteTopicsResponse::DeletableTopicResult;

constexpr int16_t kFirstTopicIdVersion = 6;
constexpr int16_t kFirstDeletionDisabledVersion = 3;

Row row(std::optional<std::string> name, const protocol::Uuid& id, ErrorCode error,
        std::optional<std::string> message = std::nullopt) {
  Row r;
  r.name = std::move(name);
  r.topic_id = id;
  r.error_code = code(error);
  r.error_message = std::move(message);
  return r;
}

void handle_delete_topics(HandlerContext& ctx) {
  auto req = ctx.request.decode<DeleteTopicsRequest>();
  if (!req) return ctx.responder.close("cannot parse DeleteTopics: " + req.error().message);
  int16_t version = ctx.request.version();
  ClusterState& cluster = ctx.cluster;
  TopicStore& store = *cluster.topics;

  // Every entry as (name or nullopt, id or zero), in request order.
  std::vector<std::pair<std::optional<std::string>, protocol::Uuid>> entries;
  if (version < kFirstTopicIdVersion)
    for (const std::string& n : req->topic_names) entries.emplace_back(n, protocol::Uuid{});
  else
    for (const auto& t : req->topics) entries.emplace_back(t.name, t.topic_id);

  DeleteTopicsResponse resp;
  resp.throttle_time_ms = 0;
  if (!cluster.config.delete_topic_enable) {
    bool old = version < kFirstDeletionDisabledVersion;
    for (const auto& [name, id] : entries)
      resp.responses.push_back(
          row(name, id, old ? ErrorCode::InvalidRequest : ErrorCode::TopicDeletionDisabled,
              "Topic deletion is disabled."));
    return ctx.responder.send(resp);
  }

  std::map<std::string, int> name_count;
  std::map<protocol::Uuid, int, bool (*)(const protocol::Uuid&, const protocol::Uuid&)> id_count(
      [](const protocol::Uuid& a, const protocol::Uuid& b) { return a.bytes < b.bytes; });
  for (const auto& [name, id] : entries) {
    if (name && id.is_zero()) ++name_count[*name];
    if (!name && !id.is_zero()) ++id_count[id];
  }

  std::vector<std::string> names;   // distinct, valid, in request order
  std::vector<protocol::Uuid> ids;  // distinct, valid, in request order
  std::vector<std::string> dup_names;
  std::vector<protocol::Uuid> dup_ids;
  for (const auto& [name, id] : entries) {
    if (!name && id.is_zero()) {
      resp.responses.push_back(row(std::nullopt, id, ErrorCode::InvalidRequest,
                                   "Neither topic name nor id were specified."));
    } else if (name && !id.is_zero()) {
      resp.responses.push_back(row(name, id, ErrorCode::InvalidRequest,
                                   "You may not specify both topic name and topic id."));
    } else if (name) {
      auto& list = name_count[*name] > 1 ? dup_names : names;
      if (std::find(list.begin(), list.end(), *name) == list.end()) list.push_back(*name);
    } else {
      auto& list = id_count[id] > 1 ? dup_ids : ids;
      if (std::find(list.begin(), list.end(), id) == list.end()) list.push_back(id);
    }
  }
  for (const std::string& n : dup_names)
    resp.responses.push_back(
        row(n, protocol::Uuid{}, ErrorCode::InvalidRequest, "Duplicate topic name."));
  for (const protocol::Uuid& id : dup_ids)
    resp.responses.push_back(
        row(std::nullopt, id, ErrorCode::InvalidRequest, "Duplicate topic id."));

  // Resolve ids, then names; a name whose id was also given cancels both.
  std::vector<std::pair<std::string, protocol::Uuid>> to_delete;
  for (const protocol::Uuid& id : ids) {
    Topic* t = store.find(id);
    if (t != nullptr && !topic_authorized(ctx, authz::Operation::del, t->name))
      resp.responses.push_back(row(std::nullopt, id, ErrorCode::TopicAuthorizationFailed));
    else if (t != nullptr)
      to_delete.emplace_back(t->name, id);
    else
      resp.responses.push_back(row(std::nullopt, id, ErrorCode::UnknownTopicId));
  }
  for (const std::string& n : names) {
    if (!topic_authorized(ctx, authz::Operation::del, n)) {
      resp.responses.push_back(row(n, protocol::Uuid{}, ErrorCode::TopicAuthorizationFailed));
      continue;
    }
    Topic* t = store.find(n);
    if (t == nullptr) {
      resp.responses.push_back(row(n, protocol::Uuid{}, ErrorCode::UnknownTopicOrPartition));
      continue;
    }
    auto same = std::find_if(to_delete.begin(), to_delete.end(),
                             [&](const auto& d) { return d.second == t->id; });
    if (same != to_delete.end()) {
      to_delete.erase(same);
      resp.responses.push_back(
          row(n, t->id, ErrorCode::InvalidRequest,
              "The provided topic name maps to an ID that was already supplied."));
      continue;
    }
    to_delete.emplace_back(n, t->id);
  }

  for (const auto& [name, id] : to_delete) {
    Topic* t = store.find(name);
    auto partitions = static_cast<int32_t>(t->partitions.size());
    if (auto removed = store.remove(name); !removed) {
      resp.responses.push_back(row(name, id, static_cast<ErrorCode>(wire_code(removed.error())),
                                   removed.error().message));
      continue;
    }
    cluster.log("deleted topic " + name + " (id " + id.to_string() + ") at the request of " +
                ctx.request.peer);
    // Kafka's group coordinator drops the committed offsets of deleted partitions.
    if (cluster.offsets)
      if (auto dropped = cluster.offsets->on_topic_deleted(name); !dropped)
        cluster.log("cannot drop committed offsets of deleted topic " + name + ": " +
                    dropped.error().message);
    // Parked fetches re-check their partitions now and find the topic gone.
    for (int32_t p = 0; p < partitions; ++p) cluster.fetches.on_append(name, p);
    resp.responses.push_back(row(name, id, ErrorCode::None));
  }
  ctx.responder.send(resp);
}

}  // namespace

const ApiHandler delete_topics_api{DeleteTopicsRequest::api_key, 1, 6, &handle_delete_topics};

}  // namespace kafkit::broker
