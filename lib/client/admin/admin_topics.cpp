// Admin: topic calls. Create/delete topics and create partitions go to the controller
// (KIP-590 lets any broker forward them, but older brokers answer NOT_CONTROLLER, which
// makes us look the controller up again); describe_topics is Metadata from any broker.
#include <algorithm>
#include <functional>

#include "client/admin/admin_impl.hpp"
#include "kafkit/admin.hpp"
#include "protocol/messages/create_partitions.hpp"
#include "protocol/messages/create_topics.hpp"
#include "protocol/messages/delete_topics.hpp"

namespace kafkit {

using client::AdminDeadline;
using client::AdminImpl;
using client::resource_error;
using client::should_retry;

namespace {

/// One topic's answer inside a controller request's response.
using TopicAnswers = std::vector<TopicResult>;
/// Sends the topics at `pending` (indexes into the call's list) to `node`.
using SendToController =
    std::function<Result<TopicAnswers>(std::int32_t node, const std::vector<size_t>& pending)>;

/// Runs a controller request until every topic has a final answer: topics answered with a
/// retriable error (NOT_CONTROLLER, ...) are sent again, after backoff, to the controller
/// metadata names then. At the deadline they keep that last error.
Result<std::vector<TopicResult>> to_controller(AdminImpl& impl, std::vector<std::string> names,
                                               AdminDeadline deadline,
                                               const SendToController& send) {
  std::vector<TopicResult> results;
  std::vector<size_t> pending;
  for (size_t i = 0; i < names.size(); ++i) {
    results.push_back({names[i], {}});
    pending.push_back(i);
  }
  while (!pending.empty()) {
    auto controller = impl.controller(deadline);
    if (!controller.ok()) return controller.error();
    auto answer = send(*controller, pending);
    if (!answer.ok()) {
      if (!should_retry(answer.error().code) || !impl.backoff(deadline)) return answer.error();
      continue;
    }
    std::vector<size_t> again;
    for (size_t i : pending) {
      auto it = std::find_if(answer->begin(), answer->end(),
                             [&](const TopicResult& t) { return t.topic == results[i].topic; });
      if (it == answer->end()) {
        results[i].error = ResourceError{-1, "the broker did not answer for this topic"};
        continue;
      }
      results[i].error = it->error;
      if (should_retry(it->error.code)) again.push_back(i);
    }
    if (!again.empty() && !impl.backoff(deadline)) break;
    pending = std::move(again);
  }
  return results;
}

std::int32_t timeout_ms(AdminDeadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - net::Clock::now());
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(left.count(), 0, INT32_MAX));
}

}  // namespace

Result<std::vector<TopicResult>> Admin::create_topics(const std::vector<NewTopic>& topics,
                                                      bool validate_only, Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  std::vector<std::string> names;
  for (const auto& t : topics) names.push_back(t.name);
  return to_controller(
      *impl_, names, deadline,
      [&](std::int32_t node, const std::vector<size_t>& pending) -> Result<TopicAnswers> {
        protocol::CreateTopicsRequest req;
        req.validate_only = validate_only;
        req.timeout_ms = timeout_ms(deadline);
        for (size_t i : pending) {
          protocol::CreateTopicsRequest::CreatableTopic ct;
          ct.name = topics[i].name;
          ct.num_partitions = topics[i].partitions;
          ct.replication_factor = topics[i].replication_factor;
          for (const auto& [k, v] : topics[i].configs) ct.configs.push_back({k, v, {}});
          req.topics.push_back(std::move(ct));
        }
        // v4+ take -1 for the broker's defaults (KIP-464); v1+ validate_only.
        auto r = impl_->call(node, std::move(req), deadline, net::VersionRange{4, 32767});
        if (!r.ok()) return r.error();
        TopicAnswers out;
        for (const auto& t : r->topics)
          out.push_back({t.name, resource_error(t.error_code, t.error_message)});
        return out;
      });
}

