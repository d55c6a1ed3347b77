#include "client/consumer/offset_client.hpp"

#include <algorithm>
#include <map>

#include "net/net_errors.hpp"
#include "net/typed_request.hpp"
#include "protocol/messages/error_codes.hpp"
#include "protocol/messages/find_coordinator.hpp"
#include "protocol/messages/list_offsets.hpp"
#include "protocol/messages/offset_commit.hpp"
#include "protocol/messages/offset_fetch.hpp"

namespace kafkit::client {
namespace {

using protocol::ErrorCode;
constexpr int code(ErrorCode c) {
  return static_cast<int>(c);
}

// FindCoordinator v4+ batches keys (KIP-699); one key needs v0-3. OffsetCommit v9+ and
// OffsetFetch v8+ change shape for KIP-848 / KIP-709; the classic forms are enough here.
constexpr net::VersionRange kFindCoordinatorVersions{0, 3};
constexpr net::VersionRange kOffsetCommitVersions{2, 8};
constexpr net::VersionRange kOffsetFetchVersions{1, 7};
// v1+: one offset per partition and timestamps; v2 adds the isolation level. Later
// versions add nothing the consumer uses (v4's leader epoch serves truncation detection,
// not done here), and librdkafka 2.0.2's mock broker dropped the connection at v5 in the
// interop tests (its own clients send at most v2), so v2 is the top.
constexpr net::VersionRange kListOffsetsVersions{1, 2};

Error kafka_error(int c, const std::string& what) {
  return Error{c, what + ": " + std::string(protocol::error_name(static_cast<std::int16_t>(c)))};
}

bool transport_error(int c) {
  return c <= net::errc::connection_refused && c >= net::errc::queue_full;
}

std::string where(const std::string& topic, std::int32_t partition) {
  return topic + " [" + std::to_string(partition) + "]";
}

}  // namespace

CommittedAnswer committed_offsets_from(const protocol::OffsetFetchResponse& response,
                                       const std::vector<TopicPartition>& partitions,
                                       const std::function<bool(int)>& retriable) {
  CommittedAnswer answer;
  for (const TopicPartition& tp : partitions) {
    TopicPartitionOffset o{tp.topic, tp.partition};
    o.error = Error{net::errc::protocol_error,
                    "the OffsetFetch response does not mention " + where(tp.topic, tp.partition)};
    for (const auto& t : response.topics) {
      if (t.name != tp.topic) continue;
      for (const auto& p : t.partitions) {
        if (p.partition_index != tp.partition) continue;
        if (p.error_code == code(ErrorCode::UnstableOffsetCommit) || retriable(p.error_code)) {
          answer.retry_code = p.error_code;
          answer.offsets.clear();
          return answer;
        }
        o.error.reset();
        if (p.error_code != 0)
          o.error =
              kafka_error(p.error_code, "committed offset of " + where(tp.topic, tp.partition));
        o.offset = p.committed_offset >= 0 ? p.committed_offset : offsets::stored;
        if (p.committed_leader_epoch >= 0) o.leader_epoch = p.committed_leader_epoch;
        o.metadata = p.metadata.value_or("");
      }
    }
    answer.offsets.push_back(std::move(o));
  }
  return answer;
}

OffsetClient::OffsetClient(net::EventLoop& loop, net::ConnectionPool& pool,
                           MetadataUpdater& metadata, const ConsumerConfig& config)
    : loop_(loop),
      pool_(pool),
      metadata_(metadata),
      config_(config),
      self_(std::make_shared<OffsetClient*>(this)) {}

OffsetClient::~OffsetClient() {
  *self_ = nullptr;
  for (net::TimerId t : timers_) loop_.cancel_timer(t);
}

void OffsetClient::on_metadata() {
  for (const auto& [id, b] : metadata_.cache().brokers())
    pool_.set_node_address(id, b.host, b.port);
}

void OffsetClient::stop() {
  stopped_ = true;
  for (net::TimerId t : timers_) loop_.cancel_timer(t);
  timers_.clear();
  auto waiters = std::move(coordinator_waiters_);
  coordinator_waiters_.clear();
  for (auto& w : waiters) w.done(Error{errc::closed, "the consumer is closing"});
}

void OffsetClient::retry_later(Deadline deadline, std::function<void()> f,
                               std::function<void()> fail) {
  auto now = net::Clock::now();
  if (stopped_ || now + config_.retry_backoff >= deadline) {
    fail();
    return;
  }
  std::weak_ptr<OffsetClient*> weak = self_;
  auto id = std::make_shared<net::TimerId>(0);
  *id = loop_.add_timer(config_.retry_backoff, [weak, id, f = std::move(f)] {
    auto self = weak.lock();
    if (!self || !*self) return;
    auto& timers = (*self)->timers_;
    timers.erase(std::remove(timers.begin(), timers.end(), *id), timers.end());
    f();
  });
  timers_.push_back(*id);
}

bool OffsetClient::retriable_coordinator_error(int c) {
  if (c == code(ErrorCode::NotCoordinator) || c == code(ErrorCode::CoordinatorNotAvailable) ||
      transport_error(c)) {
    coordinator_ = -1;
    return true;
  }
  return c == code(ErrorCode::CoordinatorLoadInProgress);
}

void OffsetClient::with_coordinator(Deadline deadline,
                                    std::function<void(Result<net::BrokerConnection*>)> done) {
  if (stopped_) {
    done(Error{errc::closed, "the consumer is closing"});
    return;
  }
  if (config_.group_id.empty()) {
    done(Error{errc::invalid_argument, "group.id is not set: there is no group to commit to"});
    return;
  }
  if (coordinator_ >= 0) {
    net::BrokerConnection* c = pool_.node(coordinator_);
    // Backing off after a failed attempt or a close: the request would sit in its queue
    // until the deadline while the group may already be served by another node (its
    // coordinator's node stopped). Ask again where the group lives.
    if (c != nullptr && c->state() != net::BrokerConnection::State::backing_off) {
      done(c);
      return;
    }
    coordinator_ = -1;
  }
  coordinator_waiters_.push_back({deadline, std::move(done)});
  find_coordinator();
}

void OffsetClient::coordinator_failed(const Error& e) {
  // Waiters whose deadline allows it try again; the others get the error.
  auto waiters = std::move(coordinator_waiters_);
  coordinator_waiters_.clear();
  auto now = net::Clock::now();
  bool again = false;
  for (auto& w : waiters) {
    if (now + config_.retry_backoff < w.deadline && !stopped_) {
      coordinator_waiters_.push_back(std::move(w));
      again = true;
    } else {
      w.done(Error{e.code,
                   "cannot find the coordinator of group " + config_.group_id + ": " + e.message});
    }
  }
  if (again) {
    Deadline latest{};
    for (auto& w : coordinator_waiters_) latest = std::max(latest, w.deadline);
    std::weak_ptr<OffsetClient*> weak = self_;
    retry_later(
        latest,
        [weak] {
          auto self = weak.lock();
          if (self && *self) (*self)->find_coordinator();
        },
        [] {});
  }
}

void OffsetClient::find_coordinator() {
  if (finding_ || stopped_) return;
  net::BrokerConnection* conn = pool_.any();
  if (conn == nullptr) {
    metadata_.request_update();
    coordinator_failed(Error{net::errc::connection_refused, "no broker is reachable yet"});
    return;
  }
  finding_ = true;
  protocol::FindCoordinatorRequest req;
  req.key = config_.group_id;
  req.key_type = 0;
  std::weak_ptr<OffsetClient*> weak = self_;
  auto request =
      net::make_request(std::move(req), [weak](Result<protocol::FindCoordinatorResponse> r) {
        auto self = weak.lock();
        if (!self || !*self) return;
        OffsetClient& me = **self;
        me.finding_ = false;
        if (!r.ok()) return me.coordinator_failed(r.error());
        if (r->error_code != 0)
          return me.coordinator_failed(kafka_error(r->error_code, "FindCoordinator"));
        me.coordinator_ = r->node_id;
        me.pool_.set_node_address(r->node_id, r->host, static_cast<std::uint16_t>(r->port));
        auto waiters = std::move(me.coordinator_waiters_);
        me.coordinator_waiters_.clear();
        net::BrokerConnection* c = me.pool_.node(r->node_id);
        for (auto& w : waiters) {
          if (c != nullptr)
            w.done(c);
          else
            w.done(Error{net::errc::connection_refused, "coordinator address unusable"});
        }
      });
  request.versions = kFindCoordinatorVersions;
  conn->submit(std::move(request));
}

void OffsetClient::commit(
    std::vector<TopicPartitionOffset> offsets, CommitIdentity who, Deadline deadline,
    std::function<void(Result<void>, std::vector<TopicPartitionOffset>)> done) {
  if (offsets.empty()) {
    done({}, {});
    return;
  }
  if (who.refuse) {
    for (auto& o : offsets) o.error = who.refuse;
    done(*who.refuse, std::move(offsets));
    return;
  }
  std::weak_ptr<OffsetClient*> weak = self_;
  auto retry = [weak, offsets, who, deadline, done](const Error& e) {
    auto self = weak.lock();
    if (!self || !*self) return;
    (*self)->retry_later(
        deadline,
        [weak, offsets, who, deadline, done] {
          auto s = weak.lock();
          if (s && *s) (*s)->commit(offsets, who, deadline, done);
        },
        [done, offsets, e] {
          auto failed = offsets;
          for (auto& o : failed) o.error = e;
          done(e, failed);
        });
  };
  with_coordinator(
      deadline, [weak, offsets, who, done, retry](Result<net::BrokerConnection*> conn) {
        auto self = weak.lock();
        if (!self || !*self) return;
        if (!conn.ok()) {
          auto failed = offsets;
          for (auto& o : failed) o.error = conn.error();
          done(conn.error(), failed);
          return;
        }
        protocol::OffsetCommitRequest req;
        req.group_id = (*self)->config_.group_id;
        req.generation_id_or_member_epoch = who.generation;
        req.member_id = who.member_id;
        req.group_instance_id = who.group_instance_id;
        for (const TopicPartitionOffset& o : offsets) {
          const std::string& topic = o.topic;
          auto t = std::find_if(req.topics.begin(), req.topics.end(),
                                [&](const auto& x) { return x.name == topic; });
          if (t == req.topics.end()) {
            req.topics.emplace_back();
            t = std::prev(req.topics.end());
            t->name = o.topic;
          }
          protocol::OffsetCommitRequest::OffsetCommitRequestPartition p;
          p.partition_index = o.partition;
          p.committed_offset = o.offset;
          p.committed_leader_epoch = o.leader_epoch.value_or(-1);
          p.committed_metadata = o.metadata;
          t->partitions.push_back(std::move(p));
        }
        auto request = net::make_request(
            std::move(req), [weak, offsets, done, retry](Result<protocol::OffsetCommitResponse> r) {
              auto s = weak.lock();
              if (!s || !*s) return;
              OffsetClient& me = **s;
              if (!r.ok()) {
                if (me.retriable_coordinator_error(r.error().code)) return retry(r.error());
                auto failed = offsets;
                for (auto& o : failed) o.error = r.error();
                return done(r.error(), failed);
              }
              auto result = offsets;
              std::optional<Error> first;
              bool coordinator_moved = false;
              for (auto& o : result) {
                int ec = net::errc::protocol_error;
                for (const auto& t : r->topics)
                  if (t.name == o.topic)
                    for (const auto& p : t.partitions)
                      if (p.partition_index == o.partition) ec = p.error_code;
                if (ec == 0) continue;
                if (me.retriable_coordinator_error(ec)) coordinator_moved = true;
                o.error = ec == net::errc::protocol_error
                              ? Error{ec, "the OffsetCommit response does not mention " +
                                              where(o.topic, o.partition)}
                              : kafka_error(ec, "commit of " + where(o.topic, o.partition) +
                                                    " at offset " + std::to_string(o.offset));
                if (!first) first = o.error;
              }
              if (coordinator_moved) return retry(*first);
              if (first) return done(*first, result);
              done({}, result);
            });
        request.versions = kOffsetCommitVersions;
        (*conn)->submit(std::move(request));
      });
}

void OffsetClient::committed(std::vector<TopicPartition> partitions, Deadline deadline,
                             OffsetsCallback done) {
  std::weak_ptr<OffsetClient*> weak = self_;
  auto retry = [weak, partitions, deadline, done](const Error& e) {
    auto self = weak.lock();
    if (!self || !*self) return;
    (*self)->retry_later(
        deadline,
        [weak, partitions, deadline, done] {
          auto s = weak.lock();
          if (s && *s) (*s)->committed(partitions, deadline, done);
        },
        [done, e] { done(e); });
  };
  with_coordinator(deadline, [weak, partitions, done, retry](Result<net::BrokerConnection*> conn) {
    auto self = weak.lock();
    if (!self || !*self) return;
    if (!conn.ok()) return done(conn.error());
    protocol::OffsetFetchRequest req;
    req.group_id = (*self)->config_.group_id;
    req.require_stable = (*self)->config_.read_committed;  // KIP-447
    std::vector<protocol::OffsetFetchRequest::OffsetFetchRequestTopic> topics;
    for (const TopicPartition& tp : partitions) {
      const std::string& topic = tp.topic;
      auto t = std::find_if(topics.begin(), topics.end(),
                            [&](const auto& x) { return x.name == topic; });
      if (t == topics.end()) {
        topics.emplace_back();
        t = std::prev(topics.end());
        t->name = tp.topic;
      }
      t->partition_indexes.push_back(tp.partition);
    }
    req.topics = std::move(topics);
    auto request = net::make_request(
        std::move(req), [weak, partitions, done, retry](Result<protocol::OffsetFetchResponse> r) {
          auto s = weak.lock();
          if (!s || !*s) return;
          OffsetClient& me = **s;
          if (!r.ok()) {
            if (me.retriable_coordinator_error(r.error().code)) return retry(r.error());
            return done(r.error());
          }
          if (r->error_code != 0) {
            if (me.retriable_coordinator_error(r->error_code))
              return retry(kafka_error(r->error_code, "OffsetFetch"));
            return done(kafka_error(r->error_code, "OffsetFetch for group " + me.config_.group_id));
          }
          CommittedAnswer answer = committed_offsets_from(
              *r, partitions, [&me](int c) { return me.retriable_coordinator_error(c); });
          if (answer.retry_code) return retry(kafka_error(*answer.retry_code, "OffsetFetch"));
          done(std::move(answer.offsets));
        });
    request.versions = kOffsetFetchVersions;
    (*conn)->submit(std::move(request));
  });
}

void OffsetClient::list_offsets(std::vector<TopicPartitionOffset> query, Deadline deadline,
                                OffsetsCallback done) {
  if (stopped_) return done(Error{errc::closed, "the consumer is closing"});
  // One request per leader; the answers are gathered here.
  struct Gather {
    std::vector<TopicPartitionOffset> out;
    std::vector<TopicPartitionOffset> again;  // retriable failures
    std::optional<Error> why;
    int pending = 0;
  };
  auto gather = std::make_shared<Gather>();
  std::weak_ptr<OffsetClient*> weak = self_;
  auto finish = [weak, gather, deadline, done] {
    if (!gather->again.empty()) {
      auto self = weak.lock();
      if (!self || !*self) return;
      (*self)->metadata_.request_update();
      auto again = gather->again;
      auto out = gather->out;
      Error why = gather->why.value_or(Error{net::errc::connection_refused, "leader unknown"});
      (*self)->retry_later(
          deadline,
          [weak, again, out, deadline, done] {
            auto s = weak.lock();
            if (!s || !*s) return;
            (*s)->list_offsets(again, deadline,
                               [out, done](Result<std::vector<TopicPartitionOffset>> r) {
                                 if (!r.ok()) return done(r.error());
                                 auto all = out;
                                 all.insert(all.end(), r->begin(), r->end());
                                 done(std::move(all));
                               });
          },
          [done, why] { done(why); });
      return;
    }
    done(std::move(gather->out));
  };
  std::map<std::int32_t, std::vector<TopicPartitionOffset>> by_leader;
  for (auto& q : query) {
    std::int32_t leader = metadata_.cache().leader(q.topic, q.partition);
    if (!metadata_.has_topic(q.topic)) metadata_.add_topic(q.topic);
    if (leader < 0 || pool_.node(leader) == nullptr) {
      gather->again.push_back(q);
      continue;
    }
    by_leader[leader].push_back(q);
  }
  if (by_leader.empty()) return finish();
  gather->pending = static_cast<int>(by_leader.size());
  for (auto& [leader, items] : by_leader) {
    protocol::ListOffsetsRequest req;
    req.replica_id = -1;
    req.isolation_level = config_.read_committed ? 1 : 0;
    req.timeout_ms = static_cast<std::int32_t>(config_.request_timeout.count());
    for (const auto& q : items) {
      const std::string& topic = q.topic;
      auto t = std::find_if(req.topics.begin(), req.topics.end(),
                            [&](const auto& x) { return x.name == topic; });
      if (t == req.topics.end()) {
        req.topics.emplace_back();
        t = std::prev(req.topics.end());
        t->name = q.topic;
      }
      protocol::ListOffsetsRequest::ListOffsetsPartition p;
      p.partition_index = q.partition;
      p.timestamp = q.offset;
      t->partitions.push_back(p);
    }
    auto request = net::make_request(std::move(req), [weak, gather, finish, items = items](
                                                         Result<protocol::ListOffsetsResponse> r) {
      auto self = weak.lock();
      if (!self || !*self) return;
      for (const auto& q : items) {
        TopicPartitionOffset o = q;
        if (!r.ok()) {
          gather->again.push_back(q);
          gather->why = r.error();
          continue;
        }
        int ec = net::errc::protocol_error;
        std::int64_t offset = -1;
        std::int32_t epoch = -1;
        for (const auto& t : r->topics)
          if (t.name == q.topic)
            for (const auto& p : t.partitions)
              if (p.partition_index == q.partition) {
                ec = p.error_code;
                offset = p.offset;
                epoch = p.leader_epoch;
              }
        if (ec != 0 && ec != net::errc::protocol_error &&
            protocol::is_retriable(static_cast<std::int16_t>(ec))) {
          (*self)->metadata_.cache().invalidate_leader(q.topic, q.partition);
          gather->again.push_back(q);
          gather->why = kafka_error(ec, "ListOffsets for " + where(q.topic, q.partition));
          continue;
        }
        if (ec != 0) {
          o.error = ec == net::errc::protocol_error
                        ? Error{ec, "the ListOffsets response does not mention " +
                                        where(q.topic, q.partition)}
                        : kafka_error(ec, "ListOffsets for " + where(q.topic, q.partition));
        } else {
          o.offset = offset >= 0 ? offset : offsets::end;
          if (epoch >= 0) o.leader_epoch = epoch;
        }
        gather->out.push_back(std::move(o));
      }
      if (--gather->pending == 0) finish();
    });
    request.versions = kListOffsetsVersions;
    pool_.node(leader)->submit(std::move(request));
  }
}

}  // namespace kafkit::client
