// Connection against a scripted loopback broker: framing, pipelining, correlation,
// timeouts, failures, re-entrancy and version choice.
#include "net/connection.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "connection_harness.hpp"
#include "net/net_errors.hpp"
#include "protocol/messages/error_codes.hpp"

using namespace std::chrono_literals;
using namespace kafkit;
using namespace kafkit::net;
using namespace kafkit::net::test;
using protocol::MetadataRequest;
using protocol::MetadataResponse;

namespace {

constexpr int kUnsupportedVersion = 35;

MetadataResponse metadata_with_controller(int32_t controller) {
  MetadataResponse r;
  r.controller_id = controller;
  return r;
}

/// Answers Metadata with controller_id = the correlation id, so the client can check that
/// each callback got its own response.
void echo_correlation(ScriptedBroker::Peer& peer, const ReceivedRequest& request) {
  peer.respond(request, metadata_with_controller(request.correlation_id));
}

}  // namespace

TEST_CASE(
    "connection negotiates ApiVersions at the top version and frames requests with client.id") {
  Harness h;
  h.broker.on_request = echo_correlation;
  h.open();
  CHECK(h.ready_calls == 1);
  REQUIRE(h.broker.requests.size() == 1);
  const ReceivedRequest av = h.broker.requests[0];  // a copy: the log grows below
  CHECK(av.api_key == 18);
  CHECK(av.api_version == protocol::ApiVersionsRequest::max_version);
  CHECK(av.client_id == std::optional<std::string>("kafkit-test"));
  auto body = protocol::decode_message<protocol::ApiVersionsRequest>(av.body, av.api_version);
  REQUIRE(body.ok());
  CHECK(body->client_software_name == "kafkit");
  CHECK_FALSE(body->client_software_version.empty());
  CHECK(h.connection->api_versions().find(3) != nullptr);

  std::optional<Result<MetadataResponse>> got;
  h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    got.emplace(std::move(r));
    h.loop->stop();
  });
  REQUIRE(run_bounded(*h.loop, 5s));
  REQUIRE(got.has_value());
  REQUIRE(got->ok());
  const auto& md = h.broker.requests.back();
  CHECK(md.api_key == 3);
  CHECK(md.api_version == MetadataRequest::max_version);
  CHECK(md.header_version == 2);  // Metadata v13 is flexible
  CHECK(md.correlation_id > av.correlation_id);
  CHECK(got->value().controller_id == md.correlation_id);
}

TEST_CASE("pipelined requests complete in order and never exceed max_in_flight") {
  Harness h;
  h.config.max_in_flight = 3;
  // The broker holds requests and answers everything outstanding 20 ms after the first
  // unanswered one arrived, so the client has time to push as many as it is allowed.
  std::vector<std::pair<int, ReceivedRequest>> held;
  bool flush_armed = false;
  h.broker.on_request = [&](ScriptedBroker::Peer& peer, const ReceivedRequest& request) {
    held.emplace_back(peer.index, request);
    if (flush_armed) return;
    flush_armed = true;
    h.loop->add_timer(20ms, [&] {
      flush_armed = false;
      for (auto& [index, r] : held) echo_correlation(h.broker.peer(index), r);
      held.clear();
    });
  };
  h.open();
  constexpr int kRequests = 10;
  std::vector<int> order;
  std::vector<int32_t> controllers;
  for (int i = 0; i < kRequests; ++i) {
    h.connection->send(MetadataRequest{}, [&, i](Result<MetadataResponse> r) {
      REQUIRE(r.ok());
      order.push_back(i);
      controllers.push_back(r->controller_id);
      if (order.size() == kRequests) h.loop->stop();
    });
  }
  CHECK(h.connection->in_flight_count() == 3);
  CHECK(h.connection->queued_count() == kRequests - 3);
  REQUIRE(run_bounded(*h.loop, 5s));
  REQUIRE(order.size() == kRequests);
  for (int i = 0; i < kRequests; ++i) CHECK(order[static_cast<size_t>(i)] == i);
  for (size_t i = 1; i < controllers.size(); ++i) CHECK(controllers[i] == controllers[i - 1] + 1);
  CHECK(h.broker.max_outstanding == 3);
}

