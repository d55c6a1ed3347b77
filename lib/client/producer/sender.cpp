#include "client/producer/sender.hpp"

#include "client/producer/produce_outcome.hpp"

#include "net/sasl_setup_step.hpp"

#include <algorithm>

#include "net/net_errors.hpp"
#include "net/typed_request.hpp"
#include "protocol/messages/error_codes.hpp"
#include "protocol/messages/init_producer_id.hpp"
#include "protocol/records/record_batch.hpp"

namespace kafkit::client {
namespace {

using protocol::ErrorCode;

constexpr int code(ErrorCode c) {
  return static_cast<int>(c);
}

// v13 names topics by id only; v3-12 carry names, which is all the producer needs.
constexpr std::int16_t kMaxProduceVersion = 12;
constexpr std::int16_t kMinProduceVersion = 3;
// KIP-98: the broker keeps the last 5 batches per producer, so more in flight per
// partition could not be deduplicated.
constexpr int kMaxInFlightPerPartitionIdempotent = 5;

std::string where(const ProducerBatch& b) {
  return b.topic + " [" + std::to_string(b.partition) + "]";
}

}  // namespace

Sender::Sender(net::EventLoop& loop, const ProducerConfig& config, RecordAccumulator& accumulator,
               DeliveryQueue& deliveries)
    : loop_(loop),
      config_(config),
      accumulator_(accumulator),
      deliveries_(deliveries),
      pool_(loop, config.cluster.connection,
            [this](std::int32_t, net::BrokerConnection::State state, const Error*) {
              if (state != net::BrokerConnection::State::ready) return;
              metadata_.connection_ready();
              wake();
            }),
      metadata_(loop, pool_, config.cluster, [this](const Error* e) { on_metadata(e); }),
      timer_(loop, [this] { run(); }),
      self_(std::make_shared<Sender*>(this)) {
  for (const auto& b : config_.cluster.bootstrap) pool_.add_bootstrap(b.host, b.port);
  metadata_.request_update();
}

Sender::~Sender() {
  *self_ = nullptr;
}

void Sender::wake() {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  std::weak_ptr<Sender*> weak = self_;
  loop_.post([weak] {
    auto self = weak.lock();
    if (!self || !*self) return;
    (*self)->wake_pending_.store(false, std::memory_order_release);
    (*self)->run();
  });
}

void Sender::set_flushing(bool on) {
  flushing_.fetch_add(on ? 1 : -1, std::memory_order_acq_rel);
  if (on) wake();
}

void Sender::add_topic(std::string topic) {
  std::weak_ptr<Sender*> weak = self_;
  loop_.post([weak, topic = std::move(topic)] {
    auto self = weak.lock();
    if (self && *self) (*self)->metadata_.add_topic(topic);
  });
}

void Sender::schedule(SteadyClock::time_point when) {
  if (!shut_down_) timer_.schedule(when);
}

void Sender::on_metadata(const Error* error) {
  if (error != nullptr) {
    // Refused credentials (issue 8) will not fix themselves: a send() waiting for a topic's
    // metadata fails with the broker's reason instead of blocking for max.block.ms.
    if (net::is_authentication_error(error->code))
      for (const std::string& name : accumulator_.topics())
        if (metadata_.cache().topic(name) == nullptr) accumulator_.set_topic_error(name, *error);
    return;
  }
  const MetadataCache& cache = metadata_.cache();
  bool missing = false;
  for (const std::string& name : accumulator_.topics()) {
    const TopicMetadata* t = cache.topic(name);
    if (t == nullptr) {
      metadata_.add_topic(name);
      if (accumulator_.has_waiters(name)) missing = true;
      continue;
    }
    if (t->error == code(ErrorCode::TopicAuthorizationFailed) ||
        t->error == code(ErrorCode::InvalidTopicException)) {
      accumulator_.set_topic_error(
          name,
          Error{t->error, "topic " + name + ": " + std::string(protocol::error_name(t->error))});
      continue;
    }
    if (t->error != 0 || t->partitions.empty()) {
      // Being created, or not there: ask again soon only while a send() waits for it (else
      // the periodic refresh will do, so a mistyped topic does not cost a request every
      // retry.backoff.ms forever).
      if (accumulator_.has_waiters(name)) missing = true;
      continue;
    }
    std::vector<std::int32_t> available;
    for (size_t p = 0; p < t->partitions.size(); ++p)
      if (cache.leader(name, static_cast<std::int32_t>(p)) >= 0)
        available.push_back(static_cast<std::int32_t>(p));
    accumulator_.set_topic(name, static_cast<std::int32_t>(t->partitions.size()),
                           std::move(available));
  }
  if (missing) metadata_.request_update();
  run();
}

Sender::PartitionQueue& Sender::queue_for(const std::string& topic, std::int32_t partition) {
  auto [it, inserted] = queues_.try_emplace({topic, partition});
  if (inserted) {
    it->second.topic = topic;
    it->second.partition = partition;
  }
  return it->second;
}

void Sender::run() {
  if (shut_down_) return;
  if (fatal_) {
    fail_everything(*fatal_);
    return;
  }
  auto now = SteadyClock::now();
  std::vector<BatchPtr> ready;
  auto linger_due =
      accumulator_.take_ready(now, flushing_.load(std::memory_order_acquire) > 0, ready);
  for (BatchPtr& b : ready) {
    PartitionQueue& q = queue_for(b->topic, b->partition);
    q.queue.push_back(std::move(b));
  }
  expire(now);
  maybe_init_producer_id();
  // Each pass sends at most one request per broker and one batch per partition; more
  // passes fill the in-flight window.
  for (int pass = 0; pass < config_.max_in_flight && send_ready(now); ++pass) {
  }

  report_queue_sizes(now);

  // Wake again for the next linger end, retry backoff or delivery deadline.
  std::optional<SteadyClock::time_point> next = linger_due;
  auto consider = [&](SteadyClock::time_point t) {
    if (!next || t < *next) next = t;
  };
  for (auto& [key, q] : queues_) {
    if (q.queue.empty()) continue;
    const ProducerBatch& front = *q.queue.front();
    if (front.retry_at > now) consider(front.retry_at);
    if (config_.delivery_timeout.count() > 0) consider(front.created + config_.delivery_timeout);
  }
  if (producer_id_retry_at_ > now) consider(producer_id_retry_at_);
  if (next) schedule(*next);
}

void Sender::report_queue_sizes(SteadyClock::time_point now) {
  // KIP-794 weighs partitions by their backlog; a few times per linger is plenty.
  if (now < next_queue_report_) return;
  next_queue_report_ = now + std::max(config_.linger, std::chrono::milliseconds(5));
  std::vector<std::uint32_t> sizes;
  const std::string* topic = nullptr;
  auto flush_topic = [&] {
    if (topic != nullptr) accumulator_.report_queue_sizes(*topic, sizes);
    sizes.clear();
  };
  for (auto& [key, q] : queues_) {  // ordered by (topic, partition)
    if (topic == nullptr || *topic != q.topic) {
      flush_topic();
      topic = &q.topic;
    }
    if (sizes.size() <= static_cast<size_t>(q.partition))
      sizes.resize(static_cast<size_t>(q.partition) + 1, 0);
    sizes[static_cast<size_t>(q.partition)] =
        static_cast<std::uint32_t>(q.queue.size() + static_cast<size_t>(q.in_flight));
  }
  flush_topic();
}

void Sender::expire(SteadyClock::time_point now) {
  if (config_.delivery_timeout.count() == 0) return;
  for (auto& [key, q] : queues_) {
    // Batches of a partition age in order; in-flight ones are judged when answered.
    while (!q.queue.empty() && q.queue.front()->created + config_.delivery_timeout <= now) {
      BatchPtr b = std::move(q.queue.front());
      q.queue.pop_front();
      Persistence p = b->sent ? Persistence::possibly_persisted : Persistence::not_persisted;
      if (b->base_sequence >= 0) idempotence_.request_bump();
      Error e{errc::message_timed_out, "delivery.timeout.ms (" +
                                           std::to_string(config_.delivery_timeout.count()) +
                                           " ms) passed for " + std::to_string(b->records.size()) +
                                           " record(s) to " + where(*b) +
                                           (b->sent ? " after sending; they may have been written"
                                                    : " before they could be sent")};
      complete(&q, std::move(b), e, -1, -1, p);
    }
  }
}

void Sender::maybe_init_producer_id() {
  if (!config_.idempotence || producer_id_in_flight_) return;
  bool bump = idempotence_.has_producer_id() && idempotence_.bump_needed();
  if (idempotence_.has_producer_id() && !bump) return;
  if (bump && !in_flight_.empty()) return;  // wait until every answer is in
  if (SteadyClock::now() < producer_id_retry_at_) return;
  net::BrokerConnection* conn = pool_.any();
  if (conn == nullptr) {
    producer_id_retry_at_ = SteadyClock::now() + config_.retry_backoff;
    return;
  }
  protocol::InitProducerIdRequest req;
  req.transactional_id = std::nullopt;
  req.transaction_timeout_ms = INT32_MAX;
  if (bump) {
    req.producer_id = idempotence_.producer_id();
    req.producer_epoch = idempotence_.producer_epoch();
  }
  producer_id_in_flight_ = true;
  std::weak_ptr<Sender*> weak = self_;
  conn->send(std::move(req), [weak, bump](Result<protocol::InitProducerIdResponse> r) {
    auto self = weak.lock();
    if (self && *self) (*self)->on_producer_id(std::move(r), bump);
  });
}

void Sender::on_producer_id(Result<protocol::InitProducerIdResponse> r, bool bump) {
  producer_id_in_flight_ = false;
  if (shut_down_) return;
  std::optional<Error> error;
  if (!r.ok()) {
    error = r.error();
  } else if (r->error_code != 0) {
    error =
        Error{r->error_code, "InitProducerId: " + std::string(protocol::error_name(r->error_code))};
  }
  if (error && !bump && error->code == code(ErrorCode::UnsupportedVersion)) {
    // The cluster has no idempotent producer support. Asked for explicitly, that is fatal
    // for every record; as a default it yields, as a Java client's default does for a
    // broker that cannot do it.
    if (config_.idempotence_explicit) {
      Error fatal{errc::fatal,
                  "enable.idempotence=true but the cluster does not support "
                  "InitProducerId: " +
                      error->message};
      deliveries_.push_error(fatal);
      fatal_ = fatal;
      run();
      return;
    }
    config_.idempotence = false;
    deliveries_.push_error(Error{error->code,
                                 "the cluster does not support idempotent "
                                 "producers; continuing without idempotence"});
    run();
    return;
  }
  if (error) {
    // A broker without KIP-360 bumping, or one that no longer knows (or refuses to map)
    // this producer id, answers the same to every retry: start over with a fresh id.
    if (bump && r.ok() &&
        (r->error_code == code(ErrorCode::UnsupportedVersion) ||
         r->error_code == code(ErrorCode::InvalidProducerEpoch) ||
         r->error_code == code(ErrorCode::ProducerFenced) ||
         r->error_code == code(ErrorCode::InvalidProducerIdMapping) ||
         r->error_code == code(ErrorCode::UnknownProducerId))) {
      idempotence_.set_producer(-1, -1);
    }
    if (error->code == code(ErrorCode::ClusterAuthorizationFailed) ||
        error->code == code(ErrorCode::TransactionalIdAuthorizationFailed)) {
      // Not allowed to be idempotent: no retry can change that, so every record fails now
      // rather than at delivery.timeout.ms.
      Error fatal{errc::fatal, "idempotent producer refused by the cluster: " + error->message};
      deliveries_.push_error(fatal);
      fatal_ = fatal;
      run();
      return;
    }
    producer_id_retry_at_ = SteadyClock::now() + config_.retry_backoff;
    schedule(producer_id_retry_at_);
    return;
  }
  idempotence_.set_producer(r->producer_id, r->producer_epoch);
  idempotence_.bump_done();
  for (auto& [key, q] : queues_) q.acknowledged = false;
  renumber_unsent();
  run();
}

void Sender::renumber_unsent() {
  // New identity or epoch: sequences restart at 0, so batches that already carry one get
  // the next under the new epoch, in partition order.
  for (auto& [key, q] : queues_) {
    for (BatchPtr& b : q.queue) {
      if (b->base_sequence < 0) continue;
      b->base_sequence =
          idempotence_.assign(b->topic, b->partition, static_cast<std::int32_t>(b->records.size()));
      b->producer_id = idempotence_.producer_id();
      b->producer_epoch = idempotence_.producer_epoch();
      auto copy = std::make_shared<protocol::Bytes>(*b->payload);
      protocol::set_producer_state(*copy, b->producer_id, b->producer_epoch, b->base_sequence);
      b->payload = std::move(copy);
    }
  }
}

bool Sender::prepare(PartitionQueue& q, ProducerBatch& b) {
  if (!b.payload) {
    auto finished = b.builder.finish();
    if (!finished.ok()) {
      BatchPtr batch = std::move(q.queue.front());
      q.queue.pop_front();
      complete(&q, std::move(batch),
               Error{finished.error().code,
                     "cannot build the batch for " + where(b) + ": " + finished.error().message},
               -1, -1, Persistence::not_persisted);
      return false;
    }
    b.payload = std::make_shared<protocol::Bytes>(std::move(finished.value()));
  }
  if (config_.idempotence && b.base_sequence < 0) {
    b.producer_id = idempotence_.producer_id();
    b.producer_epoch = idempotence_.producer_epoch();
    b.base_sequence =
        idempotence_.assign(b.topic, b.partition, static_cast<std::int32_t>(b.records.size()));
    auto stamped = std::make_shared<protocol::Bytes>(*b.payload);
    protocol::set_producer_state(*stamped, b.producer_id, b.producer_epoch, b.base_sequence);
    b.payload = std::move(stamped);
  }
  return true;
}

bool Sender::send_ready(SteadyClock::time_point now) {
  if (config_.idempotence &&
      (!idempotence_.has_producer_id() || idempotence_.bump_needed() || producer_id_in_flight_))
    return false;
  std::map<std::int32_t, std::vector<std::pair<PartitionQueue*, BatchPtr>>> by_node;
  std::map<std::int32_t, std::size_t> request_bytes;
  bool need_metadata = false;
  // Start each pass one partition further on: when requests fill up (max.in.flight,
  // max.request.size) before every partition had its turn, the same first partitions would
  // otherwise always win and the last ones wait (the Java client rotates the same way).
  std::vector<PartitionQueue*>& order = drain_order_;  // reused: no allocation per pass
  order.clear();
  for (auto& entry : queues_) order.push_back(&entry.second);
  if (!order.empty())
    std::rotate(order.begin(),
                order.begin() + static_cast<std::ptrdiff_t>(drain_start_++ % order.size()),
                order.end());
  for (PartitionQueue* qp : order) {
    PartitionQueue& q = *qp;
    if (q.queue.empty()) continue;
    if (q.retrying) {
      if (q.in_flight > 0) continue;
      q.retrying = false;
    }
    if (config_.idempotence &&
        q.in_flight >= (q.acknowledged ? kMaxInFlightPerPartitionIdempotent : 1))
      continue;
    if (q.queue.front()->retry_at > now) continue;
    std::int32_t leader = metadata_.cache().leader(q.topic, q.partition);
    if (leader < 0) {
      need_metadata = true;
      continue;
    }
    net::BrokerConnection* conn = pool_.node(leader);
    if (conn == nullptr) {
      need_metadata = true;
      continue;
    }
    if (conn->state() != net::BrokerConnection::State::ready) continue;
    if (q.in_flight > 0 && q.in_flight_node != leader) continue;  // drain the old leader first
    if (by_node.count(leader) == 0 && node_in_flight_[leader] >= config_.max_in_flight) continue;
    if (!prepare(q, *q.queue.front())) continue;
    std::size_t size = q.queue.front()->payload->size();
    std::size_t& bytes = request_bytes[leader];
    if (bytes != 0 && bytes + size > config_.max_request_size) continue;  // next request
    bytes += size;
    q.in_flight_node = leader;
    by_node[leader].emplace_back(&q, std::move(q.queue.front()));
    q.queue.pop_front();
  }
  for (auto& [node, batches] : by_node) send_request(node, std::move(batches));
  if (need_metadata) metadata_.request_update();
  return !by_node.empty();
}

void Sender::send_request(std::int32_t node,
                          std::vector<std::pair<PartitionQueue*, BatchPtr>> batches) {
  protocol::ProduceRequest req;
  req.acks = config_.acks;
  req.timeout_ms = static_cast<std::int32_t>(config_.request_timeout.count());
  for (auto& entry : batches) {
    PartitionQueue* q = entry.first;
    ProducerBatch* b = entry.second.get();  // not a structured binding: clang 14 cannot capture one
    b->leader = node;
    ++q->in_flight;
    b->sent = true;
    ++b->attempts;
    // clang 14 cannot capture a structured binding: name the topic first.
    const std::string& topic = b->topic;
    auto it = std::find_if(req.topic_data.begin(), req.topic_data.end(),
                           [&](const auto& t) { return t.name == topic; });
    if (it == req.topic_data.end()) {
      req.topic_data.emplace_back();
      it = std::prev(req.topic_data.end());
      it->name = b->topic;
    }
    protocol::ProduceRequest::PartitionProduceData pd;
    pd.index = b->partition;
    pd.records = *b->payload;
    it->partition_data.push_back(std::move(pd));
  }
  std::uint64_t id = next_request_id_++;
  ++node_in_flight_[node];
  in_flight_[id] = InFlight{node, std::move(batches)};
  std::weak_ptr<Sender*> weak = self_;
  auto request = net::make_request(std::move(req), [weak, id](Result<protocol::ProduceResponse> r) {
    auto self = weak.lock();
    if (self && *self) (*self)->on_response(id, std::move(r));
  });
  request.versions = net::VersionRange{kMinProduceVersion, kMaxProduceVersion};
  pool_.node(node)->submit(std::move(request));
}

void Sender::on_response(std::uint64_t id, Result<protocol::ProduceResponse> r) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return;  // failed already (shut down)
  InFlight flight = std::move(it->second);
  in_flight_.erase(it);
  --node_in_flight_[flight.node];
  for (auto& [q, b] : flight.batches) --q->in_flight;

