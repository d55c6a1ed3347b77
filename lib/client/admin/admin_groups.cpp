// Admin: consumer group calls. Each group's requests go to its coordinator
// (FindCoordinator); NOT_COORDINATOR and COORDINATOR_LOAD_IN_PROGRESS mean "look it up
// again / wait", so the call finds the coordinator afresh and retries within its timeout.
// ListGroups has no coordinator: every broker lists the groups it coordinates.
#include <algorithm>
#include <functional>
#include <set>

#include "client/admin/admin_impl.hpp"
#include "client/group/consumer_protocol.hpp"
#include "kafkit/admin.hpp"
#include "protocol/messages/delete_groups.hpp"
#include "protocol/messages/describe_groups.hpp"
#include "protocol/messages/list_groups.hpp"
#include "protocol/messages/offset_commit.hpp"
#include "protocol/messages/offset_fetch.hpp"

namespace kafkit {

using client::AdminDeadline;
using client::AdminImpl;
using client::resource_error;
using client::should_retry;

namespace {

// The classic (pre-KIP-848) forms, as the consumer's OffsetClient sends them: OffsetFetch
// v8+ batches groups (KIP-709) and OffsetCommit v9+ carries member epochs.
constexpr net::VersionRange kOffsetCommitVersions{2, 8};
constexpr net::VersionRange kOffsetFetchVersions{1, 7};

/// Sends to `group`'s coordinator until the answer's group-level code (`code_of`) is not a
/// retriable one or the deadline passes; the last answer (or error) is returned.
template <class R>
Result<R> to_coordinator(AdminImpl& impl, const std::string& group, AdminDeadline deadline,
                         const std::function<Result<R>(std::int32_t node)>& send,
                         const std::function<int(const R&)>& code_of) {
  for (;;) {
    auto node = impl.coordinator(group, deadline);
    if (!node.ok()) return node.error();
    auto r = send(*node);
    int code = r.ok() ? code_of(*r) : r.error().code;
    if (!should_retry(code) || !impl.backoff(deadline)) return r;
  }
}

}  // namespace

Result<std::vector<GroupListing>> Admin::list_groups(Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  auto md = impl_->metadata(std::vector<std::string>{}, deadline);
  if (!md.ok()) return md.error();
  std::vector<GroupListing> out;
  std::set<std::string> seen;
  for (const auto& b : md->brokers) {
    for (;;) {
      auto r = impl_->call(b.node_id, protocol::ListGroupsRequest{}, deadline);
      int code = r.ok() ? r->error_code : r.error().code;
      if (should_retry(code) && impl_->backoff(deadline)) continue;
      if (!r.ok()) return r.error();
      if (r->error_code != 0)
        return Error{r->error_code, "ListGroups from broker " + std::to_string(b.node_id) + ": " +
                                        resource_error(r->error_code).message};
      for (const auto& g : r->groups)
        if (seen.insert(g.group_id).second)
          out.push_back({g.group_id, g.protocol_type, g.group_state});
      break;
    }
  }
  return out;
}

Result<std::vector<GroupDescription>> Admin::describe_groups(const std::vector<std::string>& groups,
                                                             Timeout timeout) {
  using Resp = protocol::DescribeGroupsResponse;
  auto deadline = impl_->deadline(timeout);
  std::vector<GroupDescription> out;
  for (const auto& group : groups) {
    auto r = to_coordinator<Resp>(
        *impl_, group, deadline,
        [&](std::int32_t node) {
          protocol::DescribeGroupsRequest req;
          req.groups = {group};
          return impl_->call(node, std::move(req), deadline);
        },
        [](const Resp& resp) { return resp.groups.empty() ? 0 : resp.groups[0].error_code; });
    if (!r.ok()) return r.error();
    GroupDescription d;
    d.group_id = group;
    if (r->groups.empty()) {
      d.error = ResourceError{-1, "the coordinator did not describe this group"};
      out.push_back(std::move(d));
      continue;
    }
    const auto& g = r->groups[0];
    d.error = resource_error(g.error_code, g.error_message);
    d.state = g.group_state;
    d.protocol_type = g.protocol_type;
    d.protocol = g.protocol_data;
    for (const auto& m : g.members) {
      GroupMemberDescription md{m.member_id, m.group_instance_id, m.client_id, m.client_host, {}};
      // Only the consumer protocol's assignment format is known (KIP-429 layout).
      if (g.protocol_type == "consumer" && !m.member_assignment.empty()) {
        auto a = client::decode_assignment(protocol::ByteView(m.member_assignment));
        if (a.ok()) md.assignment = std::move(a->partitions);
      }
      d.members.push_back(std::move(md));
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<GroupResult>> Admin::delete_groups(const std::vector<std::string>& groups,
                                                      Timeout timeout) {
  using Resp = protocol::DeleteGroupsResponse;
  auto deadline = impl_->deadline(timeout);
  std::vector<GroupResult> out;
  for (const auto& group : groups) {
    auto r = to_coordinator<Resp>(
        *impl_, group, deadline,
        [&](std::int32_t node) {
          protocol::DeleteGroupsRequest req;
          req.groups_names = {group};
          return impl_->call(node, std::move(req), deadline);
        },
        [](const Resp& resp) { return resp.results.empty() ? 0 : resp.results[0].error_code; });
    if (!r.ok()) return r.error();
    GroupResult g{group, {}};
    if (r->results.empty())
      g.error = ResourceError{-1, "the coordinator did not answer for this group"};
    else
      g.error = resource_error(r->results[0].error_code);
    out.push_back(std::move(g));
  }
  return out;
}

Result<std::vector<PartitionOffset>> Admin::list_group_offsets(
    const std::string& group, const std::vector<TopicPartition>& partitions, Timeout timeout) {
  using Resp = protocol::OffsetFetchResponse;
  auto deadline = impl_->deadline(timeout);
  protocol::OffsetFetchRequest req;
  req.group_id = group;
  if (partitions.empty()) {
    req.topics = std::nullopt;  // v2+: every partition the group committed
  } else {
    req.topics.emplace();
    for (const auto& tp : partitions) {
      auto it = std::find_if(req.topics->begin(), req.topics->end(),
                             [&](const auto& t) { return t.name == tp.topic; });
      if (it == req.topics->end()) {
        req.topics->push_back({tp.topic, {}, {}});
        it = std::prev(req.topics->end());
      }
      it->partition_indexes.push_back(tp.partition);
    }
  }
  auto r = to_coordinator<Resp>(
      *impl_, group, deadline,
      [&](std::int32_t node) {
        return impl_->call(node, req, deadline,
                           partitions.empty() ? net::VersionRange{2, 7} : kOffsetFetchVersions);
      },
      [](const Resp& resp) {
        if (resp.error_code != 0) return static_cast<int>(resp.error_code);
        for (const auto& t : resp.topics)
          for (const auto& p : t.partitions)
            if (should_retry(p.error_code)) return static_cast<int>(p.error_code);
        return 0;
      });
  if (!r.ok()) return r.error();
  if (r->error_code != 0)
    return Error{r->error_code,
                 "OffsetFetch for group " + group + ": " + resource_error(r->error_code).message};
  std::vector<PartitionOffset> out;
  for (const auto& t : r->topics)
    for (const auto& p : t.partitions) {
      PartitionOffset po;
      po.topic = t.name;
      po.partition = p.partition_index;
      po.offset = p.committed_offset;
      if (p.committed_leader_epoch >= 0) po.leader_epoch = p.committed_leader_epoch;
      po.metadata = p.metadata.value_or("");
      po.error = resource_error(p.error_code);
      out.push_back(std::move(po));
    }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  return out;
}

Result<std::vector<PartitionOffset>> Admin::alter_group_offsets(
    const std::string& group, const std::vector<TopicPartitionOffset>& offsets, Timeout timeout) {
  using Resp = protocol::OffsetCommitResponse;
  auto deadline = impl_->deadline(timeout);
  protocol::OffsetCommitRequest req;
  req.group_id = group;
  // Generation -1 and no member id: a commit from outside the group, which the coordinator
  // accepts only while the group has no members (the Java admin's alterConsumerGroupOffsets).
  req.generation_id_or_member_epoch = -1;
  req.member_id = "";
  for (const auto& o : offsets) {
    protocol::OffsetCommitRequest::OffsetCommitRequestPartition p;
    p.partition_index = o.partition;
    p.committed_offset = o.offset;
    p.committed_leader_epoch = o.leader_epoch.value_or(-1);
    p.committed_metadata = o.metadata;
    client::topic_entry(req.topics, o.topic).partitions.push_back(std::move(p));
  }
  auto r = to_coordinator<Resp>(
      *impl_, group, deadline,
      [&](std::int32_t node) { return impl_->call(node, req, deadline, kOffsetCommitVersions); },
      [](const Resp& resp) {
        for (const auto& t : resp.topics)
          for (const auto& p : t.partitions)
            if (should_retry(p.error_code)) return static_cast<int>(p.error_code);
        return 0;
      });
  if (!r.ok()) return r.error();
  std::vector<PartitionOffset> out;
  for (const auto& o : offsets) {
    PartitionOffset po;
    po.topic = o.topic;
    po.partition = o.partition;
    po.offset = o.offset;
    po.metadata = o.metadata;
    po.error = ResourceError{-1, "the coordinator did not answer for this partition"};
    for (const auto& t : r->topics)
      if (t.name == o.topic)
        for (const auto& p : t.partitions)
          if (p.partition_index == o.partition) po.error = resource_error(p.error_code);
    out.push_back(std::move(po));
  }
  return out;
}

}  // namespace kafkit