TEST_CASE("a response with the wrong correlation id closes the connection and fails all") {
  Harness h;
  h.broker.on_request = [](ScriptedBroker::Peer& peer, const ReceivedRequest& request) {
    ReceivedRequest wrong = request;
    wrong.correlation_id += 1000;
    peer.respond(wrong, MetadataResponse{});
  };
  h.stop_on_close = true;
  h.open();
  std::vector<Error> errors;
  for (int i = 0; i < 3; ++i) {
    h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
      REQUIRE_FALSE(r.ok());
      errors.push_back(r.error());
    });
  }
  REQUIRE(run_bounded(*h.loop, 5s));
  h.settle();
  CHECK(h.closed_calls == 1);
  REQUIRE(h.closed_error.has_value());
  CHECK(h.closed_error->code == net::errc::protocol_error);
  CHECK(contains(h.closed_error->message, "correlation id"));
  CHECK(contains(h.closed_error->message, h.broker.name()));
  REQUIRE(errors.size() == 3);
  for (const auto& e : errors) {
    CHECK(e.code == net::errc::protocol_error);
    CHECK(contains(e.message, h.broker.name()));
  }
  CHECK(h.connection->closed());
}

TEST_CASE("a request without an answer times out, fails alone with request_timeout and closes") {
  Harness h;
  h.config.request_timeout = 150ms;
  h.broker.on_request = [](ScriptedBroker::Peer&, const ReceivedRequest&) {};  // never answers
  h.stop_on_close = true;
  h.open();
  std::vector<Error> errors;
  auto started = Clock::now();
  h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    REQUIRE_FALSE(r.ok());
    errors.push_back(r.error());
  });
  // A second request submitted later: it fails because of the close, not its own timeout.
  h.loop->add_timer(50ms, [&] {
    h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
      REQUIRE_FALSE(r.ok());
      errors.push_back(r.error());
    });
  });
  REQUIRE(run_bounded(*h.loop, 5s));
  h.settle();
  CHECK(Clock::now() - started >= 150ms);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].code == net::errc::request_timeout);
  CHECK(contains(errors[0].message, "timed out after 150 ms"));
  CHECK(contains(errors[0].message, h.broker.name()));
  CHECK(errors[1].code == net::errc::connection_closed);
  CHECK(contains(errors[1].message, "got no response within 150 ms"));
  CHECK(h.closed_calls == 1);
}

TEST_CASE("socket death fails every in-flight and queued request exactly once, naming the broker") {
  Harness h;
  h.config.max_in_flight = 2;
  int seen = 0;
  h.broker.on_request = [&](ScriptedBroker::Peer& peer, const ReceivedRequest&) {
    if (++seen == 2) peer.close();  // two in flight, three queued: EOF
  };
  h.stop_on_close = true;
  h.open();
  constexpr int kRequests = 5;
  std::vector<int> calls(kRequests, 0);
  std::vector<Error> errors;
  for (int i = 0; i < kRequests; ++i) {
    h.connection->send(MetadataRequest{}, [&, i](Result<MetadataResponse> r) {
      ++calls[static_cast<size_t>(i)];
      REQUIRE_FALSE(r.ok());
      errors.push_back(r.error());
    });
  }
  REQUIRE(run_bounded(*h.loop, 5s));
  h.settle();
  for (int c : calls) CHECK(c == 1);
  REQUIRE(errors.size() == kRequests);
  for (const auto& e : errors) {
    CHECK(e.code == net::errc::connection_closed);
    CHECK(contains(e.message, h.broker.name()));
    CHECK(contains(e.message, "EOF"));
  }
  CHECK(h.closed_calls == 1);
  // After the close, new requests fail at once (on the loop), nothing is sent.
  std::optional<Error> late;
  h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    late = r.error();
    h.loop->stop();
  });
  CHECK_FALSE(late.has_value());  // never inside send()
  REQUIRE(run_bounded(*h.loop, 5s));
  REQUIRE(late.has_value());
  CHECK(late->code == net::errc::connection_closed);
}

