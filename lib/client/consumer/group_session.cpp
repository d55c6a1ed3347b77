#include "client/consumer/group_session.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "net/typed_request.hpp"

namespace kafkit::client {
namespace {

using Clock = GroupMembership::Clock;

// on_poll() posts to the loop at most this often: poll() may run a million times a second,
// and max.poll.interval.ms is counted in seconds at the least.
constexpr std::int64_t kPollPostIntervalMs = 50;

GroupMembershipConfig membership_config(const ConsumerConfig& config,
                                        const ConsumerCallbacks& callbacks) {
  GroupMembershipConfig m;
  m.group_id = config.group_id;
  m.group_instance_id = config.group_instance_id;
  m.session_timeout = config.session_timeout;
  m.rebalance_timeout = config.max_poll_interval;
  m.heartbeat_interval = config.heartbeat_interval;
  m.retry_backoff = config.retry_backoff;
  if (!config.client_rack.empty()) m.client_rack = config.client_rack;
  m.assignors = callbacks.assignors;
  std::string_view list = config.assignment_strategy;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) continue;
    bool taken = std::any_of(m.assignors.begin(), m.assignors.end(),
                             [&](const auto& a) { return a && a->name() == name; });
    if (taken) continue;  // a user-supplied assignor of that name comes first
    std::unique_ptr<PartitionAssignor> builtin = make_builtin_assignor(name);
    if (!builtin) {
      throw std::invalid_argument(
          "partition.assignment.strategy: unknown assignor \"" + std::string(name) +
          "\" (built in: range, roundrobin, sticky, cooperative-sticky; others must be given "
          "in ConsumerCallbacks::assignors)");
    }
    m.assignors.push_back(std::move(builtin));
  }
  if (m.assignors.empty()) {
    throw std::invalid_argument("partition.assignment.strategy: no assignor given");
  }
  return m;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

}  // namespace

GroupSession::GroupSession(net::EventLoop& loop, GroupHost& host, const ConsumerConfig& config,
                           const ConsumerCallbacks& callbacks)
    : loop_(loop),
      host_(host),
      config_(config),
      pool_(loop, config.cluster.connection,
            [this](std::int32_t node, net::BrokerConnection::State s, const Error*) {
              on_connection_state(node, s);
            }),
      metadata_(loop, pool_, config.cluster, [this](const Error* e) { on_metadata(e); }),
      machine_(membership_config(config, callbacks)),
      timer_(loop, [this] { drive(); }),
      self_(std::make_shared<GroupSession*>(this)) {
  for (const auto& b : config_.cluster.bootstrap) pool_.add_bootstrap(b.host, b.port);
}

GroupSession::~GroupSession() {
  *self_ = nullptr;
}

// ---- any thread ---------------------------------------------------------------------------