  if (!r.ok()) {
    for (auto& [q, b] : flight.batches)
      handle_partition(*q, std::move(b), r.error().code, r.error().message, -1, -1, true);
  } else if (config_.acks == 0) {
    for (auto& [q, b] : flight.batches)
      complete(q, std::move(b), std::nullopt, -1, -1, Persistence::persisted);
  } else {
    for (auto& [q, b] : flight.batches) {
      ProduceAnswer a = produce_answer_for(*r, b->topic, b->partition);
      // KIP-951: the old leader says who leads now; no need to wait for a Metadata round.
      if (a.new_leader >= 0)
        metadata_.cache().update_leader(b->topic, b->partition, a.new_leader, a.new_leader_epoch);
      handle_partition(*q, std::move(b), a.error_code, a.message, a.base_offset, a.log_append_time,
                       a.transport_error);
    }
  }
  run();
}

void Sender::handle_partition(PartitionQueue& q, BatchPtr b, int error_code,
                              const std::string& message, std::int64_t base_offset,
                              std::int64_t log_append_time, bool transport_error) {
  // An older batch of the partition waiting to be resent explains an out-of-order answer.
  // (Answers of one partition arrive in send order: its failure was handled first.)
  bool behind_older = std::any_of(q.queue.begin(), q.queue.end(), [&](const BatchPtr& x) {
    return x->base_sequence >= 0 && b->base_sequence >= 0 &&
           IdempotenceState::sequence_before(x->base_sequence, b->base_sequence);
  });
  ProduceDecision d =
      decide_produce(error_code, transport_error, config_.idempotence, behind_older);
  if (d.verdict == ProduceVerdict::delivered) {
    if (d.duplicate) base_offset = log_append_time = -1;
    if (b->producer_id == idempotence_.producer_id() &&
        b->producer_epoch == idempotence_.producer_epoch())
      q.acknowledged = true;
    complete(&q, std::move(b), std::nullopt, base_offset, log_append_time, Persistence::persisted);
    return;
  }
  std::string text =
      transport_error ? message
                      : std::string(protocol::error_name(static_cast<std::int16_t>(error_code))) +
                            (message.empty() ? "" : ": " + message);
  Error error{error_code, "produce to " + where(*b) + " failed: " + text};
  if (d.refresh_metadata) {
    // Unless a KIP-951 hint already moved the leader, forget it until Metadata answers.
    if (metadata_.cache().leader(b->topic, b->partition) == b->leader)
      metadata_.cache().invalidate_leader(b->topic, b->partition);
    metadata_.request_update();
  }
  if (d.bump_epoch) idempotence_.request_bump();
  if (d.verdict == ProduceVerdict::retry) {
    retry(q, std::move(b), error, d.possibly_persisted);
    return;
  }
  // Refused for good: the records are not in the log, and with idempotence the partition
  // now has a gap in its sequences.
  if (b->base_sequence >= 0) idempotence_.request_bump();
  Persistence p = b->maybe_written ? Persistence::possibly_persisted : Persistence::not_persisted;
  complete(&q, std::move(b), error, -1, -1, p);
}