TEST_CASE("a connection reset by the broker ends the connection like EOF does") {
  // A broker shutting down with requests unread resets instead of closing; clients treat
  // both alike (a consumer does not report a broker going away as an error).
  Harness h;
  h.broker.on_request = [&](ScriptedBroker::Peer& peer, const ReceivedRequest&) { peer.reset(); };
  h.stop_on_close = true;
  h.open();
  std::optional<Error> error;
  h.connection->send(MetadataRequest{},
                     [&](Result<MetadataResponse> r) { error = r.ok() ? Error{} : r.error(); });
  REQUIRE(run_bounded(*h.loop, 5s));
  h.settle();
  REQUIRE(error.has_value());
  CHECK(error->code == net::errc::connection_closed);
  CHECK(contains(error->message, "reset"));
  CHECK(contains(error->message, h.broker.name()));
  CHECK(h.closed_calls == 1);
}

TEST_CASE("a response frame above receive.message.max.bytes closes the connection") {
  for (int32_t announced : {int32_t{1} << 20, int32_t{-5}}) {
    CAPTURE(announced);
    Harness h;
    h.config.receive_message_max_bytes = 4096;
    h.broker.on_request = [&](ScriptedBroker::Peer& peer, const ReceivedRequest&) {
      protocol::Bytes prefix;
      protocol::Writer w(prefix);
      w.i32(announced);
      w.i32(0);
      peer.write(prefix);
    };
    h.stop_on_close = true;
    h.open();
    std::optional<Error> error;
    h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) { error = r.error(); });
    REQUIRE(run_bounded(*h.loop, 5s));
    h.settle();
    REQUIRE(error.has_value());
    CHECK(error->code == net::errc::protocol_error);
    CHECK(contains(error->message, announced > 0 ? "exceeds the limit of 4096" : "negative"));
    CHECK(contains(error->message, h.broker.name()));
    CHECK(h.closed_calls == 1);
  }
}

TEST_CASE("an undecodable response body closes the connection") {
  Harness h;
  h.broker.on_request = [&](ScriptedBroker::Peer& peer, const ReceivedRequest& request) {
    // A v0 response header and three bytes of body: not a Metadata response.
    protocol::Bytes frame;
    protocol::Writer w(frame);
    w.i32(4 + 3 + (request.header_version == 2 ? 1 : 0));
    w.i32(request.correlation_id);
    if (request.header_version == 2) w.uvarint(0);
    w.i8(1), w.i8(2), w.i8(3);
    peer.write(frame);
  };
  h.stop_on_close = true;
  h.open();
  std::vector<Error> errors;
  for (int i = 0; i < 2; ++i) {
    h.connection->send(MetadataRequest{},
                       [&](Result<MetadataResponse> r) { errors.push_back(r.error()); });
  }
  REQUIRE(run_bounded(*h.loop, 5s));
  h.settle();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].code == net::errc::protocol_error);
  CHECK(contains(errors[0].message, "undecodable Metadata"));
  CHECK(errors[1].code == net::errc::protocol_error);
  CHECK(h.closed_calls == 1);
}

