// Admin: partition calls routed to each partition's leader (ListOffsets, DeleteRecords),
// and the group offset reset built on ListOffsets + OffsetCommit.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "client/admin/admin_impl.hpp"
#include "kafkit/admin.hpp"
#include "protocol/messages/delete_records.hpp"
#include "protocol/messages/list_offsets.hpp"

namespace kafkit {

using client::AdminDeadline;
using client::AdminImpl;
using client::resource_error;
using client::should_retry;
using protocol::ErrorCode;

namespace {

// v1+: one offset per partition, found by timestamp; v2 adds the isolation level. The
// consumer stops at v2 too: librdkafka's mock cluster drops the connection at v5.
constexpr net::VersionRange kListOffsetsVersions{1, 2};

using SendToLeader = std::function<Result<std::vector<PartitionOffset>>(
    std::int32_t leader, const std::vector<size_t>& pending)>;

ResourceError code_error(ErrorCode c) {
  return resource_error(static_cast<int>(c));
}

/// Sends each partition of `tps` to its leader (from fresh metadata) until each has a
/// final answer; partitions whose leader is unknown or moved are looked up and sent again
/// after backoff, and keep their last error at the deadline.
Result<std::vector<PartitionOffset>> to_leaders(AdminImpl& impl,
                                                const std::vector<TopicPartition>& tps,
                                                AdminDeadline deadline, const SendToLeader& send) {
  std::vector<PartitionOffset> results(tps.size());
  std::vector<size_t> pending;
  for (size_t i = 0; i < tps.size(); ++i) {
    results[i].topic = tps[i].topic;
    results[i].partition = tps[i].partition;
    pending.push_back(i);
  }
  for (bool first = true; !pending.empty(); first = false) {
    std::set<std::string> topics;
    for (size_t i : pending) topics.insert(tps[i].topic);
    auto md = impl.metadata(std::vector<std::string>(topics.begin(), topics.end()), deadline);
    // After the first round every pending partition already holds a real error, which
    // says more than "the lookup for the retry timed out".
    if (!md.ok() && first) return md.error();
    if (!md.ok()) break;
    std::vector<size_t> again;
    // A partition asked twice (earliest and latest) goes in separate requests: Kafka
    // refuses a request naming a partition twice (INVALID_REQUEST for both).
    std::vector<size_t> later;
    std::set<TopicPartition> in_round;
    std::map<std::int32_t, std::vector<size_t>> by_leader;
    for (size_t i : pending) {
      if (!in_round.insert(tps[i]).second) {
        later.push_back(i);
        continue;
      }
      auto t = std::find_if(md->topics.begin(), md->topics.end(),
                            [&](const auto& mt) { return mt.name == tps[i].topic; });
      if (t == md->topics.end() || t->error_code != 0) {
        results[i].error = t == md->topics.end() ? code_error(ErrorCode::UnknownTopicOrPartition)
                                                 : resource_error(t->error_code);
        if (should_retry(results[i].error.code)) again.push_back(i);
        continue;
      }
      auto p = std::find_if(t->partitions.begin(), t->partitions.end(),
                            [&](const auto& mp) { return mp.partition_index == tps[i].partition; });
      if (p == t->partitions.end()) {
        results[i].error = code_error(ErrorCode::UnknownTopicOrPartition);
      } else if (p->leader_id < 0) {
        results[i].error = code_error(ErrorCode::LeaderNotAvailable);
        again.push_back(i);
      } else {
        by_leader[p->leader_id].push_back(i);
      }
    }
    for (const auto& [leader, indexes] : by_leader) {
      auto r = send(leader, indexes);
      if (!r.ok()) {
        for (size_t i : indexes) {
          bool keep_earlier = r.error().code == errc::timed_out && !results[i].error.ok();
          if (!keep_earlier) results[i].error = ResourceError{r.error().code, r.error().message};
          if (should_retry(r.error().code)) again.push_back(i);
        }
        continue;
      }
      for (size_t i : indexes) {
        auto a = std::find_if(r->begin(), r->end(), [&](const PartitionOffset& po) {
          return po.topic == tps[i].topic && po.partition == tps[i].partition;
        });
        if (a == r->end()) {
          results[i].error = ResourceError{-1, "the leader did not answer for this partition"};
          continue;
        }
        results[i] = *a;
        if (should_retry(a->error.code)) again.push_back(i);
      }
    }
    if (!again.empty() && !impl.backoff(deadline)) {
      for (size_t i : later)
        results[i].error = ResourceError{errc::timed_out, "the call's timeout passed first"};
      break;
    }
    again.insert(again.end(), later.begin(), later.end());
    std::sort(again.begin(), again.end());
    pending = std::move(again);
  }
  return results;
}

std::vector<TopicPartition> partitions_of(const std::vector<TopicPartitionOffset>& v) {
  std::vector<TopicPartition> out;
  for (const auto& o : v) out.push_back({o.topic, o.partition});
  return out;
}

}  // namespace

Result<std::vector<PartitionOffset>> Admin::list_offsets(
    const std::vector<TopicPartitionOffset>& query, Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  return to_leaders(
      *impl_, partitions_of(query), deadline,
      [&](std::int32_t leader,
          const std::vector<size_t>& pending) -> Result<std::vector<PartitionOffset>> {
        protocol::ListOffsetsRequest req;
        req.replica_id = -1;      // a client, not a follower
        req.isolation_level = 0;  // read_uncommitted: latest is the high watermark
        for (size_t i : pending) {
          const auto& q = query[i];
          protocol::ListOffsetsRequest::ListOffsetsPartition p;
          p.partition_index = q.partition;
          p.timestamp = q.offset;  // -2 earliest, -1 latest, else a timestamp (ms)
          client::topic_entry(req.topics, q.topic).partitions.push_back(p);
        }
        auto r = impl_->call(leader, std::move(req), deadline, kListOffsetsVersions);
        if (!r.ok()) return r.error();
        std::vector<PartitionOffset> out;
        for (const auto& t : r->topics)
          for (const auto& p : t.partitions) {
            PartitionOffset po;
            po.topic = t.name;
            po.partition = p.partition_index;
            po.offset = p.offset;
            po.timestamp = p.timestamp;
            if (p.leader_epoch >= 0) po.leader_epoch = p.leader_epoch;
            po.error = resource_error(p.error_code);
            out.push_back(std::move(po));
          }
        return out;
      });
}

Result<std::vector<PartitionOffset>> Admin::delete_records(
    const std::vector<TopicPartitionOffset>& before, Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  return to_leaders(
      *impl_, partitions_of(before), deadline,
      [&](std::int32_t leader,
          const std::vector<size_t>& pending) -> Result<std::vector<PartitionOffset>> {
        protocol::DeleteRecordsRequest req;
        req.timeout_ms = static_cast<std::int32_t>(std::clamp<std::int64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - net::Clock::now())
                .count(),
            0, INT32_MAX));
        for (size_t i : pending) {
          const auto& b = before[i];
          // -1 (offsets::end) deletes up to the high watermark, as the protocol defines.
          client::topic_entry(req.topics, b.topic)
              .partitions.push_back({b.partition, b.offset, {}});
        }
        auto r = impl_->call(leader, std::move(req), deadline);
        if (!r.ok()) return r.error();
        std::vector<PartitionOffset> out;
        for (const auto& t : r->topics)
          for (const auto& p : t.partitions) {
            PartitionOffset po;
            po.topic = t.name;
            po.partition = p.partition_index;
            po.offset = p.low_watermark;
            po.error = resource_error(p.error_code);
            out.push_back(std::move(po));
          }
        return out;
      });
}