void Sender::retry(PartitionQueue& q, BatchPtr b, const Error& error, bool possibly_persisted) {
  if (possibly_persisted) b->maybe_written = true;
  possibly_persisted = b->maybe_written;  // an earlier attempt may be in the log
  auto now = SteadyClock::now();
  bool expired =
      config_.delivery_timeout.count() > 0 && b->created + config_.delivery_timeout <= now;
  if (expired || b->attempts > config_.retries) {
    if (b->base_sequence >= 0) idempotence_.request_bump();
    Error final_error = error;
    final_error.message += expired ? " (delivery.timeout.ms passed)" : " (retries exhausted)";
    complete(&q, std::move(b), final_error, -1, -1,
             possibly_persisted ? Persistence::possibly_persisted : Persistence::not_persisted);
    return;
  }
  auto backoff = config_.retry_backoff * (1 << std::min(b->attempts - 1, 10));
  b->retry_at = now + std::min<std::chrono::milliseconds>(backoff, config_.retry_backoff_max);
  q.retrying = true;
  // Back in sequence order (unsequenced batches keep send order: they were at the front).
  auto pos = q.queue.begin();
  if (b->base_sequence >= 0)
    while (pos != q.queue.end() && (*pos)->base_sequence >= 0 &&
           IdempotenceState::sequence_before((*pos)->base_sequence, b->base_sequence))
      ++pos;
  q.queue.insert(pos, std::move(b));
}