Result<void> GroupSession::subscribe(const std::vector<std::string>& topics) {
  if (topics.empty()) return Error{errc::invalid_argument, "subscribe: no topic given"};
  std::vector<std::string> literal;
  std::vector<std::regex> patterns;
  for (const std::string& t : topics) {
    if (t.empty()) return Error{errc::invalid_argument, "subscribe: empty topic name"};
    if (t.front() != '^') {
      literal.push_back(t);
      continue;
    }
    try {
      patterns.emplace_back(t, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return Error{errc::invalid_argument,
                   "subscribe: invalid regular expression \"" + t + "\": " + e.what()};
    }
  }
  {
    std::lock_guard g(mutex_);
    subscription_ = topics;
  }
  std::weak_ptr<GroupSession*> weak = self_;
  loop_.post([weak, literal = std::move(literal), patterns = std::move(patterns)]() mutable {
    auto self = weak.lock();
    if (!self || !*self) return;
    GroupSession& me = **self;
    me.literal_topics_ = std::move(literal);
    me.patterns_ = std::move(patterns);
    me.has_subscription_ = true;
    me.metadata_.set_all_topics(!me.patterns_.empty());
    for (const std::string& t : me.literal_topics_) me.metadata_.add_topic(t);
    me.metadata_.request_update();
    me.resolve_subscription();
    me.drive();
  });
  return {};
}

Result<void> GroupSession::unsubscribe() {
  {
    std::lock_guard g(mutex_);
    subscription_.clear();
  }
  std::weak_ptr<GroupSession*> weak = self_;
  loop_.post([weak] {
    auto self = weak.lock();
    if (!self || !*self) return;
    GroupSession& me = **self;
    me.literal_topics_.clear();
    me.patterns_.clear();
    me.has_subscription_ = false;
    me.metadata_.set_all_topics(false);
    me.machine_.set_subscription({}, Clock::now());
    me.drive();
  });
  return {};
}

std::vector<std::string> GroupSession::subscription() const {
  std::lock_guard g(mutex_);
  return subscription_;
}

bool GroupSession::subscribed() const {
  std::lock_guard g(mutex_);
  return !subscription_.empty();
}

std::string GroupSession::member_id() const {
  std::lock_guard g(mutex_);
  return member_id_;
}

void GroupSession::on_poll() {
  std::int64_t now = steady_ms();
  std::int64_t last = last_poll_posted_ms_.load(std::memory_order_relaxed);
  if (now - last < kPollPostIntervalMs) return;
  if (!last_poll_posted_ms_.compare_exchange_strong(last, now)) return;
  std::weak_ptr<GroupSession*> weak = self_;
  loop_.post([weak] {
    auto self = weak.lock();
    if (!self || !*self) return;
    (*self)->machine_.on_poll(Clock::now());
    (*self)->drive();
  });
}

void GroupSession::revoke_done(std::vector<TopicPartition> partitions) {
  std::weak_ptr<GroupSession*> weak = self_;
  loop_.post([weak, partitions = std::move(partitions)] {
    auto self = weak.lock();
    if (!self || !*self) return;
    (*self)->machine_.revoke_done(partitions, Clock::now());
    (*self)->drive();
  });
}

void GroupSession::begin_close() {
  std::weak_ptr<GroupSession*> weak = self_;
  loop_.post([weak] {
    auto self = weak.lock();
    if (!self || !*self) return;
    (*self)->machine_.close(Clock::now());
    (*self)->drive();
  });
}

// ---- loop thread --------------------------------------------------------------------------

void GroupSession::shut_down() {
  shut_down_ = true;
  timer_.cancel();
  metadata_.stop();
  pool_.stop();
}

void GroupSession::drive() {
  if (shut_down_) return;
  auto now = Clock::now();
  while (auto request = machine_.next_request(now)) send(std::move(*request));
  // The identity first: the application may act on an event (a revoke's commit) the moment
  // it is posted, and must do so with the generation the event belongs to.
  publish_identity();
  take_events();
  if (machine_.closed()) closed_ = true;
  // The leader needs the partition counts of every member's topics.
  for (const std::string& t : machine_.metadata_topics()) {
    if (!metadata_.has_topic(t)) metadata_.add_topic(t);
  }
  auto wake = machine_.next_wakeup(now);
  if (wake != Clock::time_point::max()) schedule(wake);
}

void GroupSession::send(GroupRequest request) {
  auto now = Clock::now();
  net::BrokerConnection* conn = nullptr;
  if (request.destination == GroupRequest::Destination::any_broker) {
    conn = pool_.any();
    if (conn == nullptr) metadata_.request_update();  // learns brokers; opens connections
  } else if (const auto& c = machine_.coordinator()) {
    pool_.set_node_address(c->node_id, c->host, static_cast<std::uint16_t>(c->port));
    conn = pool_.node(c->node_id);
    // A coordinator connection that is backing off after a failed attempt or a close: the
    // request would wait there for request.timeout.ms, longer than the session lasts, while
    // the group may have moved to another node. Treat the coordinator as lost and find it
    // again (Java marks the coordinator unknown on disconnect).
    if (conn != nullptr && conn->state() == net::BrokerConnection::State::backing_off)
      conn = nullptr;
  }
  if (conn == nullptr) {
    // Nothing to send on yet: the machine backs off and asks again; a connection becoming
    // ready drives it sooner.
    machine_.on_request_failed(now);
    return;
  }
  std::optional<std::chrono::milliseconds> timeout;
  if (request.timeout.count() > 0) timeout = request.timeout;
  // Coordinator-bound requests are remembered until answered, so that the coordinator's
  // connection failing can give up those still waiting there (on_connection_state).
  std::shared_ptr<bool> abandoned;
  if (request.destination != GroupRequest::Destination::any_broker) {
    abandoned = std::make_shared<bool>(false);
    outstanding_.push_back({machine_.coordinator()->node_id, abandoned});
  }
  std::weak_ptr<GroupSession*> weak = self_;
  std::visit(
      [&](auto&& body) {
        using Req = std::decay_t<decltype(body)>;
        conn->send<Req>(
            std::move(body),
            [weak, abandoned](Result<net::ResponseOf<Req>> r) {
              auto self = weak.lock();
              if (!self || !*self || (*self)->shut_down_) return;
              GroupSession& me = **self;
              if (abandoned) {
                std::erase_if(me.outstanding_,
                              [&](const Outstanding& o) { return o.abandoned == abandoned; });
                // Already reported to the machine as failed when its connection went down.
                if (*abandoned) return;
              }
              if (r.ok()) {
                me.machine_.on_response(*r, Clock::now());
              } else {
                me.machine_.on_request_failed(Clock::now());
              }
              me.drive();
            },
            timeout);
      },
      std::move(request.body));
}

void GroupSession::on_connection_state(std::int32_t node, net::BrokerConnection::State state) {
  if (shut_down_) return;
  if (state == net::BrokerConnection::State::ready) {
    drive();
    return;
  }
  // The coordinator's connection failed (a close or a refused reconnect) while a request
  // waits for it: a request queued there would wait request.timeout.ms, longer than the
  // session lasts, while the group may have moved to another node. Give it up and find the
  // coordinator again, as Java marks the coordinator unknown on disconnect.
  if (state != net::BrokerConnection::State::backing_off) return;
  bool waiting = false;
  for (Outstanding& o : outstanding_) {
    if (o.node != node || *o.abandoned) continue;
    *o.abandoned = true;
    waiting = true;
  }
  if (!waiting) return;
  machine_.on_coordinator_lost(Clock::now());
  drive();
}

void GroupSession::take_events() {
  for (ConsumerEvent& e : machine_.take_events()) {
    switch (e.type) {
      case ConsumerEvent::Type::partitions_assigned: {
        std::vector<TopicPartitionOffset> start;
        for (const TopicPartition& tp : e.partitions) {
          start.push_back(TopicPartitionOffset{tp.topic, tp.partition, offsets::stored});
        }
        host_.add_partitions(start);
        break;
      }
      case ConsumerEvent::Type::partitions_lost:
      case ConsumerEvent::Type::poll_interval_exceeded:
        // Another member may own them already: stop at once, commit nothing.
        host_.remove_partitions(e.partitions);
        break;
      default:
        break;
    }
    host_.post_event(std::move(e));
  }
}

void GroupSession::publish_identity() {
  CommitIdentity who;
  if (has_subscription_ || machine_.state() != GroupMembership::State::idle) {
    if (machine_.can_commit()) {
      GroupCommitContext c = machine_.commit_context();
      who.generation = c.generation_id;
      who.member_id = c.member_id;
      who.group_instance_id = c.group_instance_id;
    } else {
      who.refuse = Error{27,  // REBALANCE_IN_PROGRESS, as Java's CommitFailedException
                         "group " + config_.group_id +
                             ": not a member with a valid generation right now (joining or "
                             "rebalancing); nothing committed"};
    }
  }
  host_.set_identity(std::move(who));
  std::lock_guard g(mutex_);
  member_id_ = machine_.member_id();
}

void GroupSession::on_metadata(const Error* error) {
  if (error != nullptr || shut_down_) return;
  resolve_subscription();
  std::map<std::string, std::int32_t> counts;
  for (const std::string& t : machine_.metadata_topics()) {
    const TopicMetadata* md = metadata_.cache().topic(t);
    if (md != nullptr && md->error == 0 && !md->partitions.empty()) {
      counts[t] = static_cast<std::int32_t>(md->partitions.size());
    }
  }
  machine_.set_partition_counts(std::move(counts), Clock::now());
  drive();
}

void GroupSession::resolve_subscription() {
  if (!has_subscription_) return;
  std::vector<std::string> topics = literal_topics_;
  if (!patterns_.empty()) {
    for (const auto& topic : metadata_.cache().topics()) {
      const std::string& name = topic.first;  // clang 14: no structured binding in lambdas
      if (topic.second.internal) continue;
      bool match = std::any_of(patterns_.begin(), patterns_.end(),
                               [&](const std::regex& re) { return std::regex_search(name, re); });
      if (match) topics.push_back(name);
    }
  }
  std::sort(topics.begin(), topics.end());
  topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
  for (const std::string& t : topics) {
    if (!metadata_.has_topic(t)) metadata_.add_topic(t);
  }
  // A pattern that matches nothing yet keeps the member out of the group (an empty list is
  // no subscription to the machine) until a matching topic appears in the metadata.
  machine_.set_subscription(std::move(topics), Clock::now());
}

void GroupSession::schedule(net::Clock::time_point when) {
  if (!shut_down_) timer_.schedule(when);
}

}  // namespace kafkit::client
