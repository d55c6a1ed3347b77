#include "client/cluster/metadata_updater.hpp"

namespace kafkit::client {

MetadataUpdater::MetadataUpdater(net::EventLoop& loop, net::ConnectionPool& pool,
                                 const ClusterConfig& config, Listener listener)
    : pool_(pool),
      config_(config),
      listener_(std::move(listener)),
      timer_(loop, [this] { send_now(); }),
      self_(std::make_shared<MetadataUpdater*>(this)) {
  schedule(config_.metadata_max_age);
}

MetadataUpdater::~MetadataUpdater() {
  stop();
}

void MetadataUpdater::stop() {
  stopped_ = true;
  timer_.cancel();
  *self_ = nullptr;
}

void MetadataUpdater::add_topic(const std::string& topic) {
  if (!topics_.insert(topic).second || stopped_) return;
  // retry.backoff.ms spaces out asking the same question again; a topic no request has
  // asked about yet is a new question, so it goes as soon as nothing is in flight (a
  // producer's first send otherwise waited 100 ms behind the client's start-up request).
  if (in_flight_) {
    wanted_ = true;
    unasked_topic_ = true;
    return;
  }
  schedule(std::chrono::milliseconds(0));
}

void MetadataUpdater::set_all_topics(bool all) {
  if (all_topics_ == all) return;
  all_topics_ = all;
  request_update();
}

void MetadataUpdater::request_update() {
  if (stopped_) return;
  if (in_flight_) {
    wanted_ = true;
    return;
  }
  auto earliest = last_sent_ + config_.metadata_retry_backoff;
  auto now = net::Clock::now();
  schedule(earliest > now ? std::chrono::ceil<std::chrono::milliseconds>(earliest - now)
                          : std::chrono::milliseconds(0));
}

void MetadataUpdater::connection_ready() {
  if (stopped_ || in_flight_ || !awaiting_connection_) return;
  awaiting_connection_ = false;
  schedule(std::chrono::milliseconds(0));
}

void MetadataUpdater::schedule(std::chrono::milliseconds delay) {
  timer_.schedule_in(delay);
}

void MetadataUpdater::send_now() {
  if (stopped_ || in_flight_) return;
  net::BrokerConnection* conn = pool_.any();
  if (conn == nullptr) {
    // No connection is ready; one is being opened. Look again when it is (the owner calls
    // connection_ready()), or shortly in any case.
    awaiting_connection_ = true;
    schedule(config_.metadata_retry_backoff);
    // Unless the brokers refuse our credentials: the clients report that (issue 8).
    if (auto refused = pool_.authentication_error(); refused && listener_) listener_(&*refused);
    return;
  }
  awaiting_connection_ = false;
  protocol::MetadataRequest req;
  // A null list asks for every topic (v1+); the generated request defaults to an empty
  // list, which asks for none, so say null explicitly.
  if (all_topics_) {
    req.topics.reset();
  } else {
    req.topics.emplace();
  }
  for (const auto& t : all_topics_ ? std::set<std::string>{} : topics_) {
    protocol::MetadataRequest::MetadataRequestTopic rt;
    rt.name = t;
    req.topics->push_back(std::move(rt));
  }
  req.allow_auto_topic_creation = config_.allow_auto_create_topics;
  in_flight_ = true;
  sent_all_topics_ = all_topics_;
  wanted_ = false;
  unasked_topic_ = false;
  last_sent_ = net::Clock::now();
  std::weak_ptr<MetadataUpdater*> weak = self_;
  std::uint64_t token = token_;
  conn->send(std::move(req), [weak, token](Result<protocol::MetadataResponse> r) {
    auto self = weak.lock();
    if (self && *self) (*self)->on_response(token, std::move(r));
  });
}

void MetadataUpdater::on_response(std::uint64_t token, Result<protocol::MetadataResponse> r) {
  if (stopped_ || token != token_) return;
  in_flight_ = false;
  if (!r.ok()) {
    // Another broker may answer; the pool rotates when this one is not ready.
    schedule(config_.metadata_retry_backoff);
    if (listener_) listener_(&r.error());
    return;
  }
  if (sent_all_topics_) {
    cache_.update_all(*r);
  } else {
    cache_.update(*r);
  }
  for (const auto& [id, address] : cache_.brokers())
    pool_.set_node_address(id, address.host, address.port);
  schedule(config_.metadata_max_age);
  if (wanted_ && unasked_topic_)
    schedule(std::chrono::milliseconds(0));
  else if (wanted_)
    request_update();
  if (listener_) listener_(nullptr);
}

}  // namespace kafkit::client