void Sender::complete(PartitionQueue* q, BatchPtr b, std::optional<Error> error,
                      std::int64_t base_offset, std::int64_t log_append_time,
                      Persistence persistence) {
  (void)q;
  accumulator_.release_bytes(b->accounted_bytes);
  b->accounted_bytes = 0;
  b->payload.reset();
  deliveries_.push(
      CompletedBatch{std::move(b), base_offset, log_append_time, std::move(error), persistence});
}

void Sender::shut_down(const Error& error) {
  if (shut_down_) return;
  fail_everything(error);
  shut_down_ = true;
  timer_.cancel();
  metadata_.stop();
  pool_.stop();
}

void Sender::fail_everything(const Error& error) {
  std::vector<BatchPtr> left;
  accumulator_.take_ready(SteadyClock::now(), true, left);
  for (BatchPtr& b : left)
    complete(nullptr, std::move(b), error, -1, -1, Persistence::not_persisted);
  for (auto& [id, flight] : in_flight_)
    for (auto& [q, b] : flight.batches)
      complete(q, std::move(b), error, -1, -1, Persistence::possibly_persisted);
  in_flight_.clear();
  for (auto& [key, q] : queues_) {
    while (!q.queue.empty()) {
      BatchPtr b = std::move(q.queue.front());
      q.queue.pop_front();
      Persistence p = b->sent ? Persistence::possibly_persisted : Persistence::not_persisted;
      complete(&q, std::move(b), error, -1, -1, p);
    }
  }
}

}  // namespace kafkit::client