Result<std::vector<PartitionOffset>> Admin::reset_group_offsets(
    const std::string& group, const std::vector<TopicPartition>& partitions, OffsetResetSpec spec,
    Timeout timeout) {
  auto deadline = impl_->deadline(timeout);
  auto left = [&] {
    return std::max(Timeout(1), std::chrono::duration_cast<Timeout>(deadline - net::Clock::now()));
  };
  std::vector<TopicPartition> targets = partitions;
  if (targets.empty()) {  // every partition the group has committed
    auto committed = list_group_offsets(group, {}, left());
    if (!committed.ok()) return committed.error();
    for (const auto& c : *committed) targets.push_back({c.topic, c.partition});
  }
  std::vector<PartitionOffset> out;
  std::vector<TopicPartitionOffset> commit;
  if (spec.kind == OffsetResetSpec::Kind::offset) {
    for (const auto& tp : targets) commit.push_back({tp.topic, tp.partition, spec.value});
  } else {
    std::int64_t q = spec.kind == OffsetResetSpec::Kind::earliest ? offsets::beginning
                     : spec.kind == OffsetResetSpec::Kind::latest ? offsets::end
                                                                  : spec.value;
    std::vector<TopicPartitionOffset> query;
    for (const auto& tp : targets) query.push_back({tp.topic, tp.partition, q});
    auto found = list_offsets(query, left());
    if (!found.ok()) return found.error();
    std::vector<TopicPartitionOffset> none_after;  // no record that late: go to the end
    for (const auto& f : *found) {
      if (!f.error.ok())
        out.push_back(f);
      else if (f.offset < 0)
        none_after.push_back({f.topic, f.partition, offsets::end});
      else
        commit.push_back({f.topic, f.partition, f.offset});
    }
    if (!none_after.empty()) {
      auto ends = list_offsets(none_after, left());
      if (!ends.ok()) return ends.error();
      for (const auto& e : *ends) {
        if (e.error.ok())
          commit.push_back({e.topic, e.partition, e.offset});
        else
          out.push_back(e);
      }
    }
  }
  if (!commit.empty()) {
    auto done = alter_group_offsets(group, commit, left());
    if (!done.ok()) return done.error();
    out.insert(out.end(), done->begin(), done->end());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  return out;
}

}  // namespace kafkit