TEST_CASE("Produce with acks=0 completes once written and expects no response") {
  Harness h;
  std::vector<int16_t> acks_seen;
  h.broker.on_request = [&](ScriptedBroker::Peer& peer, const ReceivedRequest& request) {
    if (request.api_key == 0) {
      auto produce =
          protocol::decode_message<protocol::ProduceRequest>(request.body, request.api_version);
      REQUIRE(produce.ok());
      acks_seen.push_back(produce->acks);
      peer.silent();
      return;
    }
    echo_correlation(peer, request);
  };
  h.open();
  protocol::ProduceRequest produce;
  produce.acks = 0;
  produce.timeout_ms = 1000;
  bool produced = false;
  bool metadata_ok = false;
  h.connection->send(produce, [&](Result<protocol::ProduceResponse> r) {
    CHECK(r.ok());
    produced = true;
  });
  CHECK_FALSE(produced);  // never inside send()
  h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    REQUIRE(r.ok());
    CHECK(produced);
    // The Metadata response matched the Metadata request, not the silent Produce.
    CHECK(r->controller_id == h.broker.requests.back().correlation_id);
    metadata_ok = true;
    h.loop->stop();
  });
  REQUIRE(run_bounded(*h.loop, 5s));
  CHECK(produced);
  CHECK(metadata_ok);
  CHECK(acks_seen == std::vector<int16_t>{0});
  CHECK(h.connection->in_flight_count() == 0);
  h.settle();
  CHECK(h.closed_calls == 0);
}

TEST_CASE("callbacks may send more, close, and drop the last reference re-entrantly") {
  Harness h;
  h.broker.on_request = echo_correlation;
  h.open();
  std::vector<std::string> log;
  std::optional<Error> after_close;
  h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    REQUIRE(r.ok());
    log.push_back("first");
    h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r2) {
      REQUIRE(r2.ok());
      log.push_back("second");
      h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r3) {
        after_close = r3.ok() ? std::nullopt : std::optional<Error>(r3.error());
        log.push_back("third");
        h.loop->stop();
      });
      h.connection->close();  // fails the third request
      h.connection.reset();   // and drops the connection from inside its own callback
    });
  });
  REQUIRE(run_bounded(*h.loop, 5s));
  CHECK(log == std::vector<std::string>{"first", "second", "third"});
  REQUIRE(after_close.has_value());
  CHECK(after_close->code == net::errc::connection_closed);
  CHECK(contains(after_close->message, "closed by the application"));
  CHECK(h.connection == nullptr);
  h.settle();
  CHECK(h.loop->fd_count() == 1);  // the listener: the broker saw EOF and closed its side
}

TEST_CASE("destroying an open connection fails its requests later, on the loop") {
  Harness h;
  h.broker.on_request = [](ScriptedBroker::Peer&, const ReceivedRequest&) {};
  h.open();
  std::optional<Error> error;
  h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    error = r.error();
    h.loop->stop();
  });
  h.connection.reset();
  CHECK_FALSE(error.has_value());
  REQUIRE(run_bounded(*h.loop, 5s));
  REQUIRE(error.has_value());
  CHECK(error->code == net::errc::connection_closed);
  CHECK(h.closed_calls == 0);  // the owner destroyed it: no on_closed
  CHECK(h.loop->timer_count() == 0);
}

TEST_CASE("ApiVersions falls back when the broker answers UNSUPPORTED_VERSION in the v0 layout") {
  Harness h;
  std::vector<int16_t> versions_seen;
  h.broker.on_api_versions = [&](ScriptedBroker::Peer& peer, const ReceivedRequest& request) {
    versions_seen.push_back(request.api_version);
    if (request.api_version > 2) {
      // What a broker that only knows ApiVersions v0-v2 sends (KIP-511): v0 layout, error
      // 35, only key 18 with its range, response header v0.
      protocol::ApiVersionsResponse refusal;
      refusal.error_code = kUnsupportedVersion;
      refusal.api_keys.push_back({18, 0, 2, {}});
      peer.write(protocol::frame_response(request.correlation_id, int16_t{0}, refusal));
      peer.silent();
      return;
    }
    h.broker.answer_api_versions(peer, request);
  };
  h.broker.ranges[18] = {0, 2};
  h.broker.on_request = echo_correlation;
  h.open();
  CHECK(versions_seen == std::vector<int16_t>{protocol::ApiVersionsRequest::max_version, 2});
  CHECK(h.connection->api_versions_version() == 2);
  REQUIRE(h.connection->api_versions().find(18) != nullptr);
  CHECK(h.connection->api_versions().find(18)->max == 2);
  CHECK(h.closed_calls == 0);
}