Result<std::vector<TopicResult>> Admin::delete_topics(const std::vector<std::string>& topics,
                                                      Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  return to_controller(
      *impl_, topics, deadline,
      [&](std::int32_t node, const std::vector<size_t>& pending) -> Result<TopicAnswers> {
        protocol::DeleteTopicsRequest req;
        req.timeout_ms = timeout_ms(deadline);
        for (size_t i : pending) {
          req.topic_names.push_back(topics[i]);  // v0-5
          protocol::DeleteTopicsRequest::DeleteTopicState s;
          s.name = topics[i];  // v6+ (KIP-516: by name or id)
          req.topics.push_back(std::move(s));
        }
        auto r = impl_->call(node, std::move(req), deadline);
        if (!r.ok()) return r.error();
        TopicAnswers out;
        for (const auto& t : r->responses)
          out.push_back({t.name.value_or(""), resource_error(t.error_code, t.error_message)});
        return out;
      });
}

Result<std::vector<TopicResult>> Admin::create_partitions(const std::vector<NewPartitions>& topics,
                                                          bool validate_only, Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  std::vector<std::string> names;
  for (const auto& t : topics) names.push_back(t.topic);
  return to_controller(
      *impl_, names, deadline,
      [&](std::int32_t node, const std::vector<size_t>& pending) -> Result<TopicAnswers> {
        protocol::CreatePartitionsRequest req;
        req.validate_only = validate_only;
        req.timeout_ms = timeout_ms(deadline);
        for (size_t i : pending) {
          protocol::CreatePartitionsRequest::CreatePartitionsTopic t;
          t.name = topics[i].topic;
          t.count = topics[i].total_count;
          t.assignments = std::nullopt;  // the broker places the new partitions
          req.topics.push_back(std::move(t));
        }
        auto r = impl_->call(node, std::move(req), deadline);
        if (!r.ok()) return r.error();
        TopicAnswers out;
        for (const auto& t : r->results)
          out.push_back({t.name, resource_error(t.error_code, t.error_message)});
        return out;
      });
}

Result<std::vector<TopicDescription>> Admin::describe_topics(const std::vector<std::string>& topics,
                                                             bool include_configs,
                                                             Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  std::vector<TopicDescription> out;
  for (;;) {
    std::optional<std::vector<std::string>> ask;
    if (!topics.empty()) ask = topics;
    auto md = impl_->metadata(std::move(ask), deadline);
    if (!md.ok()) return md.error();
    out.clear();
    bool retry = false;
    auto describe = [&](const protocol::MetadataResponse::MetadataResponseTopic& t) {
      TopicDescription d;
      d.name = t.name.value_or("");
      d.error = resource_error(t.error_code);
      d.internal = t.is_internal;
      if (should_retry(t.error_code)) retry = true;
      for (const auto& p : t.partitions) {
        d.partitions.push_back({p.partition_index, p.leader_id, p.replica_nodes, p.isr_nodes,
                                resource_error(p.error_code)});
      }
      std::sort(d.partitions.begin(), d.partitions.end(),
                [](const auto& a, const auto& b) { return a.partition < b.partition; });
      return d;
    };
    if (topics.empty()) {
      for (const auto& t : md->topics) out.push_back(describe(t));
    } else {
      for (const auto& name : topics) {
        auto it = std::find_if(md->topics.begin(), md->topics.end(),
                               [&](const auto& t) { return t.name == name; });
        if (it != md->topics.end()) {
          out.push_back(describe(*it));
        } else {
          TopicDescription d;
          d.name = name;
          d.error = resource_error(static_cast<int>(protocol::ErrorCode::UnknownTopicOrPartition));
          out.push_back(std::move(d));
        }
      }
    }
    // A topic just created may have no leader yet (LEADER_NOT_AVAILABLE): ask again.
    if (!retry || !impl_->backoff(deadline)) break;
  }
  if (include_configs) {
    std::vector<ConfigResource> resources;
    for (const auto& d : out)
      if (d.error.ok()) resources.push_back({ConfigResourceType::topic, d.name});
    if (!resources.empty()) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - net::Clock::now());
      auto configs = describe_configs(resources, std::max(left, Timeout(1)));
      if (!configs.ok()) return configs.error();
      for (auto& c : *configs)
        for (auto& d : out)
          if (d.name == c.resource.name) {
            d.configs = std::move(c.entries);
            if (!c.error.ok()) d.error = c.error;
          }
    }
  }
  return out;
}

}  // namespace kafkit
