#pragma once
// AdminImpl: the admin client's I/O half and the routing every admin call shares.
//
// The loop thread owns the ConnectionPool and only sends requests; each admin call runs
// its steps (metadata, FindCoordinator, the request itself, retries) on the caller's
// thread, handing each request to the loop with EventLoop::post and waiting for its
// answer. Admin calls are few and sequential by nature (find the controller, then ask it),
// so straight-line code is clearer here than callback chains, and concurrent calls from
// several threads simply run side by side.
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "client/admin/admin_config.hpp"
#include "kafkit/admin.hpp"
#include "net/connection_pool.hpp"
#include "net/event_loop.hpp"
#include "net/typed_request.hpp"
#include "protocol/messages/describe_cluster.hpp"
#include "protocol/messages/error_codes.hpp"
#include "protocol/messages/find_coordinator.hpp"
#include "protocol/messages/metadata.hpp"

namespace kafkit::client {

/// Node id meaning "any broker" (bootstrap ids are -1, -2, ...).
inline constexpr std::int32_t kAnyBroker = INT32_MIN;

using AdminDeadline = net::Clock::time_point;

/// A transport failure (connection refused, closed, request timeout): worth another try.
bool is_transport_error(int code) noexcept;
/// Worth retrying: a transport failure or a retriable Kafka error.
bool should_retry(int code) noexcept;
/// "NAME: message" for a Kafka error code and the broker's optional message.
ResourceError resource_error(int code, const std::optional<std::string>& message = {});

/// The entry for topic `name` in a request's per-topic list, added at the end when new:
/// requests name each topic once and list its partitions under it.
template <typename Topics>
auto& topic_entry(Topics& topics, const std::string& name) {
  for (auto& t : topics)
    if (t.name == name) return t;
  topics.emplace_back().name = name;
  return topics.back();
}

class AdminImpl {
 public:
  explicit AdminImpl(AdminConfig config);
  AdminImpl(const AdminImpl&) = delete;
  AdminImpl& operator=(const AdminImpl&) = delete;
  ~AdminImpl();

  const AdminConfig& config() const noexcept { return config_; }
  AdminDeadline deadline(std::chrono::milliseconds timeout) const {
    return net::Clock::now() + timeout;
  }

  /// Sends `request` once to broker `node` (or kAnyBroker) and waits for the answer, at most
  /// until `deadline`. `versions` narrows what kafkit offers (the broker's range still
  /// applies). `answered_by`, when given, receives the "host:port" of the connection the
  /// request went to (a bootstrap server as configured, or a broker's advertised address).
  template <class Req>
  Result<net::ResponseOf<Req>> call(std::int32_t node, Req request, AdminDeadline deadline,
                                    std::optional<net::VersionRange> versions = std::nullopt,
                                    std::string* answered_by = nullptr);

  /// call() to any broker, retrying transport failures with backoff until `deadline`.
  template <class Req>
  Result<net::ResponseOf<Req>> call_any(const Req& request, AdminDeadline deadline,
                                        std::optional<net::VersionRange> versions = std::nullopt,
                                        std::string* answered_by = nullptr) {
    for (;;) {
      auto r = call(kAnyBroker, request, deadline, versions, answered_by);
      if (r.ok() || !is_transport_error(r.error().code) || !backoff(deadline)) return r;
    }
  }

  /// Metadata for `topics` (nullopt: every topic; empty: none, brokers only). Never creates
  /// topics. Teaches the pool the brokers' addresses.
  Result<protocol::MetadataResponse> metadata(std::optional<std::vector<std::string>> topics,
                                              AdminDeadline deadline,
                                              std::string* answered_by = nullptr);
  /// The controller's id from Metadata, or kAnyBroker when the cluster names none.
  Result<std::int32_t> controller(AdminDeadline deadline);
  /// The group coordinator's id (FindCoordinator, retried while the coordinator is not
  /// available yet).
  Result<std::int32_t> coordinator(const std::string& group, AdminDeadline deadline);

  /// Sleeps retry.backoff.ms and returns true, or returns false at once when that would
  /// pass `deadline`.
  bool backoff(AdminDeadline deadline) const;

 private:
  /// Loop thread: the connection for `node`.
  net::BrokerConnection* connection(std::int32_t node);
  /// Loop thread: addresses learned from an answer.
  void learn(const protocol::MetadataResponse& r);
  void learn(const protocol::FindCoordinatorResponse& r);
  void learn(const protocol::DescribeClusterResponse& r);
  void learn_node(std::int32_t id, const std::string& host, std::int32_t port);
  /// Loop thread: learn() for the answers that name brokers, nothing for the others.
  template <class Resp>
  void learn_from(const Resp& r) {
    if constexpr (std::is_same_v<Resp, protocol::MetadataResponse> ||
                  std::is_same_v<Resp, protocol::FindCoordinatorResponse> ||
                  std::is_same_v<Resp, protocol::DescribeClusterResponse>)
      learn(r);
  }
  void post(net::Task task) { loop_->post(std::move(task)); }

  AdminConfig config_;
  std::unique_ptr<net::EventLoop> loop_;
  std::unique_ptr<net::ConnectionPool> pool_;  /// @thread loop
  std::vector<std::int32_t> known_nodes_;      /// @thread loop
  std::thread io_thread_;
};

template <class Req>
Result<net::ResponseOf<Req>> AdminImpl::call(std::int32_t node, Req request, AdminDeadline deadline,
                                             std::optional<net::VersionRange> versions,
                                             std::string* answered_by) {
  using Resp = net::ResponseOf<Req>;
  auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - net::Clock::now());
  if (remaining.count() <= 0)
    return Error{errc::timed_out, std::string(Req::api_name) + ": the call's timeout passed"};
  auto timeout = std::min(remaining, config_.request_timeout);
  auto promise = std::make_shared<std::promise<Result<Resp>>>();
  auto future = promise->get_future();
  auto out = std::make_shared<net::OutboundRequest>(net::make_request(
      std::move(request),
      [this, promise](Result<Resp> r) {
        // Runs on the loop thread: learn addresses before the caller asks for that node.
        if (r.ok()) learn_from(r.value());
        promise->set_value(std::move(r));
      },
      timeout));
  if (versions) {
    out->versions.min = std::max(out->versions.min, versions->min);
    out->versions.max = std::min(out->versions.max, versions->max);
  }
  // Written on the loop thread before the request is submitted, so before the promise is
  // set: reading it after future.get() is ordered by the promise.
  auto via = std::make_shared<std::string>();
  post([this, node, out, promise, via] {
    net::BrokerConnection* c = connection(node);
    if (c == nullptr) {
      promise->set_value(Error{net::errc::connection_refused,
                               "broker " + std::to_string(node) + " is not known (yet)"});
      return;
    }
    *via = c->name();
    c->submit(std::move(*out));
  });
  // The request's own timeout fires first; the margin covers a loop busy elsewhere.
  if (future.wait_until(deadline + std::chrono::seconds(2)) != std::future_status::ready)
    return Error{errc::timed_out, std::string(Req::api_name) + ": no answer in time"};
  auto result = future.get();
  if (answered_by != nullptr) *answered_by = *via;
  return result;
}

}  // namespace kafkit::client