TEST_CASE("requests go out at the highest common version; no common version fails with 35") {
  Harness h;
  h.broker.ranges.erase(60);      // DescribeCluster: the broker lacks it
  h.broker.ranges[3] = {0, 9};    // Metadata: older broker
  h.broker.ranges[0] = {14, 15};  // Produce: only versions newer than ours
  h.broker.on_request = echo_correlation;
  h.open();

  std::optional<Error> cluster_error, produce_error;
  bool metadata_done = false;
  h.connection->send(protocol::DescribeClusterRequest{},
                     [&](Result<protocol::DescribeClusterResponse> r) {
                       REQUIRE_FALSE(r.ok());
                       cluster_error = r.error();
                     });
  protocol::ProduceRequest produce;
  produce.acks = -1;
  h.connection->send(produce, [&](Result<protocol::ProduceResponse> r) {
    REQUIRE_FALSE(r.ok());
    produce_error = r.error();
  });
  CHECK_FALSE(cluster_error.has_value());  // reported on the loop, not inside send()
  h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    REQUIRE(r.ok());
    metadata_done = true;
    h.loop->stop();
  });
  REQUIRE(run_bounded(*h.loop, 5s));
  REQUIRE(cluster_error.has_value());
  CHECK(cluster_error->code == kUnsupportedVersion);
  CHECK(contains(cluster_error->message, "DescribeCluster"));
  CHECK(contains(cluster_error->message, "does not support"));
  CHECK(contains(cluster_error->message, h.broker.name()));
  REQUIRE(produce_error.has_value());
  CHECK(produce_error->code == kUnsupportedVersion);
  CHECK(contains(produce_error->message, "v0-v13"));
  CHECK(contains(produce_error->message, "v14-v15"));
  CHECK(metadata_done);
  // Nothing but ApiVersions and Metadata v9 reached the broker.
  REQUIRE(h.broker.requests.size() == 2);
  CHECK(h.broker.requests[1].api_key == 3);
  CHECK(h.broker.requests[1].api_version == 9);
  CHECK(h.broker.requests[1].header_version == 2);
  CHECK(h.closed_calls == 0);
}

TEST_CASE("requests submitted before the connection is ready wait and are then negotiated") {
  Harness h;
  h.broker.ranges[3] = {0, 4};
  h.broker.on_request = echo_correlation;
  h.stop_on_ready = false;
  h.open(/*wait_ready=*/false);
  CHECK_FALSE(h.connection->ready());
  bool done = false;
  h.connection->send(MetadataRequest{}, [&](Result<MetadataResponse> r) {
    REQUIRE(r.ok());
    done = true;
    h.loop->stop();
  });
  REQUIRE(run_bounded(*h.loop, 5s));
  CHECK(done);
  CHECK(h.ready_calls == 1);
  CHECK(h.broker.requests.back().api_version == 4);
  CHECK(h.broker.requests.back().header_version == 1);
}

TEST_CASE("the raw variant sends bytes at a pinned version and returns the body") {
  Harness h;
  h.broker.on_request = echo_correlation;
  h.open();
  RawRequest raw;
  raw.api_key = 3;
  raw.api_version = 1;
  raw.body = protocol::encode_message(MetadataRequest{}, 1);
  std::optional<Result<RawResponse>> got;
  h.connection->send_raw(std::move(raw), [&](Result<RawResponse> r) {
    got.emplace(std::move(r));
    h.loop->stop();
  });
  REQUIRE(run_bounded(*h.loop, 5s));
  REQUIRE(got.has_value());
  REQUIRE(got->ok());
  CHECK(got->value().api_version == 1);
  auto decoded = protocol::decode_message<MetadataResponse>(got->value().body, 1);
  REQUIRE(decoded.ok());
  CHECK(decoded->controller_id == got->value().correlation_id);
}
